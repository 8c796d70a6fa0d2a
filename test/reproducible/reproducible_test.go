// Package reproducible_test proves that synthesizing twice with no change
// gives byte-identical templates and the same asset hashes: an unchanged
// workflow never shows up in `cdk diff` or in a pull request.
package reproducible_test

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/stacks"
	"github.com/sfnkit/sfnkit/test/synthtest"
)

func TestMain(m *testing.M) {
	synthtest.UsePinnedNode()
	os.Setenv("CDK_VALIDATION", "false")
	code := m.Run()
	jsii.Close()
	os.Exit(code)
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

func TestSynthesisIsByteIdentical(t *testing.T) {
	first, second := t.TempDir(), t.TempDir()
	for _, dir := range []string{first, second} {
		if _, err := synthtest.Synth(dir, stacks.Config{}); err != nil {
			t.Fatal(err)
		}
	}
	a, b := files(t, first), files(t, second)
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("the two syntheses differ in files or asset hashes:\n%v\n%v", a, b)
	}
	assets := 0
	for _, name := range a {
		if strings.HasPrefix(name, "asset.") {
			assets++
			continue // the name is the content hash, compared above
		}
		x, _ := os.ReadFile(filepath.Join(first, name))
		y, _ := os.ReadFile(filepath.Join(second, name))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two syntheses", name)
		}
	}
	if assets == 0 {
		t.Error("no Lambda asset was synthesized")
	}
}
