package main

import (
	"fmt"
	"io"

	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/internal/review/summary"
)

// runSummary prints, per stack of a cloud assembly, its resources by type,
// its state machines and cdk-nag's verdict. It exits 1 if any stack has an
// error annotation or an unsuppressed cdk-nag error.
func runSummary(args []string, stdout, stderr io.Writer) int {
	dir := "cdk.out"
	if len(args) > 1 {
		fmt.Fprintln(stderr, "usage: sfnkit summary [cdk.out]")
		return 2
	}
	if len(args) == 1 {
		dir = args[0]
	}
	asm, err := cfn.ReadAssembly(dir)
	if err != nil {
		fmt.Fprintln(stderr, "sfnkit summary:", err)
		return 2
	}
	if len(asm.Stacks) == 0 {
		fmt.Fprintf(stderr, "sfnkit summary: %s holds no stack\n", dir)
		return 2
	}
	if !summary.Print(stdout, asm) {
		return 1
	}
	return 0
}
