package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/local/harness"
)

const demoUsage = `demo [cdk.out] [NAME-PREFIX]   play every sample scenario on the synthesized state machines`

// runDemo plays the sample scenarios of every workflow (or those whose
// name starts with a prefix) on the state machines of a cloud assembly,
// with the project's handlers and in-memory AWS, and prints the path each
// took. It exits 1 if a scenario ends other than as designed.
func runDemo(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	dir, prefix := "cdk.out", ""
	switch len(args) {
	case 2:
		prefix = args[1]
		fallthrough
	case 1:
		dir = args[0]
	case 0:
	default:
		fmt.Fprintln(stderr, "usage: sfnkit "+demoUsage)
		return 2
	}
	templates := map[string]*cfn.Template{}
	failed, played := 0, 0
	for _, s := range harness.Scenarios() {
		if !strings.HasPrefix(s.Name, prefix) {
			continue
		}
		tpl, ok := templates[s.Stack]
		if !ok {
			var err error
			if tpl, err = cfn.Load(filepath.Join(dir, s.Stack+".template.json")); err != nil {
				fmt.Fprintf(stderr, "sfnkit demo: %v (run `make synth` first)\n", err)
				return 2
			}
			templates[s.Stack] = tpl
		}
		env, err := harness.NewEnv(tpl, "", harness.Options{})
		if err != nil {
			fmt.Fprintf(stderr, "sfnkit demo: %s: %v\n", s.Stack, err)
			return 2
		}
		played++
		out, err := s.Play(context.Background(), env)
		if err != nil {
			fmt.Fprintf(stdout, "%s\n  could not play: %v\n\n", s.Name, err)
			failed++
			continue
		}
		verdict := "as designed"
		if err := s.Check(out); err != nil {
			verdict = "NOT AS DESIGNED: " + err.Error()
			failed++
		}
		fmt.Fprintf(stdout, "%s: %s\n", s.Name, s.Summary)
		fmt.Fprintf(stdout, "  %s in %s, %s, %v of virtual time\n", out.Result.Status, out.Path[len(out.Path)-1], verdict, env.Clock.Now().Sub(out.History[0].Timestamp))
		fmt.Fprintf(stdout, "  %s\n\n", strings.Join(out.Path, " → "))
	}
	if played == 0 {
		fmt.Fprintf(stderr, "sfnkit demo: no scenario's name starts with %q\n", prefix)
		return 2
	}
	fmt.Fprintf(stdout, "%d scenarios, %d as designed\n", played, played-failed)
	if failed > 0 {
		return 1
	}
	return 0
}
