package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/internal/review/diff"
)

const diffUsage = `diff [--fail-on CLASS,...|any] [--max-chars N [--rest-in WHERE]] OLD NEW
      compare two cloud assemblies' workflows; print a Markdown review`

// runDiff implements `sfnkit diff`: the Markdown report on stdout; exit 1
// when a change of a --fail-on class is present, 2 when it cannot run.
func runDiff(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	failOn := fs.String("fail-on", "", "exit 1 on these risk classes (comma-separated, or any): "+strings.Join(diff.RiskClasses, ", "))
	maxChars := fs.Int("max-chars", 0, fmt.Sprintf("cut the review to at most this many bytes, with a note on what was left out (a GitHub comment holds %d); 0 prints it whole", diff.CommentLimit))
	restIn := fs.String("rest-in", "the full review (sfnkit diff without --max-chars)", "where the note of --max-chars sends the reader for the rest")
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: sfnkit "+diffUsage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *maxChars < 0 {
		fmt.Fprintf(stderr, "sfnkit diff: --max-chars is %d; give a positive number of bytes, or 0 for the whole review\n", *maxChars)
		return 2
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return 2
	}
	classes, err := riskClasses(*failOn)
	if err != nil {
		fmt.Fprintln(stderr, "sfnkit diff:", err)
		return 2
	}
	var asm [2]*cfn.Assembly
	for i := range asm {
		if asm[i], err = cfn.ReadAssembly(fs.Arg(i)); err != nil {
			fmt.Fprintln(stderr, "sfnkit diff:", err)
			return 2
		}
	}
	report, err := diff.Compare(asm[0], asm[1])
	if err != nil {
		fmt.Fprintln(stderr, "sfnkit diff:", err)
		return 2
	}
	fmt.Fprint(stdout, diff.Cut(report.Markdown(), *maxChars, *restIn))
	var hit []string
	for _, r := range report.Risks() {
		if slices.Contains(classes, r) {
			hit = append(hit, r)
		}
	}
	if len(hit) > 0 {
		fmt.Fprintf(stderr, "sfnkit diff: the change has %s, which --fail-on refuses\n", strings.Join(hit, ", "))
		return 1
	}
	return 0
}

// riskClasses parses --fail-on.
func riskClasses(s string) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	if s == "any" {
		return diff.RiskClasses, nil
	}
	var out []string
	for _, c := range strings.Split(s, ",") {
		c = strings.TrimSpace(c)
		if !slices.Contains(diff.RiskClasses, c) {
			return nil, fmt.Errorf("--fail-on: %q is not a risk class; the classes are %s, or any", c, strings.Join(diff.RiskClasses, ", "))
		}
		out = append(out, c)
	}
	return out, nil
}
