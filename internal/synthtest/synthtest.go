// Package synthtest synthesizes the project's CDK app for tests, exactly as
// `cdk synth` does (the same stacks.Build and cdk-nag packs, the same
// cdk.json context), and
// reads the cloud assembly back as plain Go values, so assertions run
// without further calls into jsii.
//
// Synthesis costs seconds: a test package of the project's app takes a
// shared synthesis (Shared, from TestMain through MainShared), which every
// package that needs the same configuration reuses; one with an app of its
// own calls Synth or SynthApp once, from TestMain through Main.
package synthtest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/constructs/cdkapp"
	"github.com/sfnkit/sfnkit/constructs/nag"
	"github.com/sfnkit/sfnkit/stacks"
)

// Assembly is a synthesized cloud assembly.
type Assembly struct {
	// Dir is the assembly's directory.
	Dir    string
	Stacks map[string]*Stack
}

// Stack is one synthesized stack.
type Stack struct {
	*cfn.AssemblyStack
	// Template is the template as generic JSON.
	Template map[string]any
	// Parsed is the template for package cfn.
	Parsed *cfn.Template
}

// ModuleRoot is the repository root (the directory of go.mod).
func ModuleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// UsePinnedNode puts the project's pinned Node (node_modules/.bin) first on
// PATH, so the jsii kernel runs on it when tests are started by plain
// `go test` rather than make. Call it before the first jsii call.
func UsePinnedNode() {
	bin := filepath.Join(ModuleRoot(), "node_modules", ".bin")
	if _, err := os.Stat(filepath.Join(bin, "node")); err == nil && !strings.HasPrefix(os.Getenv("PATH"), bin) {
		os.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	}
}

// Context returns the context of cdk.json, which the CDK CLI passes to the
// app; tests pass it themselves so their synth matches the CLI's.
func Context() (map[string]any, error) {
	data, err := os.ReadFile(filepath.Join(ModuleRoot(), "cdk.json"))
	if err != nil {
		return nil, err
	}
	var cdkJSON struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(data, &cdkJSON); err != nil {
		return nil, fmt.Errorf("cdk.json: %w", err)
	}
	return cdkJSON.Context, nil
}

// Synth builds the app into outdir with the cdk-nag packs applied, as
// cdkapp.Main does, and reads the result back. extra adds stacks of its own
// to the app (variants under test), so a test package still synthesizes
// once.
func Synth(outdir string, cfg stacks.Config, extra ...func(app awscdk.App)) (*Assembly, error) {
	return synth(outdir, true, func(app awscdk.App) {
		stacks.Build(app, cfg)
		for _, add := range extra {
			add(app)
		}
	})
}

// SynthApp synthesizes an app of the caller's own stacks (not the
// project's) into outdir, with the context of cdk.json and without cdk-nag.
func SynthApp(outdir string, build func(app awscdk.App)) (*Assembly, error) {
	return synth(outdir, false, build)
}

// synth builds an app with the context of cdk.json into outdir, applies
// the cdk-nag packs if asked, and reads the result back.
func synth(outdir string, withNag bool, build func(app awscdk.App)) (*Assembly, error) {
	ctx, err := Context()
	if err != nil {
		return nil, err
	}
	jsiiCtx := make(map[string]interface{}, len(ctx))
	for k, v := range ctx {
		jsiiCtx[k] = v
	}
	app := cdkapp.New(&awscdk.AppProps{Outdir: jsii.String(outdir), Context: &jsiiCtx})
	build(app)
	if withNag {
		nag.Apply(app)
	}
	app.Synth(nil)
	return Read(outdir)
}

// Read loads a cloud assembly directory.
func Read(dir string) (*Assembly, error) {
	asm, err := cfn.ReadAssembly(dir)
	if err != nil {
		return nil, err
	}
	out := &Assembly{Dir: dir, Stacks: map[string]*Stack{}}
	for _, st := range asm.Stacks {
		raw, err := os.ReadFile(filepath.Join(dir, st.TemplateFile))
		if err != nil {
			return nil, err
		}
		s := &Stack{AssemblyStack: st, Parsed: st.Template}
		if err := json.Unmarshal(raw, &s.Template); err != nil {
			return nil, err
		}
		out.Stacks[st.Name] = s
	}
	return out, nil
}

// MainShared runs a test package on shared syntheses: it puts the pinned
// Node first, lets load take the assemblies it needs with Shared, runs the
// tests, and stops the jsii kernel if a synthesis started it. Use it as
//
//	func TestMain(m *testing.M) {
//		os.Exit(synthtest.MainShared(m, func() (err error) {
//			assembly, err = synthtest.Shared(synthtest.Dev)
//			return err
//		}))
//	}
func MainShared(m *testing.M, load func() error) int {
	UsePinnedNode()
	defer jsii.Close()
	if err := load(); err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		return 1
	}
	return m.Run()
}

// Merge returns one Assembly holding the stacks of all of assemblies, for
// a package that checks stacks of several configurations by name. Its Dir
// is the first's.
func Merge(assemblies ...*Assembly) *Assembly {
	out := &Assembly{Dir: assemblies[0].Dir, Stacks: map[string]*Stack{}}
	for _, a := range assemblies {
		for name, st := range a.Stacks {
			out.Stacks[name] = st
		}
	}
	return out
}

// Main runs a test package that synthesizes once: it puts the pinned Node
// first, turns off the template validator (seconds per synth; `make synth`
// keeps it on), calls synth with a fresh directory, runs the tests, then
// removes the directory and stops the jsii kernel. Use it as
//
//	func TestMain(m *testing.M) { os.Exit(synthtest.Main(m, "orders", synth)) }
func Main(m *testing.M, name string, synth func(dir string) error) int {
	UsePinnedNode()
	os.Setenv("CDK_VALIDATION", "false")
	defer jsii.Close()
	dir, err := os.MkdirTemp("", name+"-synth-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if err := synth(dir); err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		return 1
	}
	return m.Run()
}
