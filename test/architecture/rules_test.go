package architecture

import (
	"strings"
	"testing"
)

// fakeDoc is a small layered module: core at the bottom, plugins that see
// only their own api, an app above them, tools that may use anything but
// the app.
const fakeDoc = `# A module

Some prose with a | pipe that is not a table.

## Which package may import which

| package | may import | never |
|---|---|---|
| ` + "`core`" + ` | — | |
| ` + "`plugins/*/api`" + ` | ` + "`core`" + ` | |
| ` + "`plugins/<p>`" + ` | ` + "`plugins/<p>/api`, `core`" + ` | ` + "`app/...`" + ` |
| ` + "`app/...`" + ` | ` + "`app/...`, `plugins/...`, `core`" + ` | |
| ` + "`tools`" + ` | ` + "`...`" + ` | ` + "`app/...`" + ` |
| ` + "`_test.go`" + ` files | what their package may, and ` + "`testkit`" + ` | |
| ` + "`testkit`" + ` | ` + "`core`" + ` | |

| not | this | table |
|---|---|---|
| ` + "`x`" + ` | | |
`

func fakeTable(t *testing.T) Table {
	t.Helper()
	table, err := Parse(fakeDoc)
	if err != nil {
		t.Fatal(err)
	}
	return table
}

func TestParse(t *testing.T) {
	table := fakeTable(t)
	var got []string
	for _, r := range table.Rules {
		got = append(got, r.Package+" may "+strings.Join(r.May, ",")+" never "+strings.Join(r.Never, ","))
	}
	want := []string{
		"core may  never ",
		"plugins/*/api may core never ",
		"plugins/<p> may plugins/<p>/api,core never app/...",
		"app/... may app/...,plugins/...,core never ",
		"tools may ... never app/...",
		"testkit may core never ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rules:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if strings.Join(table.TestMay, ",") != "testkit" {
		t.Errorf("TestMay = %v, want [testkit]", table.TestMay)
	}
	if table.Rules[0].Line != 9 {
		t.Errorf("core's rule is on line %d, want 9", table.Rules[0].Line)
	}
}

func TestParseRefusesBadTables(t *testing.T) {
	head := "## Which package may import which\n\n| package | may import | never |\n|---|---|---|\n"
	tests := []struct{ name, doc, want string }{
		{"no heading", "# Architecture\n| `a` | | |\n", "no heading"},
		{"no rows", head, "no table rows"},
		{"two cells", head + "| `a` | `b` |\n", "2 cells"},
		{"two packages", head + "| `a`, `b` | | |\n", "holds 2 patterns"},
		{"unbound variable", head + "| `a/*` | `b/<x>` | |\n", "does not bind"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.doc)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse: %v; want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, pkg string
		want         bool
	}{
		{"core", "core", true},
		{"core", "core/sub", false},
		{"app/...", "app", true},
		{"app/...", "app/web/handlers", true},
		{"app/...", "application", false},
		{"...", "anything/at/all", true},
		{"plugins/*/api", "plugins/a/api", true},
		{"plugins/*/api", "plugins/a", false},
		{"plugins/*/api", "plugins/a/b/api", false},
		{".", ".", true},
		{".", "core", false},
		{"<x>/<x>", "a/a", true},
		{"<x>/<x>", "a/b", false},
	}
	for _, tc := range tests {
		if got := Match(tc.pattern, tc.pkg, nil); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.pattern, tc.pkg, got, tc.want)
		}
	}
	vars := map[string]string{}
	if !Match("plugins/<p>", "plugins/a", vars) || vars["<p>"] != "a" {
		t.Errorf("Match(plugins/<p>, plugins/a) bound %v, want <p> = a", vars)
	}
	if Match("plugins/<p>/api", "plugins/b/api", vars) {
		t.Error("plugins/<p>/api matched plugins/b/api with <p> bound to a")
	}
}

func TestCheck(t *testing.T) {
	table := fakeTable(t)
	pkgs := []string{"core", "plugins/a", "plugins/a/api", "plugins/b/api", "app", "app/web", "tools", "testkit"}
	allowed := []Import{
		{From: "app/web", To: "app", Pos: "app/web/web.go:5"},
		{From: "app", To: "plugins/b/api", Pos: "app/app.go:4"},
		{From: "plugins/a", To: "plugins/a/api", Pos: "plugins/a/a.go:3"},
		{From: "plugins/a/api", To: "core", Pos: "plugins/a/api/api.go:3"},
		{From: "tools", To: "plugins/a", Pos: "tools/tools.go:3"},
		{From: "core", To: "testkit", Pos: "core/core_test.go:6", Test: true},
		{From: "core", To: "core", Pos: "core/core_test.go:7", Test: true},
	}
	if v := table.Check(pkgs, allowed); len(v) != 0 {
		t.Errorf("allowed imports reported: %v", v)
	}

	tests := []struct {
		name string
		imp  Import
		want string
	}{
		{"upward", Import{From: "core", To: "app/web", Pos: "core/core.go:4"},
			"core/core.go:4: core imports app/web: ARCHITECTURE.md:9 lets core import nothing of the module"},
		{"another plugin's api", Import{From: "plugins/a", To: "plugins/b/api", Pos: "plugins/a/a.go:4"},
			"plugins/a/a.go:4: plugins/a imports plugins/b/api: ARCHITECTURE.md:11 lets plugins/<p> import only plugins/<p>/api, core"},
		{"never", Import{From: "tools", To: "app", Pos: "tools/tools.go:5"},
			"tools/tools.go:5: tools imports app: ARCHITECTURE.md:13 says tools must never import app/..."},
		{"test helper in production", Import{From: "core", To: "testkit", Pos: "core/core.go:5"},
			"core/core.go:5: core imports testkit: ARCHITECTURE.md:9 lets core import nothing of the module"},
		{"upward from a test", Import{From: "plugins/a/api", To: "app", Pos: "plugins/a/api/api_test.go:8", Test: true},
			"plugins/a/api/api_test.go:8: plugins/a/api imports app: ARCHITECTURE.md:10 lets plugins/*/api import only core, and its _test.go files only testkit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := table.Check(pkgs, []Import{tc.imp})
			if len(v) != 1 || v[0].String() != tc.want {
				t.Errorf("Check reported %v\nwant [%s]", v, tc.want)
			}
		})
	}

	v := table.Check(append(pkgs, "stray/pkg"), nil)
	if len(v) != 1 || v[0].String() != "package stray/pkg: no row of the table matches it; add one to ARCHITECTURE.md" {
		t.Errorf("a package without a row: Check reported %v", v)
	}
}
