package architecture

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// knownViolations are edges the table forbids that are still in the code,
// each to be removed; the test fails on an entry that no longer occurs, so
// the list can only shrink. It is empty: keep it so.
var knownViolations = map[string]bool{}

// moduleRoot returns the directory of the module's go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		t.Fatal("go env GOMOD: not inside a module")
	}
	return filepath.Dir(gomod)
}

func TestImportsFollowArchitectureTable(t *testing.T) {
	root := moduleRoot(t)
	doc, err := os.ReadFile(filepath.Join(root, "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	table, err := Parse(string(doc))
	if err != nil {
		t.Fatalf("ARCHITECTURE.md: %v", err)
	}
	pkgs, imports, err := Imports(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) < 10 || len(imports) == 0 {
		t.Fatalf("go list found %d packages and %d imports in the module; expected the whole module", len(pkgs), len(imports))
	}
	seen := map[string]bool{}
	for _, v := range table.Check(pkgs, imports) {
		if v.To != "" && knownViolations[v.Edge()] {
			seen[v.Edge()] = true
			t.Logf("known, being removed: %s", v)
			continue
		}
		t.Error(v)
	}
	for edge := range knownViolations {
		if !seen[edge] {
			t.Errorf("knownViolations lists %s, which no longer occurs: delete the entry", edge)
		}
	}
}
