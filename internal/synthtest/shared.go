package synthtest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
)

// Configuration is an app that several test packages synthesize: the
// project's app in one stage, or variants of its constructs. The synthapp
// command builds it, so the hash of the module's sources covers it.
type Configuration struct {
	// Name is the synthapp command's argument, and names the
	// configuration's directory in the cache.
	Name string
}

// sharedDir holds the shared syntheses, under the module's build output.
const sharedDir = ".build/synthtest"

// Shared returns the assembly of c, synthesizing it only if no synthesis
// of the same sources exists: test packages that need the same
// configuration, running in parallel or in later `go test` runs, share
// one synthesis.
//
// A synthesis is keyed by a hash of everything its output depends on:
// the module's Go sources (tests excepted: they do not change what the app
// synthesizes), go.mod, go.sum, cdk.json, package-lock.json (the CDK
// library's version), the Go version and the configuration's name. A
// change to any of them synthesizes again, so a shared synthesis is never
// stale. A file lock per configuration makes the first package synthesize
// while the others wait for it; a synthesis is moved into place only when
// complete, so a crash leaves nothing half-written to be reused. The
// assembly is shared: tests must only read it.
func Shared(c Configuration) (*Assembly, error) {
	root := ModuleRoot()
	key, err := sourceKey(root, c.Name)
	if err != nil {
		return nil, err
	}
	dir, err := shared(filepath.Join(root, sharedDir), c.Name, key, func(dir string) error {
		return runSynthApp(root, c.Name, dir)
	})
	if err != nil {
		return nil, err
	}
	return Read(dir)
}

// Own returns the directory of a test package's own synthesis, made by
// calling synthesize on a fresh directory only if none of the same
// sources exists: a package that synthesizes its own apps (package
// cdksynth) then starts no jsii kernel until its sources change. The key
// is Shared's with the package's own files (every file in the test's
// directory, tests included: they build the apps) and name; the same lock
// and atomic move apply. Tests must only read the directory.
func Own(name string, synthesize func(dir string) error) (string, error) {
	root := ModuleRoot()
	key, err := sourceKey(root, "own/"+name)
	if err != nil {
		return "", err
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	pkgKey, err := dirKey(root, wd)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(key + pkgKey))
	return shared(filepath.Join(root, sharedDir), "own-"+name, hex.EncodeToString(sum[:]), synthesize)
}

// dirKey hashes the regular files directly in dir, by their path from
// root.
func dirKey(root, dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, e := range entries { // ReadDir sorts by name
		if !e.Type().IsRegular() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			return "", err
		}
		rel, _ := filepath.Rel(root, path)
		fmt.Fprintf(h, "%s\n%d\n", rel, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// shared returns base/<name>-<key>, made by calling synthesize on a temporary
// directory under the configuration's lock unless it exists already.
func shared(base, name, key string, synthesize func(dir string) error) (string, error) {
	if err := os.MkdirAll(base, 0o755); err != nil {
		return "", err
	}
	unlock, err := lock(filepath.Join(base, name+".lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	dir := filepath.Join(base, name+"-"+key[:16])
	if st, err := os.Stat(dir); err == nil && st.IsDir() { // moved into place complete
		return dir, nil
	}
	tmp, err := os.MkdirTemp(base, "."+name+"-*")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if err := synthesize(tmp); err != nil {
		return "", err
	}
	// Earlier syntheses of this configuration are of other sources: drop
	// them, so the cache holds one assembly per configuration.
	if old, err := filepath.Glob(filepath.Join(base, name+"-*")); err == nil {
		for _, o := range old {
			os.RemoveAll(o)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		return "", err
	}
	return dir, nil
}

// runSynthApp builds the synthapp command (go build skips an up-to-date
// binary) and runs it as the CDK CLI runs an app: in the module's root,
// with cdk.json's context and the output directory in its environment.
// CDK's template validation is off (seconds per synthesis; `make synth`
// keeps it on).
func runSynthApp(root, name, outdir string) error {
	UsePinnedNode()
	bin := filepath.Join(root, ".build", "synthapp")
	build := exec.Command("go", "build", "-o", bin, "./internal/synthtest/synthapp")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./internal/synthtest/synthapp: %v\n%s", err, out)
	}
	ctx, err := Context()
	if err != nil {
		return err
	}
	ctxJSON, err := json.Marshal(ctx)
	if err != nil {
		return err
	}
	run := exec.Command(bin, name)
	run.Dir = root
	run.Env = append(os.Environ(), "CDK_OUTDIR="+outdir, "CDK_CONTEXT_JSON="+string(ctxJSON), "CDK_VALIDATION=false")
	if out, err := run.CombinedOutput(); err != nil {
		return fmt.Errorf("synthapp %s: %v\n%s", name, err, out)
	}
	return nil
}

// lock takes an exclusive lock on path, waiting for it, and returns its
// release. The lock ends with the process, so a crashed test holds none.
func lock(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

// keyFiles are the files outside Go packages that change a synthesis.
var keyFiles = []string{"go.mod", "go.sum", "cdk.json", "package-lock.json"}

// sourceKey hashes what a synthesis of the named configuration depends on:
// every file the go command builds into a package of this module (Go
// files without tests, cgo files, embedded files), as `go list` names
// them, and keyFiles.
func sourceKey(root, name string) (string, error) {
	cmd := exec.Command("go", "list", "-f", `{{.Dir}}	{{join .GoFiles ","}},{{join .CgoFiles ","}},{{join .EmbedFiles ","}}`, "./...")
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go list ./...: %w", err)
	}
	var files []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		dir, names, _ := strings.Cut(line, "\t")
		for _, n := range strings.Split(names, ",") {
			if n != "" {
				files = append(files, filepath.Join(dir, n))
			}
		}
	}
	for _, f := range keyFiles {
		files = append(files, filepath.Join(root, f))
	}
	sort.Strings(files)
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n", runtime.Version(), name)
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		fmt.Fprintf(h, "%s\n", rel)
		file, err := os.Open(f)
		if err != nil {
			return "", err
		}
		_, err = io.Copy(h, file)
		file.Close()
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
