package render

import (
	"bytes"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
)

// Files is a course folder held in memory: file name to markdown. It is
// an fs.FS, so Load and Check take it; the build merges courses with it.
type Files map[string]string

// Merge returns the top-level .md files of every folder, a later folder's
// file replacing an earlier one of the same name: an author's lessons
// added to the built-in course.
func Merge(folders ...fs.FS) (Files, error) {
	out := Files{}
	for _, f := range folders {
		names, err := fs.Glob(f, "*.md")
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			b, err := fs.ReadFile(f, n)
			if err != nil {
				return nil, err
			}
			out[n] = string(b)
		}
	}
	return out, nil
}

// Open implements fs.FS: the root directory and its files.
func (f Files) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		var entries []fs.DirEntry
		for n, body := range f {
			entries = append(entries, fs.FileInfoToDirEntry(fileInfo{name: n, size: int64(len(body))}))
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
		return &dir{entries: entries}, nil
	}
	body, ok := f[name]
	if !ok || strings.Contains(name, "/") {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &file{Reader: bytes.NewReader([]byte(body)), info: fileInfo{name: path.Base(name), size: int64(len(body))}}, nil
}

type fileInfo struct {
	name string
	size int64
	dir  bool
}

func (i fileInfo) Name() string { return i.name }
func (i fileInfo) Size() int64  { return i.size }
func (i fileInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i fileInfo) ModTime() time.Time { return time.Time{} }
func (i fileInfo) IsDir() bool        { return i.dir }
func (i fileInfo) Sys() any           { return nil }

type file struct {
	*bytes.Reader
	info fileInfo
}

func (f *file) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *file) Close() error               { return nil }

type dir struct {
	entries []fs.DirEntry
	read    int
}

func (d *dir) Stat() (fs.FileInfo, error) { return fileInfo{name: ".", dir: true}, nil }
func (d *dir) Read([]byte) (int, error)   { return 0, io.EOF }
func (d *dir) Close() error               { return nil }

// ReadDir implements fs.ReadDirFile.
func (d *dir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.read:]
	if n <= 0 {
		d.read = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.read += n
	return rest[:n], nil
}
