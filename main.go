// Command sfnkit-app is the CDK app: it reads its configuration from context,
// defines every workflow stack with cdk-nag checks, and synthesizes them.
package main

import (
	"fmt"
	"os"

	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/stacks"
)

func main() {
	defer jsii.Close()
	defer reportInvalidProps()

	app := stacks.NewApp(nil)
	stacks.Build(app, stacks.ConfigFromContext(app))
	app.Synth(nil)
}

// reportInvalidProps turns the panic a construct raises for invalid props
// (its message names the prop, the value and the fix) into one readable
// line and a failed synth, instead of a goroutine dump.
func reportInvalidProps() {
	if r := recover(); r != nil {
		if err, ok := r.(error); ok {
			fmt.Fprintln(os.Stderr, "synth failed:", err)
			jsii.Close()
			os.Exit(1)
		}
		panic(r)
	}
}
