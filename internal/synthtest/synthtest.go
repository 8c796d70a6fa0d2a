// Package synthtest gives tests the project's synthesized CDK app, made
// exactly as `cdk synth` makes it (the same stacks.Build, cdk-nag packs and
// cdk.json context), and reads cloud assemblies back as plain Go values, so
// assertions run without jsii.
//
// Synthesis costs seconds: a test package takes a shared synthesis
// (Shared, from TestMain through MainShared), which every package that
// needs the same configuration reuses. The synthesis runs in a process of
// its own (the synthapp command), so this package, and the tests that
// only read assemblies, link no CDK. A test of an app of its own
// synthesizes it in-process with package cdksynth.
package synthtest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/cfn"
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
// Node first, lets load take the assemblies it needs with Shared, and runs
// the tests. Use it as
//
//	func TestMain(m *testing.M) {
//		os.Exit(synthtest.MainShared(m, func() (err error) {
//			assembly, err = synthtest.Shared(synthtest.Dev)
//			return err
//		}))
//	}
func MainShared(m *testing.M, load func() error) int {
	UsePinnedNode()
	if err := load(); err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		return 1
	}
	return m.Run()
}

// SharedMerged returns one Assembly holding the stacks of the shared
// syntheses of configs, for a package that checks stacks of several
// configurations by name. Its Dir is the first's.
func SharedMerged(configs ...Configuration) (*Assembly, error) {
	var out *Assembly
	for _, c := range configs {
		a, err := Shared(c)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = &Assembly{Dir: a.Dir, Stacks: map[string]*Stack{}}
		}
		for name, st := range a.Stacks {
			out.Stacks[name] = st
		}
	}
	return out, nil
}
