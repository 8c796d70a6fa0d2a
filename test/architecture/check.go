package architecture

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Import is one import line in a package of the module that names another
// package of the module.
type Import struct {
	From, To string // relative to the module root; "." is the root package
	Pos      string // file:line, the file relative to the module root
	Test     bool   // the line is in a _test.go file
}

// Edge is the import as the table and knownViolations write it: "a → b".
func (i Import) Edge() string { return i.From + " → " + i.To }

// Violation is an import the table does not allow, or, with To empty, a
// package no row of the table matches.
type Violation struct {
	Import
	Reason string
}

func (v Violation) String() string {
	if v.To == "" {
		return fmt.Sprintf("package %s: %s", v.From, v.Reason)
	}
	return fmt.Sprintf("%s: %s imports %s: %s", v.Pos, v.From, v.To, v.Reason)
}

// Check returns a violation for each package in pkgs that no rule matches
// and for each import the rule of its package does not allow, in order. A
// package may import itself; _test.go files may also import t.TestMay.
func (t Table) Check(pkgs []string, imports []Import) []Violation {
	var out []Violation
	for _, p := range pkgs {
		if r, _ := t.Rule(p); r == nil {
			out = append(out, Violation{Import{From: p}, "no row of the table matches it; add one to ARCHITECTURE.md"})
		}
	}
	for _, imp := range imports {
		r, vars := t.Rule(imp.From)
		if r == nil || imp.From == imp.To {
			continue
		}
		if never := matchAny(r.Never, imp.To, vars); never != "" {
			out = append(out, Violation{imp, fmt.Sprintf("ARCHITECTURE.md:%d says %s must never import %s", r.Line, r.Package, never)})
			continue
		}
		if matchAny(r.May, imp.To, vars) != "" || imp.Test && matchAny(t.TestMay, imp.To, nil) != "" {
			continue
		}
		reason := fmt.Sprintf("ARCHITECTURE.md:%d lets %s import %s", r.Line, r.Package, list(r.May))
		if imp.Test {
			reason += ", and its _test.go files " + list(t.TestMay)
		}
		out = append(out, Violation{imp, reason})
	}
	return out
}

// matchAny returns the first of patterns that pkg matches, or "".
func matchAny(patterns []string, pkg string, vars map[string]string) string {
	for _, p := range patterns {
		if Match(p, pkg, vars) {
			return p
		}
	}
	return ""
}

func list(patterns []string) string {
	if len(patterns) == 0 {
		return "nothing of the module"
	}
	return "only " + strings.Join(patterns, ", ")
}

// listedPackage is what Imports reads of `go list -json`.
type listedPackage struct {
	ImportPath string
	Dir        string
	Module     *struct{ Path string }
	GoFiles, CgoFiles, IgnoredGoFiles,
	TestGoFiles, XTestGoFiles []string
	Error *struct{ Err string }
}

// Imports lists the packages of the module rooted at root (`go list
// ./...`, so nested modules are left out) and every import of one by
// another, read from each file's import lines, including _test.go files
// and files the current build constraints leave out.
func Imports(root string) (pkgs []string, imports []Import, err error) {
	cmd := exec.Command("go", "list", "-e",
		"-json=ImportPath,Dir,Module,GoFiles,CgoFiles,IgnoredGoFiles,TestGoFiles,XTestGoFiles,Error", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, nil, fmt.Errorf("go list ./... in %s: %v\n%s", root, err, stderr.String())
	}
	fset := token.NewFileSet()
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, nil, fmt.Errorf("reading go list's output: %v", err)
		}
		if p.Error != nil {
			return nil, nil, fmt.Errorf("go list: package %s: %s", p.ImportPath, p.Error.Err)
		}
		if p.Module == nil {
			return nil, nil, fmt.Errorf("go list: package %s is in no module", p.ImportPath)
		}
		from := relative(p.Module.Path, p.ImportPath)
		pkgs = append(pkgs, from)
		for _, files := range [][]string{p.GoFiles, p.CgoFiles, p.IgnoredGoFiles, p.TestGoFiles, p.XTestGoFiles} {
			for _, name := range files {
				path := filepath.Join(p.Dir, name)
				f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
				if err != nil {
					return nil, nil, err
				}
				rel, err := filepath.Rel(root, path)
				if err != nil {
					return nil, nil, err
				}
				for _, spec := range f.Imports {
					to, err := strconv.Unquote(spec.Path.Value)
					if err != nil {
						return nil, nil, fmt.Errorf("%s: import %s: %v", rel, spec.Path.Value, err)
					}
					if to != p.Module.Path && !strings.HasPrefix(to, p.Module.Path+"/") {
						continue
					}
					imports = append(imports, Import{
						From: from,
						To:   relative(p.Module.Path, to),
						Pos:  fmt.Sprintf("%s:%d", filepath.ToSlash(rel), fset.Position(spec.Pos()).Line),
						Test: strings.HasSuffix(name, "_test.go"),
					})
				}
			}
		}
	}
	return pkgs, imports, nil
}

// relative returns importPath relative to the module path: "." for the
// module's root package.
func relative(module, importPath string) string {
	if importPath == module {
		return "."
	}
	return strings.TrimPrefix(importPath, module+"/")
}
