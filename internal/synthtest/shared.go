package synthtest

import (
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
	"syscall"

	"github.com/aws/aws-cdk-go/awscdk/v2"
)

// Configuration is an app that several test packages synthesize: the
// project's app in one stage, or variants of its constructs. Its build is
// code of this package, so the hash of the module's sources covers it.
type Configuration struct {
	// Name names the configuration's directory in the cache.
	Name string
	// Nag applies the cdk-nag packs, as `cdk synth` does.
	Nag   bool
	build func(app awscdk.App)
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
		os.Setenv("CDK_VALIDATION", "false") // seconds per synthesis; `make synth` validates
		_, err := synth(dir, c.Nag, c.build)
		return err
	})
	if err != nil {
		return nil, err
	}
	return Read(dir)
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
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err == nil {
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
