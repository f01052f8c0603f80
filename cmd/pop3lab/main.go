// Command pop3lab is the POP3 teaching simulator's command line.
//
//	pop3lab pop3 [flags]         serve POP3 and POP3S on real TCP
//	pop3lab labs                 list the built-in attack labs
//	pop3lab run NAME|FILE        run a lab or scenario headless
//
// Run `pop3lab help` for the list of commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand of pop3lab.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"pop3", "serve POP3 (port 110 style, with STLS) and POP3S on real TCP", runPOP3},
		{"labs", "list the built-in attack labs", runLabs},
		{"run", "run a lab or scenario file headless; export pcap and transcript", runScenario},
		{"build", "build the browser app as a static site (-o DIR, default dist)", runBuild},
		{"serve", "serve the browser app on 127.0.0.1:8080 (builds it unless --dir has a site)", runServe},
		{"lessons", "check a course folder: lessons check [DIR] (default: the built-in course)", runLessons},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// errUsage marks an error that was already explained with usage text.
type errUsage struct{ msg string }

func (e errUsage) Error() string { return e.msg }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			if err := c.run(ctx, args[1:], stdout, stderr); err != nil {
				if errors.Is(err, errHelp) {
					return 0
				}
				if _, ok := err.(errUsage); ok {
					return 2
				}
				fmt.Fprintf(stderr, "pop3lab %s: %v\n", c.name, err)
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(stderr, "pop3lab: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

// errHelp: the command printed its help, as asked.
var errHelp = errors.New("help shown")

// parseFlags parses a command's arguments, allowing at most maxArgs
// positional ones. Asking for help gives errHelp; a bad flag or too many
// arguments give errUsage, after the reason and the usage are printed.
func parseFlags(fs *flag.FlagSet, args []string, maxArgs int) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return errUsage{err.Error()}
	}
	if fs.NArg() > maxArgs {
		fmt.Fprintf(fs.Output(), "%s: unexpected arguments %q\n", fs.Name(), fs.Args()[maxArgs:])
		fs.Usage()
		return errUsage{"unexpected arguments"}
	}
	return nil
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "pop3lab: an interactive POP3 teaching simulator")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: pop3lab COMMAND [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run `pop3lab COMMAND -h` for a command's flags.")
}
