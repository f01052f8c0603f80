package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"pop3lab/lessons/render"
)

// builtinCourseDir is where the built-in course lives in the source tree;
// problems in it are reported with this prefix so that editors find them.
const builtinCourseDir = "lessons/course"

// runLessons is `pop3lab lessons check [DIR]`.
func runLessons(_ context.Context, args []string, stdout, stderr io.Writer) error {
	usage := func() {
		fmt.Fprintln(stderr, "Usage: pop3lab lessons check [DIR]")
		fmt.Fprintln(stderr, "Checks a course folder (the built-in course by default): front matter, links, quizzes,")
		fmt.Fprintln(stderr, "cards, and every pop3 scenario run against the simulator. Prints \"N lessons OK\" or one")
		fmt.Fprintln(stderr, "\"file:line: problem\" line per problem and exits 1.")
	}
	if len(args) == 0 || args[0] != "check" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			usage()
			return nil
		}
		usage()
		return errUsage{"want: lessons check [DIR]"}
	}
	flags := flag.NewFlagSet("pop3lab lessons check", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = usage
	if err := parseFlags(flags, args[1:], 1); err != nil {
		return err
	}
	fsys, prefix, err := courseSource(courseChoice{Dir: flags.Arg(0)})
	if err != nil {
		return err
	}
	if problems := render.Check(fsys); len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(stdout, problemLine(prefix, p))
		}
		return fmt.Errorf("%d problem%s", len(problems), map[bool]string{true: "", false: "s"}[len(problems) == 1])
	}
	course, err := render.Load(fsys)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s OK\n", lessonCount(len(course)))
	return nil
}

// courseSource opens a course folder, or the built-in course for "". The
// prefix names the folder in problem lines.
func courseSource(c courseChoice) (fs.FS, string, error) {
	if c.Dir == "" {
		return render.CourseFS(), builtinCourseDir, nil
	}
	info, err := os.Stat(c.Dir)
	if err != nil {
		return nil, "", err
	}
	if !info.IsDir() {
		return nil, "", fmt.Errorf("%s is not a folder: give the folder that holds the lesson .md files", c.Dir)
	}
	if !c.AddToBuiltin {
		return os.DirFS(c.Dir), c.Dir, nil
	}
	merged, err := render.Merge(render.CourseFS(), os.DirFS(c.Dir))
	if err != nil {
		return nil, "", err
	}
	return merged, c.Dir, nil
}

// courseChoice says which course a site gets: the built-in one (Dir ""),
// an author's folder instead of it, or added to it.
type courseChoice struct {
	Dir          string
	AddToBuiltin bool
}

// problemLine writes a problem as "DIR/file:line: msg".
func problemLine(prefix string, p render.Problem) string {
	if p.File != "." {
		p.File = filepath.Join(prefix, p.File)
	} else {
		p.File = prefix
	}
	return p.String()
}

// problemsError joins problems into one error, one per line.
func problemsError(prefix string, problems []render.Problem) error {
	lines := make([]string, len(problems))
	for i, p := range problems {
		lines[i] = problemLine(prefix, p)
	}
	return fmt.Errorf("the course has %d problem(s); run `pop3lab lessons check`:\n%s", len(problems), strings.Join(lines, "\n"))
}

// lessonCount says "1 lesson" or "N lessons".
func lessonCount(n int) string {
	if n == 1 {
		return "1 lesson"
	}
	return fmt.Sprintf("%d lessons", n)
}
