// Package gobuild compiles a handler's Go main package reproducibly: for
// Lambda (linux/arm64), which gofunction deploys, and for this machine,
// which the local runtime runs as a process. Both builds use the same
// source, flags and toolchain, so what runs locally is the deployed code
// compiled for another CPU. It has no CDK dependency, so the sfnkit CLI can
// build handlers without the jsii bindings.
package gobuild

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
)

// PackageMetadataKey is the entry of a function resource's template
// metadata that holds the import path of its handler's main package, so a
// local runtime can build the function from the template alone.
const PackageMetadataKey = "sfnkit:go-package"

// Target is a platform a handler is compiled for.
type Target struct {
	GOOS, GOARCH string
	// dir names the target's directory under .build.
	dir string
}

var (
	// Lambda is the deployed platform: Graviton, static.
	Lambda = Target{GOOS: "linux", GOARCH: "arm64", dir: "gofunction"}
	// Host is this machine, for running a handler locally as a process.
	Host = Target{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, dir: "host"}
)

func (t Target) String() string { return t.GOOS + "/" + t.GOARCH }

// env is the go tool's environment for the target.
func (t Target) env() []string {
	return []string{"GOOS=" + t.GOOS, "GOARCH=" + t.GOARCH, "CGO_ENABLED=0"}
}

// The flags that make a build reproducible: the same sources and toolchain
// give the same bytes, so an unchanged handler keeps its asset hash and
// never shows up in `cdk diff`.
var buildFlags = []string{"-trimpath", "-tags", "lambda.norpc", "-ldflags=-s -w -buildid=", "-buildvcs=false"}

// BuildError is a handler that cannot be built; its message names the Entry
// prop, what is wrong and how to fix it.
type BuildError struct {
	Entry  string
	Reason string
}

func (e *BuildError) Error() string {
	return fmt.Sprintf("gofunction: Props.Entry %q %s", e.Entry, e.Reason)
}

var (
	buildsMu sync.Mutex
	builds   = map[string]string{} // target and import path → directory, per process
)

// Build compiles pkg for Lambda; see BuildFor.
func Build(pkg Package) (string, error) { return BuildFor(pkg, Lambda) }

// BuildFor compiles pkg for target (static) into a directory that holds
// only the executable "bootstrap", and returns the directory.
//
// The directory is <app module root>/.build/gofunction/<import path> for
// Lambda and .build/host/<import path> for Host; .build holds a .gitignore
// that ignores it all, so builds never show up in the app's repository. A stamp
// beside it records a fingerprint of everything the build reads (toolchain,
// flags, the module's own source files, dependency versions); when it
// matches, nothing is rebuilt. A rebuild that produces identical bytes leaves
// the existing file untouched. Builds write to a temporary file and rename
// it, so concurrent synths (parallel test packages) never see a partial file.
func BuildFor(pkg Package, target Target) (string, error) {
	dirs, err := BuildAll([]Package{pkg}, target)
	if err != nil {
		return "", err
	}
	return dirs[pkg.ImportPath], nil
}

// BuildAll is BuildFor for several packages at once, keyed by import path:
// one `go list` fingerprints all the packages of a module and one
// `go build` compiles the stale ones, so the go tool starts twice for a
// workflow's handlers rather than twice per handler, and compiles them in
// parallel without compiling a shared dependency twice.
func BuildAll(pkgs []Package, target Target) (map[string]string, error) {
	buildsMu.Lock()
	defer buildsMu.Unlock()
	dirs := make(map[string]string, len(pkgs))
	var groups [][]Package // by module, in the order first seen
	index := map[[2]string]int{}
	for _, pkg := range pkgs {
		if dir, ok := builds[target.String()+" "+pkg.ImportPath]; ok {
			dirs[pkg.ImportPath] = dir
			continue
		}
		key := [2]string{pkg.ModuleRoot, pkg.OutputRoot}
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, nil)
		}
		if !slices.ContainsFunc(groups[i], func(p Package) bool { return p.ImportPath == pkg.ImportPath }) {
			groups[i] = append(groups[i], pkg)
		}
	}
	for _, group := range groups {
		if err := buildGroup(group, target, dirs); err != nil {
			return nil, err
		}
	}
	return dirs, nil
}

// pending is a package whose build output is out of date.
type pending struct {
	pkg                    Package
	dir, fingerprint, from string // from is the freshly built binary
}

// buildGroup builds packages of one module for target and records their
// directories in dirs and in the per-process memo.
func buildGroup(group []Package, target Target, dirs map[string]string) error {
	// Another process building for this app and target (make synth's
	// prebuild, a parallel test's synth) holds the lock until its builds are
	// stamped; this one then finds them current instead of compiling the
	// same packages at the same time.
	unlock, err := lockTarget(filepath.Join(group[0].OutputRoot, OutputDir, target.dir))
	if err != nil {
		return err
	}
	defer unlock()
	prints, err := fingerprints(group, target)
	if err != nil {
		return err
	}
	var stale []*pending
	for _, pkg := range group {
		dir := filepath.Join(pkg.OutputRoot, OutputDir, target.dir, filepath.FromSlash(pkg.ImportPath))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := ignoreOutput(pkg.OutputRoot); err != nil {
			return err
		}
		if previous, err := os.ReadFile(dir + ".stamp"); err == nil && string(previous) == prints[pkg.ImportPath] && fileExists(filepath.Join(dir, "bootstrap")) {
			builds[target.String()+" "+pkg.ImportPath] = dir
			dirs[pkg.ImportPath] = dir
			continue
		}
		stale = append(stale, &pending{pkg: pkg, dir: dir, fingerprint: prints[pkg.ImportPath]})
	}
	if len(stale) == 0 {
		return nil
	}
	work, err := os.MkdirTemp(filepath.Join(group[0].OutputRoot, OutputDir, target.dir), ".build-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if err := compile(stale, target, work); err != nil {
		return err
	}
	for _, p := range stale {
		binary := filepath.Join(p.dir, "bootstrap")
		if !sameContent(p.from, binary) {
			if err := os.Chmod(p.from, 0o755); err != nil {
				return err
			}
			if err := os.Rename(p.from, binary); err != nil {
				return err
			}
		}
		if err := writeAtomically(p.dir+".stamp", []byte(p.fingerprint)); err != nil {
			return err
		}
		builds[target.String()+" "+p.pkg.ImportPath] = p.dir
		dirs[p.pkg.ImportPath] = p.dir
	}
	return nil
}

// compile builds the stale packages into work, setting each one's from.
// Packages whose executables go build would name alike (the last element
// of the import path, or the one before a major version suffix) are built
// one at a time; the rest in one command, into a directory. A batch that
// fails is retried one package at a time, so the error names the handler
// that does not compile.
func compile(stale []*pending, target Target, work string) error {
	names := map[string]int{}
	for _, p := range stale {
		names[executableName(p.pkg.ImportPath)]++
	}
	var batch []*pending
	for _, p := range stale {
		if names[executableName(p.pkg.ImportPath)] == 1 && len(stale) > 1 {
			batch = append(batch, p)
		}
	}
	if len(batch) > 1 {
		args := append([]string{"build"}, buildFlags...)
		args = append(args, "-o", work+string(filepath.Separator))
		for _, p := range batch {
			args = append(args, p.pkg.ImportPath)
		}
		if _, err := batch[0].pkg.goCommand(target, args...); err == nil {
			for _, p := range batch {
				p.from = filepath.Join(work, executableName(p.pkg.ImportPath))
				if target.GOOS == "windows" {
					p.from += ".exe"
				}
			}
		}
	}
	for i, p := range stale {
		if p.from != "" {
			continue
		}
		p.from = filepath.Join(work, fmt.Sprintf("single-%d", i))
		args := append([]string{"build"}, buildFlags...)
		args = append(args, "-o", p.from, p.pkg.ImportPath)
		if _, err := p.pkg.goCommand(target, args...); err != nil {
			return &BuildError{Entry: p.pkg.ImportPath, Reason: "does not compile for " + target.String() + ": " + err.Error()}
		}
	}
	return nil
}

// executableName is the file name `go build -o dir/` gives a main
// package's executable: the last element of its import path, or the one
// before it when that is a major version suffix such as v2.
func executableName(importPath string) string {
	elems := strings.Split(importPath, "/")
	name := elems[len(elems)-1]
	if len(elems) > 1 && len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
		name = elems[len(elems)-2]
	}
	return name
}

// listDepsFormat prints, for every non-standard package of a build, its
// import path, module (with any replacement), directory, files, and the
// packages it depends on.
const listDepsFormat = `{{if not .Standard}}{{.ImportPath}}	{{with .Module}}{{.Path}}@{{.Version}}{{with .Replace}}=>{{.Path}}@{{.Version}}{{end}}{{end}}	{{.Dir}}	{{join .GoFiles ","}},{{join .EmbedFiles ","}}	{{join .Deps ","}}{{end}}`

// fingerprints hashes, for each of pkgs (all of one module), what its build
// for target depends on, with one `go list -deps` for all of them. Packages
// of the main module (and directory replacements) are hashed by content;
// packages from the module cache by module path and version, which pins
// their content.
func fingerprints(pkgs []Package, target Target) (map[string]string, error) {
	paths := make([]string, len(pkgs))
	for i, p := range pkgs {
		paths[i] = p.ImportPath
	}
	out, err := pkgs[0].goCommand(target, append([]string{"list", "-deps", "-f", listDepsFormat}, paths...)...)
	if err != nil {
		return nil, &BuildError{Entry: strings.Join(paths, ", "), Reason: "dependencies cannot be listed: " + err.Error()}
	}
	type listed struct{ module, dir, files, deps string }
	all := map[string]listed{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		fields := strings.Split(line, "\t")
		if len(fields) != 5 {
			continue
		}
		all[fields[0]] = listed{fields[1], fields[2], fields[3], fields[4]}
	}
	prints := make(map[string]string, len(pkgs))
	for _, root := range paths {
		self, ok := all[root]
		if !ok {
			return nil, &BuildError{Entry: root, Reason: "is missing from `go list -deps` of itself"}
		}
		closure := []string{root}
		for _, dep := range strings.Split(self.deps, ",") {
			if _, ours := all[dep]; ours && dep != "" {
				closure = append(closure, dep) // standard packages are not listed
			}
		}
		sort.Strings(closure)
		h := sha256.New()
		fmt.Fprintf(h, "%s\n%s\n%s\n", runtime.Version(), strings.Join(target.env(), " "), strings.Join(buildFlags, " "))
		for _, importPath := range closure {
			p := all[importPath]
			fmt.Fprintf(h, "%s %s\n", importPath, p.module)
			if p.module == "" || strings.HasSuffix(p.module, "@") { // main module or a directory replacement
				for _, name := range strings.Split(p.files, ",") {
					if name == "" {
						continue
					}
					if err := hashFile(h, filepath.Join(p.dir, name)); err != nil {
						return nil, err
					}
				}
			}
		}
		prints[root] = hex.EncodeToString(h.Sum(nil))
	}
	return prints, nil
}

// goCommand runs the go tool for target in dir, with extra environment
// variables, and returns its standard output; on failure the error carries
// the tool's diagnostics.
func goCommand(dir string, target Target, extraEnv []string, args ...string) (string, error) {
	cmd := exec.Command(goBinary(), args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), target.env()...), extraEnv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("%s", firstLines(msg, 8))
	}
	return stdout.String(), nil
}

// goBinary prefers the toolchain that built this program, so synth uses the
// same Go version as the app; it falls back to "go" on PATH.
func goBinary() string {
	// The app and the tests are built and run on this machine (go run, go
	// test), so the build-time root names the toolchain that built them; it
	// is empty under -trimpath, and then PATH decides.
	//lint:ignore SA1019 see above: the deprecation concerns binaries copied to other machines.
	root := runtime.GOROOT()
	if candidate := filepath.Join(root, "bin", "go"); root != "" && fileExists(candidate) {
		return candidate
	}
	return "go"
}

// firstLines keeps tool output short enough to read in a synth error.
func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, "\n")
}

func hashFile(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fmt.Fprintf(w, "%s\n", filepath.Base(path))
	_, err = io.Copy(w, f)
	return err
}

func sameContent(a, b string) bool {
	x, err := os.ReadFile(a)
	if err != nil {
		return false
	}
	y, err := os.ReadFile(b)
	return err == nil && bytes.Equal(x, y)
}

func writeAtomically(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".stamp-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	tmp.Close()
	return os.Rename(tmp.Name(), path)
}

// OutputFor returns root/.build/name, created, for other build-time caches
// of an app (the template validation's, say), under the same .gitignore.
func OutputFor(root, name string) (string, error) {
	dir := filepath.Join(root, OutputDir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return dir, ignoreOutput(root)
}

// ignoreOutput writes root/.build/.gitignore, so an app's repository
// ignores the build output without an entry of its own.
func ignoreOutput(root string) error {
	path := filepath.Join(root, OutputDir, ".gitignore")
	if fileExists(path) {
		return nil
	}
	return writeAtomically(path, []byte("# Handler builds of sfnkit's gofunction; rebuilt at every synth.\n*\n"))
}

func fileExists(path string) bool {
	info, err := os.Stat(path)
	return err == nil && !info.IsDir()
}
