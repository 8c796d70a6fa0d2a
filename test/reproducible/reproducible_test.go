// Package reproducible_test proves that the rendered workflows committed
// beside each workflow are current, that rendering is deterministic, and
// that every synthesized definition passes sfnkit's validator and
// asl-validator, on the shared synthesis of the dev stage.
//
// With SFNKIT_DETERMINISM=1 (`make determinism`, part of `make check`) it
// also proves that synthesizing twice with no change gives byte-identical
// templates, asset hashes and renderings (an unchanged workflow never shows
// up in `cdk diff` or in a pull request): two `cdk synth` processes, the
// second in a copy of the module with the handlers' build output and the Go
// build cache empty, so that a compiler whose output is not reproducible
// shows as a changed asset hash.
package reproducible_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/internal/review/render"
	"github.com/sfnkit/sfnkit/internal/synthtest"
	"github.com/sfnkit/sfnkit/local/harness"
)

// first is the shared synthesis of the dev stage.
var first string

func TestMain(m *testing.M) {
	os.Exit(synthtest.MainShared(m, func() error {
		asm, err := synthtest.Shared(synthtest.Dev)
		if err == nil {
			first = asm.Dir
		}
		return err
	}))
}

// files lists the assembly's templates, asset manifests and asset
// directories, relative to dir.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		n := e.Name()
		if strings.HasSuffix(n, ".template.json") || strings.HasSuffix(n, ".assets.json") || strings.HasPrefix(n, "asset.") {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// TestSynthesisIsByteIdentical synthesizes the app twice with `cdk synth`
// in processes of their own, the second with cold caches, and compares.
func TestSynthesisIsByteIdentical(t *testing.T) {
	if os.Getenv("SFNKIT_DETERMINISM") != "1" {
		t.Skip("two cold syntheses take minutes: set SFNKIT_DETERMINISM=1 (make determinism, part of make check)")
	}
	root := synthtest.ModuleRoot()
	tmp := t.TempDir()
	app := filepath.Join(tmp, "app")
	run(t, root, nil, "go", "build", "-o", app, ".")
	cdk := filepath.Join(root, "node_modules", ".bin", "cdk")

	// The first synthesis: the module as it is, its handler builds and the
	// Go build cache warm.
	warm := filepath.Join(tmp, "warm")
	run(t, root, nil, cdk, "synth", "--quiet", "--app", app, "--output", warm)

	// The second: a copy of the module with no handler build output, and
	// an empty Go build cache, so every handler is compiled from scratch.
	copyRoot := filepath.Join(tmp, "module")
	copyModule(t, root, copyRoot)
	cold := filepath.Join(tmp, "cold")
	run(t, copyRoot, []string{"GOCACHE=" + filepath.Join(tmp, "gocache")}, cdk, "synth", "--quiet", "--app", app, "--output", cold)

	a, b := files(t, warm), files(t, cold)
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("the two syntheses differ in files or asset hashes:\n%v\n%v", a, b)
	}
	assets := 0
	for _, name := range a {
		if strings.HasPrefix(name, "asset.") {
			assets++
			continue // the name is the content hash, compared above
		}
		x, _ := os.ReadFile(filepath.Join(warm, name))
		y, _ := os.ReadFile(filepath.Join(cold, name))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two syntheses", name)
		}
	}
	if assets == 0 {
		t.Error("no Lambda asset was synthesized")
	}
	x, y := renderAll(t, warm), renderAll(t, cold)
	for i := range x {
		for p, data := range x[i].Files() {
			if !bytes.Equal(data, y[i].Files()[p]) {
				t.Errorf("%s differs between the renderings of two syntheses", p)
			}
		}
	}
}

// run runs a command in dir with the pinned Node first on PATH and extra
// environment, and fails the test with its output if it fails.
func run(t *testing.T, dir string, env []string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "CDK_DISABLE_CLI_TELEMETRY=true"), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// copyModule copies the module's files that a synthesis reads (sources,
// go.mod, go.sum, cdk.json) to dst, without build output, dependencies or
// version control.
func copyModule(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			switch d.Name() {
			case ".git", ".build", "node_modules", "cdk.out", "examples":
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// renderAll renders an assembly's workflows to the committed places, with
// their SVGs.
func renderAll(t *testing.T, dir string) []render.Rendered {
	t.Helper()
	asm, err := cfn.ReadAssembly(dir)
	if err != nil {
		t.Fatal(err)
	}
	root := synthtest.ModuleRoot()
	rendered, err := render.Assembly(asm, func(stack string) string {
		d, ok := harness.RenderDirs[stack]
		if !ok {
			t.Fatalf("stack %s has no place for its rendered workflow in harness.RenderDirs", stack)
		}
		return filepath.Join(root, d)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := (render.Graphviz{Root: root}).SVG(rendered); err != nil {
		t.Fatal(err)
	}
	return rendered
}

// TestRenderedWorkflowsAreCurrent compares the rendered ASL, Mermaid, DOT
// and SVG committed beside each workflow with what this synthesis renders.
func TestRenderedWorkflowsAreCurrent(t *testing.T) {
	want := map[string][]byte{}
	for _, r := range renderAll(t, first) {
		for p, data := range r.Files() {
			want[p] = data
		}
	}
	var stale []string
	for p, data := range want {
		if have, err := os.ReadFile(p); err != nil || !bytes.Equal(have, data) {
			rel, _ := filepath.Rel(synthtest.ModuleRoot(), p)
			stale = append(stale, rel)
		}
	}
	sort.Strings(stale)
	if len(stale) > 0 {
		t.Errorf("the rendered workflows are out of date: run `make render` and commit the result\n%s", strings.Join(stale, "\n"))
	}
}

// TestRenderingIsDeterministic renders one synthesis twice: same bytes
// (TestSynthesisIsByteIdentical renders two syntheses).
func TestRenderingIsDeterministic(t *testing.T) {
	a, b := renderAll(t, first), renderAll(t, first)
	for i := range a {
		for p, data := range a[i].Files() {
			if !bytes.Equal(data, b[i].Files()[p]) {
				t.Errorf("%s differs between two renderings", p)
			}
		}
	}
}

// TestMermaidParses parses each rendered chart as GitHub will.
func TestMermaidParses(t *testing.T) {
	rendered := renderAll(t, first)
	charts := make([]string, len(rendered))
	for i, r := range rendered {
		charts[i] = r.Graph.Mermaid()
	}
	errs, err := render.CheckMermaid(synthtest.ModuleRoot(), charts)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range errs {
		if e != "" {
			t.Errorf("%s: the Mermaid chart does not parse: %s", rendered[i].Stack, e)
		}
	}
}

// TestDefinitionsValidateClean runs sfnkit's validator
// (asl.ValidateDefinition, what `sfnkit validate` and CreateStateMachine
// use) on every synthesized definition, resolved as `sfnkit run` resolves
// it: no error and no warning.
func TestDefinitionsValidateClean(t *testing.T) {
	asm, err := cfn.ReadAssembly(first)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, st := range asm.Stacks {
		machines, err := st.Template.StateMachines(cfn.Placeholders{Template: st.Template})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range machines {
			n++
			for _, d := range asl.ValidateDefinition([]byte(m.Definition)) {
				t.Errorf("%s/%s: %s", st.Name, m.LogicalID, d)
			}
		}
	}
	if n != 3 {
		t.Errorf("%d definitions; want the three workflows' state machines", n)
	}
}

// TestDefinitionsPassASLValidator runs asl-validator (the npm package) on
// every synthesized definition, resolved to placeholder ARNs.
func TestDefinitionsPassASLValidator(t *testing.T) {
	asm, err := cfn.ReadAssembly(first)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	args := []string{}
	for _, st := range asm.Stacks {
		machines, err := st.Template.StateMachines(cfn.Placeholders{Template: st.Template})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range machines {
			p := filepath.Join(tmp, st.Name+"."+m.LogicalID+".json")
			if err := os.WriteFile(p, []byte(m.Definition), 0o600); err != nil {
				t.Fatal(err)
			}
			args = append(args, "--json-path", p)
		}
	}
	if len(args) != 6 {
		t.Fatalf("%d definitions; want the three workflows' state machines", len(args)/2)
	}
	validator := filepath.Join(synthtest.ModuleRoot(), "node_modules", ".bin", "asl-validator")
	out, err := exec.Command(validator, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("asl-validator: %v\n%s", err, out)
	}
	if got := strings.Count(string(out), "is valid"); got != 3 {
		t.Errorf("asl-validator said %q", out)
	}
}
