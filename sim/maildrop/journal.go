package maildrop

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/hack-pad/hackpadfs"
)

// The deletion journal makes the UPDATE state (RFC 1939 §6) atomic on a
// file system that can only remove one file at a time. Commit writes it
// into tmp/ and renames it into the Maildir (a rename is atomic, so the
// journal is either complete or absent), removes the files it names, then
// removes it. Open finishes ("rolls forward") a journal it finds before
// it lists the maildrop.
//
// Format, one record a line after a header:
//
//	pop3lab-deletions 1
//	u "cur/1700000000.M000001P42Q1.host,S=12,W=13:2," "1700000000.M000001P42Q1.host"
//
// The first field is "u" when the base was unique at commit time, so a
// file that another reader renamed may be found by its base, or "x" when
// only the exact path may be removed. Path and base are Go-quoted: file
// names may hold any octet but "/" and NUL, a newline included.

const (
	// journalName is the journal's file name in the Maildir. It is not in
	// cur/ or new/, so it is never taken for a message.
	journalName   = "pop3lab-deletions"
	journalHeader = journalName + " 1"
)

// journalRecord names one message file to remove.
type journalRecord struct {
	path   string // relative to the Maildir: "cur/NAME" or "new/NAME"
	base   string
	byBase bool // the file may be found by its base if path is gone
}

func encodeJournal(recs []journalRecord) []byte {
	var b bytes.Buffer
	b.WriteString(journalHeader)
	b.WriteByte('\n')
	for _, r := range recs {
		if r.byBase {
			b.WriteString("u ")
		} else {
			b.WriteString("x ")
		}
		b.WriteString(strconv.Quote(r.path))
		b.WriteByte(' ')
		b.WriteString(strconv.Quote(r.base))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// errBadJournal: the journal is not one we wrote. Nothing is removed on
// its account and Open fails, so that a person looks at it.
var errBadJournal = errors.New("unreadable deletion journal")

func decodeJournal(data []byte) ([]journalRecord, error) {
	text, ok := strings.CutSuffix(string(data), "\n")
	if !ok {
		return nil, errBadJournal
	}
	lines := strings.Split(text, "\n")
	if lines[0] != journalHeader {
		return nil, errBadJournal
	}
	recs := make([]journalRecord, 0, len(lines)-1)
	for i, line := range lines[1:] {
		r, err := decodeRecord(line)
		if err != nil {
			return nil, fmt.Errorf("%w: line %d: %v", errBadJournal, i+2, err)
		}
		recs = append(recs, r)
	}
	return recs, nil
}

func decodeRecord(line string) (journalRecord, error) {
	var r journalRecord
	switch {
	case strings.HasPrefix(line, "u "):
		r.byBase = true
	case strings.HasPrefix(line, "x "):
	default:
		return r, errors.New("no u/x flag")
	}
	rest := line[2:]
	qp, err := strconv.QuotedPrefix(rest)
	if err != nil {
		return r, err
	}
	rest, ok := strings.CutPrefix(rest[len(qp):], " ")
	if !ok {
		return r, errors.New("no base")
	}
	qb, err := strconv.QuotedPrefix(rest)
	if err != nil || len(qb) != len(rest) {
		return r, errors.New("bad base")
	}
	r.path, _ = strconv.Unquote(qp)
	r.base, _ = strconv.Unquote(qb)
	// Only ever remove a message file: a damaged journal must not reach
	// outside cur/ and new/.
	dir, name, ok := strings.Cut(r.path, "/")
	if !ok || (dir != dirCur && dir != dirNew) || name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
		return r, fmt.Errorf("path %q is not a message file", r.path)
	}
	return r, nil
}

// writeJournal puts the journal for recs into the Maildir dir. It is
// written under a unique name in tmp/, created with O_EXCL, and renamed
// into place. The check that no journal is in place and the rename are
// two steps; the maildrop's lock, which on the host's file system holds
// across processes, keeps any other commit out between them.
func (s *Store) writeJournal(dir string, recs []journalRecord) error {
	final := path.Join(dir, journalName)
	if _, err := hackpadfs.Stat(s.fsys, final); !errors.Is(err, hackpadfs.ErrNotExist) {
		if err == nil {
			err = fmt.Errorf("%s: %w", final, hackpadfs.ErrExist)
		}
		return err
	}
	data := encodeJournal(recs)
	var (
		tmp string
		f   hackpadfs.File
		err error
	)
	for range 10 {
		var name string
		if name, err = s.journalTempName(); err != nil {
			return err
		}
		tmp = path.Join(dir, dirTmp, name)
		f, err = hackpadfs.OpenFile(s.fsys, tmp, hackpadfs.FlagWriteOnly|hackpadfs.FlagCreate|hackpadfs.FlagExclusive, filePerm)
		if !errors.Is(err, hackpadfs.ErrExist) {
			break
		}
	}
	if err != nil {
		return err
	}
	err = writeAll(f, data)
	if err == nil {
		err = syncFile(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = hackpadfs.Rename(s.fsys, tmp, final)
	}
	if err != nil {
		_ = hackpadfs.Remove(s.fsys, tmp)
	}
	return err
}

// applyJournal removes the files recs name, then the journal. A file that
// is already gone is not an error; one renamed by another reader is found
// by its base. If a removal fails, the journal stays for the next Open and
// the first error is returned.
func (s *Store) applyJournal(dir string, recs []journalRecord) error {
	var (
		firstErr error
		byBase   map[string][]string // base → paths; listed on first need
	)
	for _, r := range recs {
		err := hackpadfs.Remove(s.fsys, path.Join(dir, r.path))
		if errors.Is(err, hackpadfs.ErrNotExist) && r.byBase {
			if byBase == nil {
				byBase = s.indexBases(dir)
			}
			// Only a base that names one file identifies the message.
			if paths := byBase[r.base]; len(paths) == 1 {
				err = hackpadfs.Remove(s.fsys, path.Join(dir, paths[0]))
			}
		}
		if err != nil && !errors.Is(err, hackpadfs.ErrNotExist) && firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		return firstErr
	}
	// The deletions are done; a journal left behind would only be
	// finished again, harmlessly, by the next Open.
	_ = hackpadfs.Remove(s.fsys, path.Join(dir, journalName))
	return nil
}

// indexBases maps the base of every file in cur/ and new/ to its paths.
func (s *Store) indexBases(dir string) map[string][]string {
	idx := make(map[string][]string)
	for _, sub := range [...]string{dirCur, dirNew} {
		des, err := s.readDir(path.Join(dir, sub))
		if err != nil {
			continue
		}
		for _, de := range des {
			name := de.Name()
			if name == "" || name[0] == '.' || de.IsDir() {
				continue
			}
			b := parseName(name).base
			idx[b] = append(idx[b], path.Join(sub, name))
		}
	}
	return idx
}

// rollForward finishes the deletions of a journal left in dir by an
// UPDATE that failed part-way.
func (s *Store) rollForward(dir string) error {
	p := path.Join(dir, journalName)
	data, err := hackpadfs.ReadFile(s.fsys, p)
	if errors.Is(err, hackpadfs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	recs, err := decodeJournal(data)
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	if err := s.applyJournal(dir, recs); err != nil {
		return fmt.Errorf("finishing the deletions of %s: %w", p, err)
	}
	return nil
}
