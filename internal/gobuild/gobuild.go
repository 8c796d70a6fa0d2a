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
	buildsMu.Lock()
	defer buildsMu.Unlock()
	memo := target.String() + " " + pkg.ImportPath
	if dir, ok := builds[memo]; ok {
		return dir, nil
	}
	dir := filepath.Join(pkg.OutputRoot, OutputDir, target.dir, filepath.FromSlash(pkg.ImportPath))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := ignoreOutput(pkg.OutputRoot); err != nil {
		return "", err
	}
	binary := filepath.Join(dir, "bootstrap")
	stamp := dir + ".stamp"

	fingerprint, err := fingerprint(pkg, target)
	if err != nil {
		return "", err
	}
	if previous, err := os.ReadFile(stamp); err == nil && string(previous) == fingerprint && fileExists(binary) {
		builds[memo] = dir
		return dir, nil
	}

	tmp, err := os.CreateTemp(filepath.Dir(dir), ".bootstrap-*")
	if err != nil {
		return "", err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	args := append([]string{"build"}, buildFlags...)
	args = append(args, "-o", tmp.Name(), pkg.ImportPath)
	if _, err := pkg.goCommand(target, args...); err != nil {
		return "", &BuildError{Entry: pkg.ImportPath, Reason: "does not compile for " + target.String() + ": " + err.Error()}
	}
	if !sameContent(tmp.Name(), binary) {
		if err := os.Chmod(tmp.Name(), 0o755); err != nil {
			return "", err
		}
		if err := os.Rename(tmp.Name(), binary); err != nil {
			return "", err
		}
	}
	if err := writeAtomically(stamp, []byte(fingerprint)); err != nil {
		return "", err
	}
	builds[memo] = dir
	return dir, nil
}

// fingerprint hashes what a build of pkg for target depends on. Packages of the main
// module (and directory replacements) are hashed by content; packages from
// the module cache by module path and version, which pins their content.
func fingerprint(pkg Package, target Target) (string, error) {
	out, err := pkg.goCommand(target, "list", "-deps", "-f",
		`{{if not .Standard}}{{.ImportPath}}	{{with .Module}}{{.Path}}@{{.Version}}{{with .Replace}}=>{{.Path}}@{{.Version}}{{end}}{{end}}	{{.Dir}}	{{join .GoFiles ","}},{{join .EmbedFiles ","}}{{end}}`,
		pkg.ImportPath)
	if err != nil {
		return "", &BuildError{Entry: pkg.ImportPath, Reason: "dependencies cannot be listed: " + err.Error()}
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n", runtime.Version(), strings.Join(target.env(), " "), strings.Join(buildFlags, " "))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	sort.Strings(lines)
	for _, line := range lines {
		fields := strings.Split(line, "\t")
		if len(fields) != 4 {
			continue
		}
		importPath, module, dir, files := fields[0], fields[1], fields[2], fields[3]
		fmt.Fprintf(h, "%s %s\n", importPath, module)
		if module == "" || strings.HasSuffix(module, "@") { // main module or a directory replacement
			for _, name := range strings.Split(files, ",") {
				if name == "" {
					continue
				}
				if err := hashFile(h, filepath.Join(dir, name)); err != nil {
					return "", err
				}
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
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
