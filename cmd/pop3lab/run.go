package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"pop3lab/sim"
	"pop3lab/sim/scenario"
)

func runLabs(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pop3lab labs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	for _, lab := range scenario.Labs() {
		fmt.Fprintf(stdout, "%-20s %s\n", lab.Name, lab.Summary)
	}
	fmt.Fprintln(stdout, "\nRun one with `pop3lab run NAME`.")
	return nil
}

func runScenario(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pop3lab run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pcapFile := fs.String("pcap", "", "write the session as a pcap capture (Wireshark) to FILE")
	pcapngFile := fs.String("pcapng", "", "write the session as pcapng with the TLS keys, so that Wireshark decrypts it, to FILE")
	transcriptFile := fs.String("transcript", "", "write a C:/S: transcript to FILE")
	unmasked := fs.Bool("show-passwords", false, "do not mask credentials in the transcript")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: pop3lab run [--pcap FILE] [--pcapng FILE] [--transcript FILE] NAME|FILE")
		fmt.Fprintln(stderr, "Runs a built-in lab (see `pop3lab labs`) or a scenario file headless.")
		fs.PrintDefaults()
	}
	// Flags may come after the scenario name too.
	var positional []string
	for len(args) > 0 {
		if err := parseFlags(fs, args, len(args)); err != nil {
			return err
		}
		args = fs.Args()
		if len(args) > 0 {
			positional = append(positional, args[0])
			args = args[1:]
		}
	}
	if len(positional) != 1 {
		fs.Usage()
		return errUsage{"want one lab or file"}
	}
	name, src, err := loadScenario(positional[0])
	if err != nil {
		return err
	}
	sc, err := scenario.Parse(src)
	if err != nil {
		return fmt.Errorf("%s:\n%w", name, err)
	}
	if sc.Title != "" {
		fmt.Fprintf(stdout, "== %s\n", sc.Title)
	}
	start := time.Now()
	s, runErr := scenario.Run(sc, sim.Options{}, func(sr scenario.StepResult) { printStep(stdout, sr) })
	if s != nil {
		defer s.Close()
		if err := writeExports(s, exports{*pcapFile, *pcapngFile, *transcriptFile}, !*unmasked); err != nil {
			return err
		}
	}
	if runErr != nil {
		return fmt.Errorf("%s: %w", name, runErr)
	}
	fmt.Fprintf(stdout, "== %d steps as expected (%s)\n", len(sc.Steps), time.Since(start).Round(time.Millisecond))
	return nil
}

// loadScenario finds a built-in lab by name, else reads a file.
func loadScenario(arg string) (name, src string, err error) {
	if lab, ok := scenario.LabByName(arg); ok {
		return "lab " + lab.Name, lab.Source, nil
	}
	b, err := os.ReadFile(arg)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", "", fmt.Errorf("%q is neither a built-in lab (see `pop3lab labs`) nor a file", arg)
		}
		return "", "", err
	}
	return arg, string(b), nil
}

// printStep prints what a step did, as a transcript a learner can follow.
func printStep(w io.Writer, sr scenario.StepResult) {
	st := sr.Step
	for _, line := range strings.Split(st.Note, "\n") {
		if line != "" {
			fmt.Fprintf(w, "   # %s\n", line)
		}
	}
	switch st.Kind {
	case sim.ActNote:
		return
	case sim.ActSend:
		fmt.Fprintf(w, "C: %s\n", st.Text)
	case sim.ActConnect:
		fmt.Fprintln(w, "-- connect")
	case sim.ActSettings:
		var kv []string
		for _, s := range st.Settings {
			kv = append(kv, s.Key+"="+s.Value)
		}
		fmt.Fprintf(w, "-- %s settings: %s\n", st.Scope, strings.Join(kv, " "))
	case sim.ActGetMail, sim.ActPreview:
		fmt.Fprintf(w, "-- mail client: %s\n", st.Kind)
	case sim.ActAttack:
		fmt.Fprintf(w, "-- attacker: %s %s\n", st.Text, strings.TrimSpace(st.Arg))
	case sim.ActDeliver:
		fmt.Fprintf(w, "-- deliver %q\n", st.Text)
	case sim.ActWait:
		fmt.Fprintf(w, "-- wait %s\n", st.Duration)
	case sim.ActDrop:
		fmt.Fprintln(w, "-- drop the connection")
	}
	for _, l := range sr.Result.Lines {
		fmt.Fprintf(w, "S: %s\n", l)
	}
	if rep := sr.Result.Report; rep != nil {
		for _, step := range rep.Steps {
			fmt.Fprintf(w, "   %s\n", step)
		}
		for _, warn := range rep.Warnings {
			fmt.Fprintf(w, "   WARNING: %s\n", warn)
		}
	}
	if sr.Err != nil && len(sr.Result.Lines) == 0 && sr.Result.Report == nil {
		fmt.Fprintf(w, "   (%v)\n", sr.Err)
	}
}

// exports names the files a run writes; empty names are skipped.
type exports struct {
	pcap, pcapng, transcript string
}

func writeExports(s *sim.Simulation, files exports, mask bool) error {
	for _, ex := range []struct {
		file, what string
		write      func(io.Writer) error
	}{
		{files.pcap, "pcap", s.WritePcap},
		{files.pcapng, "pcapng", s.WritePcapng},
		{files.transcript, "transcript", func(w io.Writer) error { return s.Transcript(w, mask) }},
	} {
		if ex.file == "" {
			continue
		}
		var buf bytes.Buffer
		if err := ex.write(&buf); err != nil {
			return fmt.Errorf("%s: %w", ex.what, err)
		}
		if err := os.WriteFile(ex.file, buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}
