// Package cdkapp is the main of a CDK app built from this project's
// constructs: it creates the app, applies the cdk-nag packs, synthesizes,
// and turns a construct's refusal of its props into one line and a failed
// synth instead of a goroutine dump. An app's main.go is then
//
//	func main() {
//		cdkapp.Main(func(app awscdk.App) {
//			stack := awscdk.NewStack(app, jsii.String("Orders"), nil)
//			orderfulfillment.New(stack, "Orders", &orderfulfillment.Props{SimulatedProviders: true})
//		})
//	}
package cdkapp

import (
	"fmt"
	"io"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/nag"
)

// New creates a CDK app with version reporting off (no AWS::CDK::Metadata
// resource), so templates hold only what a reviewer needs to read and stay
// identical across CDK patch releases of the same code. If props is nil,
// the app reads its context and output directory from the CDK CLI, as
// awscdk.NewApp does.
func New(props *awscdk.AppProps) awscdk.App {
	p := awscdk.AppProps{}
	if props != nil {
		p = *props
	}
	p.AnalyticsReporting = jsii.Bool(false)
	return awscdk.NewApp(&p)
}

// Main runs a CDK app: it creates the app with New, lets build add the
// stacks, applies cdk-nag's AwsSolutions and Serverless packs to all of
// them (nag.Apply), synthesizes with CDK's CloudFormation validation
// skipping the templates it passed before, and stops the jsii kernel.
//
// A panic with an error during any of it (a construct refusing its props,
// whose message names the prop, the value and the fix; CDK refusing a
// duplicate construct id; a failed validation) ends the program with
// "synth failed: <message>" on one line of stderr and exit status 1. A
// runtime error or a panic with another value is a bug, and keeps its
// goroutine dump.
func Main(build func(app awscdk.App)) {
	withoutBuiltinValidation()
	os.Exit(run(build, os.Stderr))
}

// run is Main without the exit: it returns the exit status and reports a
// failed synth on stderr.
func run(build func(app awscdk.App), stderr io.Writer) (code int) {
	defer jsii.Close()
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		msg, ok := Message(r)
		if !ok {
			panic(r)
		}
		fmt.Fprintln(stderr, "synth failed:", msg)
		code = 1
	}()
	validate := validateAfterSynth()
	app := New(nil)
	build(app)
	nag.Apply(app)
	wd, err := os.Getwd() // where the CDK CLI runs the app: its root
	synthValidated(app, wd, validate && err == nil)
	return 0
}
