// Command sfnkit is the one CLI for the tools around the workflows.
//
//	sfnkit summary [cdk.out]   print what each synthesized stack holds
//
// Exit status: 0 on success, 1 when the command ran and found a problem,
// 2 when it could not run (bad flags, unreadable input).
package main

import (
	"fmt"
	"io"
	"os"
)

// command is one sfnkit subcommand.
type command struct {
	name, usage string
	run         func(args []string, stdout, stderr io.Writer) int
}

var commands = []command{
	{"summary", "summary [cdk.out]   print what each synthesized stack holds", runSummary},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		return 2
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
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
