// Command summarize prints the summary of a cloud assembly, as `sfnkit
// summary` does. It is what `make synth` runs: it compiles in seconds,
// beside the synthesis, where the sfnkit CLI, with the engine's local
// runtime and every handler, takes more than a minute on a fresh machine.
//
//	summarize [cdk.out]
package main

import (
	"fmt"
	"os"

	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/internal/review/summary"
)

func main() {
	dir := "cdk.out"
	switch len(os.Args) {
	case 1:
	case 2:
		dir = os.Args[1]
	default:
		fmt.Fprintln(os.Stderr, "usage: summarize [cdk.out]")
		os.Exit(2)
	}
	asm, err := cfn.ReadAssembly(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "summarize:", err)
		os.Exit(2)
	}
	if len(asm.Stacks) == 0 {
		fmt.Fprintf(os.Stderr, "summarize: %s holds no stack\n", dir)
		os.Exit(2)
	}
	if !summary.Print(os.Stdout, asm) {
		os.Exit(1)
	}
}
