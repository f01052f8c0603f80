// Package course holds the built-in course: one markdown lesson per file,
// in the format of package lessons. Package render reads and renders it.
package course

import (
	"embed"
	"io/fs"
)

//go:embed *.md
var files embed.FS

// FS returns the course's lesson files, at the top of the file system.
func FS() fs.FS { return files }
