package gobuild

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// OutputDir is the directory, under the app's module root, that holds
// every handler build.
const OutputDir = ".build"

// Package describes a handler's main package and where it is built.
type Package struct {
	ImportPath string
	Dir        string
	// ModuleRoot is the root of the module whose go.mod and go.sum the
	// build uses: the app's own module for its handlers, or the module
	// that provides the package (this library's handlers, say). Building a
	// dependency's handler with the dependency's own go.sum is what lets an
	// app use them after a plain `go mod tidy`, which keeps only what the
	// app's packages import.
	ModuleRoot string
	// OutputRoot is the app's module root; builds go under OutputDir there.
	OutputRoot string
}

// foreign reports whether the package comes from a module other than the
// app's, which is then built on its own.
func (p Package) foreign() bool { return p.ModuleRoot != p.OutputRoot }

// goCommand runs the go tool in the package's module. In another module
// than the app's, the app's workspace and module flags do not apply: the
// dependency builds as its own main module, read-only.
func (p Package) goCommand(target Target, args ...string) (string, error) {
	var env []string
	if p.foreign() {
		env = []string{"GOWORK=off", "GOFLAGS=-mod=readonly"}
	}
	return goCommand(p.ModuleRoot, target, env, args...)
}

// Resolve finds the main package named by entry: a directory relative to
// the app's Go module root ("./cmd/pay"), or an import path in the app's
// module or in a module it requires.
func Resolve(entry string) (Package, error) {
	if strings.TrimSpace(entry) == "" {
		return Package{}, &BuildError{Entry: entry, Reason: "is empty: set it to the handler's main package, e.g. \"./cmd/process-payment\""}
	}
	resolvedMu.Lock()
	pkg, ok := resolved[entry]
	resolvedMu.Unlock()
	if ok {
		return pkg, nil
	}
	app, err := appModule()
	if err != nil {
		return Package{}, &BuildError{Entry: entry, Reason: err.Error()}
	}
	return app.resolve(entry)
}

var (
	resolvedMu sync.Mutex
	resolved   = map[string]Package{} // entry → package, per process
)

// Prepare resolves entries and builds them for target together (one
// `go list` and one `go build` per module, see BuildAll), so that the
// Resolve and BuildFor calls that follow for each of them return at once.
// An entry that does not resolve or build is left for its own Resolve or
// BuildFor to report, with the message that names it: Prepare only saves
// time, and reports nothing.
func Prepare(entries []string, target Target) {
	app, err := appModule()
	if err != nil {
		return
	}
	byModule := map[string][]string{}
	var roots []string
	for _, entry := range entries {
		root := app.root
		if !isDirectory(entry) {
			mod, ok := app.provider(entry)
			if !ok || mod.dir == "" {
				continue
			}
			root = mod.dir
		}
		if _, seen := byModule[root]; !seen {
			roots = append(roots, root)
		}
		if !slices.Contains(byModule[root], entry) {
			byModule[root] = append(byModule[root], entry)
		}
	}
	var pkgs []Package
	for _, root := range roots {
		found, err := resolveAllIn(root, app.root, byModule[root])
		if err != nil {
			continue
		}
		pkgs = append(pkgs, found...)
	}
	BuildAll(pkgs, target)
}

// resolveAllIn resolves entries of one module with one `go list`, and
// remembers each. It fails if any entry is not a main package of its own.
func resolveAllIn(moduleRoot, appRoot string, entries []string) ([]Package, error) {
	probe := Package{ModuleRoot: moduleRoot, OutputRoot: appRoot}
	out, err := probe.goCommand(Lambda, append([]string{"list", "-f", "{{.Name}}\t{{.ImportPath}}\t{{.Dir}}"}, entries...)...)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(entries) { // a pattern matched several packages, or two entries one
		return nil, fmt.Errorf("%d packages for %d entries", len(lines), len(entries))
	}
	listed := map[string]Package{} // by import path and by directory
	for _, line := range lines {
		fields := strings.Split(line, "\t")
		if len(fields) != 3 || fields[0] != "main" {
			return nil, fmt.Errorf("%q is not a main package", line)
		}
		pkg := Package{ImportPath: fields[1], Dir: fields[2], ModuleRoot: moduleRoot, OutputRoot: appRoot}
		listed[pkg.ImportPath], listed[pkg.Dir] = pkg, pkg
	}
	pkgs := make([]Package, len(entries))
	for i, entry := range entries {
		key := entry
		if isDirectory(entry) && !filepath.IsAbs(entry) {
			key = filepath.Join(moduleRoot, entry)
		}
		pkg, ok := listed[filepath.Clean(key)]
		if !isDirectory(entry) {
			pkg, ok = listed[entry]
		}
		if !ok {
			return nil, fmt.Errorf("%s is not among the packages listed", entry)
		}
		pkgs[i] = pkg
	}
	resolvedMu.Lock()
	for i, entry := range entries {
		resolved[entry] = pkgs[i]
	}
	resolvedMu.Unlock()
	return pkgs, nil
}

// resolve finds entry for the app.
func (app *app) resolve(entry string) (Package, error) {
	if isDirectory(entry) {
		return resolveIn(app.root, app.root, entry)
	}
	mod, ok := app.provider(entry)
	switch {
	case !ok:
		return Package{}, &BuildError{Entry: entry, Reason: fmt.Sprintf(
			"is in neither the app's module %s nor a module it requires: add the module with `go get`, or set Entry to a directory of your module such as \"./cmd/handler\"", app.path)}
	case mod.dir == "":
		return Package{}, &BuildError{Entry: entry, Reason: fmt.Sprintf(
			"is in module %s, which is required but not downloaded: run `go mod download %s`", mod.path, mod.path)}
	}
	return resolveIn(mod.dir, app.root, entry)
}

// isDirectory reports whether entry names a directory rather than an
// import path, as the go command tells them apart.
func isDirectory(entry string) bool {
	return filepath.IsAbs(entry) || entry == "." || entry == ".." ||
		strings.HasPrefix(entry, "./") || strings.HasPrefix(entry, "../")
}

// resolveIn resolves entry inside the Go module rooted at moduleRoot, for
// an app whose module is rooted at appRoot.
func resolveIn(moduleRoot, appRoot, entry string) (Package, error) {
	probe := Package{ModuleRoot: moduleRoot, OutputRoot: appRoot}
	out, err := probe.goCommand(Lambda, "list", "-f", "{{.Name}}\t{{.ImportPath}}\t{{.Dir}}", entry)
	if err != nil {
		reason := "is not a Go package that builds: " + err.Error() + "; point it at a directory or import path holding the handler's package main"
		if strings.Contains(err.Error(), "outside main module") || strings.Contains(err.Error(), "outside module root") {
			reason = "is outside the app's Go module (" + appRoot + "): a handler in another module is named by its import path, after `go get` of that module"
		}
		return Package{}, &BuildError{Entry: entry, Reason: reason}
	}
	fields := strings.Split(strings.TrimSpace(out), "\t")
	if len(fields) != 3 {
		return Package{}, &BuildError{Entry: entry, Reason: "matched several packages (" + strings.TrimSpace(out) + "); name exactly one"}
	}
	if fields[0] != "main" {
		return Package{}, &BuildError{Entry: entry, Reason: fmt.Sprintf("is package %s, not a main package: point it at the package whose main calls lambda.Start", fields[0])}
	}
	probe.ImportPath, probe.Dir = fields[1], fields[2]
	return probe, nil
}

// module is one module of the app's build list.
type module struct{ path, dir string }

// app is the Go module the synth runs in and the modules it requires.
type app struct {
	path, root string
	requires   []module
}

// provider finds the required module that holds importPath: the one with
// the longest matching path, as the go command decides.
func (a *app) provider(importPath string) (module, bool) {
	if within(importPath, a.path) {
		return module{path: a.path, dir: a.root}, true
	}
	var best module
	found := false
	for _, m := range a.requires {
		if within(importPath, m.path) && len(m.path) > len(best.path) {
			best, found = m, true
		}
	}
	return best, found
}

func within(importPath, modulePath string) bool {
	return importPath == modulePath || strings.HasPrefix(importPath, modulePath+"/")
}

var appCache struct {
	once sync.Once
	app  *app
	err  error
}

// appModule lists the app's module and build list once per process; the
// app is the module of the working directory, where `cdk synth` runs it.
func appModule() (*app, error) {
	appCache.once.Do(func() {
		wd, err := os.Getwd()
		if err != nil {
			appCache.err = err
			return
		}
		appCache.app, appCache.err = loadApp(wd)
	})
	return appCache.app, appCache.err
}

// loadApp lists the module containing dir and its build list.
func loadApp(dir string) (*app, error) {
	out, err := goCommand(dir, Lambda, nil, "list", "-m", "-f", "{{.Main}}\t{{.Path}}\t{{.Dir}}", "all")
	if err != nil {
		return nil, fmt.Errorf("cannot be resolved: synthesize from inside your app's Go module (`go list -m all` failed: %v)", err)
	}
	a := &app{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		fields := strings.Split(line, "\t")
		if len(fields) != 3 {
			continue
		}
		if fields[0] == "true" && a.root == "" {
			a.path, a.root = fields[1], fields[2]
			continue
		}
		a.requires = append(a.requires, module{path: fields[1], dir: fields[2]})
	}
	if a.root == "" {
		return nil, fmt.Errorf("cannot be resolved: synthesize from inside your app's Go module (no go.mod found from %s)", dir)
	}
	return a, nil
}
