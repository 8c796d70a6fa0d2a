// Command sfnkit is the one CLI for the tools around the workflows.
//
//	sfnkit summary [cdk.out]   print what each synthesized stack holds
//	sfnkit validate FILE...    check definitions as ValidateStateMachineDefinition does
//	sfnkit run --definition F  execute a state machine on the local engine
//	sfnkit test-state ...      run one state as the TestState API does
//	sfnkit demo [cdk.out]      play the sample scenarios on the synthesized workflows
//	sfnkit render [cdk.out]    readable ASL, Mermaid, DOT and SVG of every state machine
//	sfnkit diff OLD NEW        what changed in the workflows between two assemblies
//	sfnkit serve               a local AWS Step Functions endpoint over the engine
//	sfnkit smoke               run the sample scenarios against deployed workflows
//	sfnkit version             print the release (also --version)
//
// Exit status: 0 on success, 1 when the command ran and found a problem,
// 2 when it could not run (bad flags, unreadable input).
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/sfnkit/sfnkit/internal/version"
)

// command is one sfnkit subcommand.
type command struct {
	name, usage string
	run         func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

var commands = []command{
	{"summary", "summary [cdk.out]   print what each synthesized stack holds", func(args []string, _ io.Reader, stdout, stderr io.Writer) int {
		return runSummary(args, stdout, stderr)
	}},
	{"validate", validateUsage, runValidate},
	{"run", runUsage, runRun},
	{"test-state", testStateUsage, runTestState},
	{"demo", demoUsage, runDemo},
	{"render", renderUsage, runRender},
	{"diff", diffUsage, runDiff},
	{"serve", serveUsage, runServe},
	{"smoke", smokeUsage, runSmoke},
	{"version", "version   print the release of sfnkit (also --version)", runVersion},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		return 2
	}
	if args[0] == "--version" || args[0] == "-version" {
		return runVersion(args[1:], stdin, stdout, stderr)
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdin, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "sfnkit: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: sfnkit <command> [arguments]")
	for _, c := range commands {
		fmt.Fprintln(w, "  sfnkit "+c.usage)
	}
}

// runVersion prints "sfnkit " and the release, as sfnkit version and
// sfnkit --version do; it takes no arguments.
func runVersion(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "sfnkit: version takes no arguments, got %q\n", args)
		return 2
	}
	fmt.Fprintln(stdout, "sfnkit "+version.Version)
	return 0
}
