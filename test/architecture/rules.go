// Package architecture holds the module to the import table of
// ARCHITECTURE.md: Parse reads the table, Imports lists what every package
// of the module imports, and Table.Check reports each edge the table does
// not allow, so the document and the code cannot drift apart.
package architecture

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// TableHeading is the heading of ARCHITECTURE.md's section whose first
// table Parse reads.
const TableHeading = "## Which package may import which"

// testFilesRow is the package cell of the row that says what _test.go files
// may import besides what their package may.
const testFilesRow = "_test.go"

// Rule is one row of the table: the packages it covers and the patterns of
// what they may and must never import.
type Rule struct {
	Package string
	May     []string
	Never   []string
	Line    int // in the document, from 1
}

// Table is the parsed import table. A package follows the first rule whose
// Package pattern matches it.
type Table struct {
	Rules []Rule
	// TestMay is what a package's _test.go files may import besides what
	// the package's rule allows.
	TestMay []string
}

var code = regexp.MustCompile("`([^`]+)`")

// Parse reads the first Markdown table after TableHeading in doc. Each
// row's cells hold backquoted patterns: the package, what it may import
// (no pattern, e.g. "—", is nothing), what it must never import. A row whose
// package cell is `_test.go` gives the test files' extra imports.
func Parse(doc string) (Table, error) {
	lines := strings.Split(doc, "\n")
	start := -1
	for i, l := range lines {
		if strings.TrimSpace(l) == TableHeading {
			start = i
			break
		}
	}
	if start < 0 {
		return Table{}, fmt.Errorf("no heading %q: the import table must follow it", TableHeading)
	}
	var t Table
	inTable := false
	for i := start + 1; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(l, "|") {
			if inTable {
				break
			}
			if strings.HasPrefix(l, "#") {
				break
			}
			continue
		}
		if !inTable { // the header row, then the delimiter row
			inTable = true
			i++
			continue
		}
		cells := strings.Split(strings.Trim(l, "|"), "|")
		if len(cells) != 3 {
			return Table{}, fmt.Errorf("line %d: %d cells; a row is | package | may import | never |", i+1, len(cells))
		}
		pkgs := patterns(cells[0])
		if len(pkgs) != 1 {
			return Table{}, fmt.Errorf("line %d: the package cell holds %d patterns; write exactly one, in backquotes", i+1, len(pkgs))
		}
		if pkgs[0] == testFilesRow {
			t.TestMay = patterns(cells[1])
			continue
		}
		r := Rule{Package: pkgs[0], May: patterns(cells[1]), Never: patterns(cells[2]), Line: i + 1}
		bound := variables(r.Package)
		for _, p := range append(append([]string{}, r.May...), r.Never...) {
			for _, v := range variables(p) {
				if !slices.Contains(bound, v) {
					return Table{}, fmt.Errorf("line %d: %s uses %s, which the package pattern %s does not bind", i+1, p, v, r.Package)
				}
			}
		}
		t.Rules = append(t.Rules, r)
	}
	if len(t.Rules) == 0 {
		return Table{}, fmt.Errorf("no table rows after %q", TableHeading)
	}
	return t, nil
}

func patterns(cell string) []string {
	var out []string
	for _, m := range code.FindAllStringSubmatch(cell, -1) {
		out = append(out, strings.TrimSpace(m[1]))
	}
	return out
}

// variables returns the <name> elements of a pattern.
func variables(pattern string) []string {
	var out []string
	for _, e := range strings.Split(pattern, "/") {
		if strings.HasPrefix(e, "<") && strings.HasSuffix(e, ">") {
			out = append(out, e)
		}
	}
	return out
}

// Match reports whether pkg, a path relative to the module root ("." for
// the root), matches pattern. `...` alone matches every package, a trailing
// `/...` the package before it and every one below, `*` one element, and
// `<name>` one element: the first time it binds name in vars, afterwards it
// must equal the bound element. vars may be nil when the pattern has no
// <name>.
func Match(pattern, pkg string, vars map[string]string) bool {
	if pattern == "..." {
		return true
	}
	pe, ke := strings.Split(pattern, "/"), strings.Split(pkg, "/")
	if pe[len(pe)-1] == "..." {
		pe = pe[:len(pe)-1]
		if len(ke) < len(pe) {
			return false
		}
		ke = ke[:len(pe)]
	}
	if len(pe) != len(ke) {
		return false
	}
	bound := map[string]string{}
	for i, e := range pe {
		switch {
		case e == "*":
		case strings.HasPrefix(e, "<") && strings.HasSuffix(e, ">"):
			if v, ok := vars[e]; ok && v != ke[i] {
				return false
			}
			if v, ok := bound[e]; ok && v != ke[i] {
				return false
			}
			bound[e] = ke[i]
		case e != ke[i]:
			return false
		}
	}
	for k, v := range bound {
		if vars != nil {
			vars[k] = v
		}
	}
	return true
}

// Rule returns the first rule whose package pattern matches pkg, with the
// elements its <name>s bound, or nil if none does.
func (t Table) Rule(pkg string) (*Rule, map[string]string) {
	for i := range t.Rules {
		vars := map[string]string{}
		if Match(t.Rules[i].Package, pkg, vars) {
			return &t.Rules[i], vars
		}
	}
	return nil, nil
}
