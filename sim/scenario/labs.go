package scenario

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
)

//go:embed labs/*.pop3
var labFiles embed.FS

// Lab is a built-in scenario a learner can run and then fix.
type Lab struct {
	// Name is how `pop3lab run` and the page call it ("sniffing").
	Name string
	// Title and Summary come from the scenario header.
	Title, Summary string
	// Source is the scenario text.
	Source string
}

// Labs returns the built-in attack labs in course order. Their headers are
// read once per process: the page lists them before it takes input and
// looks them up on every lab it starts.
func Labs() []Lab { return slices.Clone(builtinLabs()) }

var builtinLabs = sync.OnceValue(readLabs)

func readLabs() []Lab {
	names, err := fs.Glob(labFiles, "labs/*.pop3")
	if err != nil {
		panic(err) // the pattern is a constant
	}
	sort.Strings(names)
	var labs []Lab
	for _, n := range names {
		src, err := labFiles.ReadFile(n)
		if err != nil {
			panic(err) // embedded at build time
		}
		// The header is all the list needs; TestLabs parses and runs
		// every lab whole.
		sc, err := ParseHeader(string(src))
		if err != nil {
			panic(fmt.Sprintf("built-in lab %s: %v", n, err)) // tested
		}
		base := strings.TrimSuffix(path.Base(n), ".pop3")
		_, name, _ := strings.Cut(base, "-") // drop the order prefix
		labs = append(labs, Lab{Name: name, Title: sc.Title, Summary: sc.Summary, Source: string(src)})
	}
	return labs
}

// LabByName finds a built-in lab.
func LabByName(name string) (Lab, bool) {
	for _, l := range builtinLabs() {
		if l.Name == name {
			return l, true
		}
	}
	return Lab{}, false
}
