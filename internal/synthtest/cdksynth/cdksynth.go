// Package cdksynth synthesizes a test's own CDK app in the test's process,
// with the context of cdk.json, and reads it back with package synthtest.
// The project's app is synthesized once for all packages by
// synthtest.Shared instead.
package cdksynth

import (
	"fmt"
	"os"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/cdkapp"
	"github.com/sfnkit/sfnkit/internal/synthtest"
)

// SynthApp synthesizes an app of the caller's own stacks into outdir, with
// the context of cdk.json and without cdk-nag, and reads it back.
func SynthApp(outdir string, build func(app awscdk.App)) (*synthtest.Assembly, error) {
	ctx, err := synthtest.Context()
	if err != nil {
		return nil, err
	}
	jsiiCtx := make(map[string]interface{}, len(ctx))
	for k, v := range ctx {
		jsiiCtx[k] = v
	}
	app := cdkapp.New(&awscdk.AppProps{Outdir: jsii.String(outdir), Context: &jsiiCtx})
	build(app)
	app.Synth(nil)
	return synthtest.Read(outdir)
}

// Main runs a test package that synthesizes its own apps: synth makes
// them in the directory it is given, and use reads them from the
// directory they are in. synth runs only when no synthesis of the same
// sources is cached (synthtest.Own: the module's sources and the
// package's own files); a package whose tests make no other jsii call
// then starts no jsii kernel at all. The pinned Node comes first on PATH
// and the template validator is off (seconds per synth; `make synth`
// keeps it on).
// Use it as
//
//	func TestMain(m *testing.M) { os.Exit(cdksynth.Main(m, "orders", synth, use)) }
func Main(m *testing.M, name string, synth, use func(dir string) error) int {
	synthtest.UsePinnedNode()
	os.Setenv("CDK_VALIDATION", "false")
	defer jsii.Close()
	dir, err := synthtest.Own(name, synth)
	if err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		return 1
	}
	if err := use(dir); err != nil {
		fmt.Fprintln(os.Stderr, "reading the synthesis:", err)
		return 1
	}
	return m.Run()
}
