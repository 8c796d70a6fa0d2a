package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/internal/review/render"
	"github.com/sfnkit/sfnkit/local/harness"
)

const renderUsage = `render [--out DIR] [--stack NAME=DIR ...] [--svg] [--check] [cdk.out | FILE ...]
      write each state machine's readable ASL, Mermaid chart, DOT and SVG
      (the project's stacks go beside their workflows, others under --out);
      FILE is a plain ASL definition or a template, rendered under --out by
      its name; one that fails is reported and the others still render`

// stackDirs is --stack NAME=DIR, repeatable.
type stackDirs map[string]string

func (s stackDirs) String() string { return fmt.Sprint(map[string]string(s)) }

func (s stackDirs) Set(v string) error {
	name, dir, ok := strings.Cut(v, "=")
	if !ok || name == "" || dir == "" {
		return fmt.Errorf("want NAME=DIR, got %q", v)
	}
	s[name] = dir
	return nil
}

// runRender implements `sfnkit render`: it writes the files, or with
// --check compares them with what is on disk and exits 1 when any is
// missing or stale.
func runRender(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "rendered", "the directory for stacks without a --stack")
	dirs := stackDirs{}
	fs.Var(dirs, "stack", "put a stack's files in a directory of their own: NAME=DIR (repeatable)")
	svg := fs.Bool("svg", false, "also render SVG pictures (needs `make deps`: Graphviz as WebAssembly on the pinned Node)")
	check := fs.Bool("check", false, "write nothing; exit 1 if any file is missing or differs")
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: sfnkit "+renderUsage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	inputs := fs.Args()
	if len(inputs) == 0 {
		inputs = []string{"cdk.out"}
	}
	stackDir := func(stack string) string {
		if d, ok := dirs[stack]; ok {
			return d
		}
		if d, ok := harness.RenderDirs[stack]; ok {
			return d
		}
		return filepath.Join(*out, stack)
	}
	status := 0
	var rendered []render.Rendered
	for _, in := range inputs {
		r, err := renderInput(in, stackDir)
		if err != nil {
			fmt.Fprintln(stderr, "sfnkit render:", err)
			status = max(status, exitOf(err))
			continue
		}
		rendered = append(rendered, r...)
	}
	if len(rendered) == 0 {
		return max(status, 2)
	}
	if *svg {
		root, err := os.Getwd()
		if err == nil {
			err = render.Graphviz{Root: root}.SVG(rendered)
		}
		if err != nil {
			fmt.Fprintln(stderr, "sfnkit render:", err)
			return 2
		}
	}
	files := map[string][]byte{}
	for _, r := range rendered {
		for path, data := range r.Files() {
			files[path] = data
		}
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	if *check {
		stale := Stale(files)
		for _, p := range stale {
			fmt.Fprintln(stdout, "stale:", p)
		}
		if len(stale) > 0 {
			fmt.Fprintln(stdout, "the rendered workflows are out of date: run `make render` and commit the result")
			return max(status, 1)
		}
		fmt.Fprintf(stdout, "%d rendered files are current\n", len(paths))
		return status
	}
	for _, p := range paths {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			fmt.Fprintln(stderr, "sfnkit render:", err)
			return 2
		}
		if err := os.WriteFile(p, files[p], 0o644); err != nil {
			fmt.Fprintln(stderr, "sfnkit render:", err)
			return 2
		}
		fmt.Fprintln(stdout, "wrote", p)
	}
	return status
}

// unreadable marks an input render could not read (exit 2), as opposed to
// one it read and could not render (exit 1).
type unreadable struct{ error }

func exitOf(err error) int {
	if _, ok := err.(unreadable); ok {
		return 2
	}
	return 1
}

// renderInput renders a cdk.out directory, a template or a plain ASL file.
// A file's state machines are named after it: orders.asl.json renders as
// stack "orders".
func renderInput(path string, stackDir func(string) string) ([]render.Rendered, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, unreadable{err}
	}
	if info.IsDir() {
		asm, err := cfn.ReadAssembly(path)
		if err != nil {
			return nil, unreadable{err}
		}
		return render.Assembly(asm, stackDir)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, unreadable{err}
	}
	name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".json"), ".asl")
	var machines []cfn.StateMachine
	if isTemplate(data) {
		tpl, err := cfn.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		if machines, err = tpl.StateMachines(cfn.Names{}); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		if len(machines) == 0 {
			return nil, fmt.Errorf("%s: the template has no AWS::StepFunctions::StateMachine", path)
		}
	} else {
		machines = []cfn.StateMachine{{LogicalID: name, Type: "STANDARD", Definition: string(data)}}
	}
	var out []render.Rendered
	for _, m := range machines {
		base := name
		if len(machines) > 1 {
			base += "." + m.LogicalID
		}
		r, err := render.Machine(name, m, filepath.Join(stackDir(name), base))
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// Stale lists the files whose content on disk differs from want.
func Stale(want map[string][]byte) []string {
	var stale []string
	for p, data := range want {
		if have, err := os.ReadFile(p); err != nil || !bytes.Equal(have, data) {
			stale = append(stale, p)
		}
	}
	sort.Strings(stale)
	return stale
}
