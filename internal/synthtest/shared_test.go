package synthtest

import (
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
)

// TestSharedMakesOneSynthesisForConcurrentCallers: callers that ask for
// the same configuration at once get one synthesis, complete, and a new
// key makes a new one and drops the old.
func TestSharedMakesOneSynthesisForConcurrentCallers(t *testing.T) {
	base := t.TempDir()
	var made atomic.Int32
	synthesize := func(dir string) error {
		made.Add(1)
		return os.WriteFile(filepath.Join(dir, "manifest.json"), []byte("{}"), 0o644)
	}
	var wg sync.WaitGroup
	dirs := make([]string, 8)
	for i := range dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dir, err := shared(base, "dev", "aaaaaaaaaaaaaaaaaaaa", synthesize)
			if err != nil {
				t.Error(err)
			}
			dirs[i] = dir
		}()
	}
	wg.Wait()
	if made.Load() != 1 {
		t.Fatalf("%d syntheses for one configuration and key; want 1", made.Load())
	}
	for _, d := range dirs {
		if d != dirs[0] {
			t.Fatalf("callers got %q and %q", dirs[0], d)
		}
	}
	newer, err := shared(base, "dev", "bbbbbbbbbbbbbbbbbbbb", synthesize)
	if err != nil {
		t.Fatal(err)
	}
	if made.Load() != 2 {
		t.Errorf("a new key made %d syntheses in all; want 2", made.Load())
	}
	if _, err := os.Stat(dirs[0]); !os.IsNotExist(err) {
		t.Errorf("the synthesis of the old key is still there (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(newer, "manifest.json")); err != nil {
		t.Error(err)
	}
}

// TestSharedKeepsNothingOfAFailedSynthesis: the next caller synthesizes
// again rather than reading half an assembly.
func TestSharedKeepsNothingOfAFailedSynthesis(t *testing.T) {
	base := t.TempDir()
	if _, err := shared(base, "dev", "aaaaaaaaaaaaaaaaaaaa", func(dir string) error {
		os.WriteFile(filepath.Join(dir, "manifest.json"), []byte("{"), 0o644)
		return os.ErrInvalid
	}); err == nil {
		t.Fatal("a failed synthesis was reported as made")
	}
	entries, _ := os.ReadDir(base)
	for _, e := range entries {
		if e.Name() != "dev.lock" {
			t.Errorf("a failed synthesis left %s", e.Name())
		}
	}
}

// TestSourceKeyFollowsWhatTheBuildReads: a change to a source or an
// embedded file changes the key; a change to a test does not.
func TestSourceKeyFollowsWhatTheBuildReads(t *testing.T) {
	root := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/app\n\ngo 1.22\n")
	write("go.sum", "")
	write("cdk.json", "{}")
	write("package-lock.json", "{}")
	write("app/app.go", "package app\n\nimport _ \"embed\"\n\n//go:embed data.txt\nvar Data string\n")
	write("app/data.txt", "one")
	write("app/app_test.go", "package app\n")
	key := func() string {
		t.Helper()
		k, err := sourceKey(root, "dev")
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	k0 := key()
	write("app/app_test.go", "package app\n\n// a test changed\n")
	if key() != k0 {
		t.Error("a change to a test changed the key")
	}
	write("app/data.txt", "two")
	k1 := key()
	if k1 == k0 {
		t.Error("a change to an embedded file kept the key")
	}
	write("app/app.go", "package app\n\nimport _ \"embed\"\n\n//go:embed data.txt\nvar Data string\n\nconst X = 1\n")
	k2 := key()
	if k2 == k1 {
		t.Error("a change to a source kept the key")
	}
	write("cdk.json", `{"context":{"stage":"prod"}}`)
	if key() == k2 {
		t.Error("a change to cdk.json kept the key")
	}
	if k, _ := sourceKey(root, "prod"); k == key() {
		t.Error("two configurations share a key")
	}
}

// TestOwnKeyFollowsThePackagesFiles: a test package's own synthesis is
// made again when any file of the package changes, its tests included,
// since they build the apps.
func TestOwnKeyFollowsThePackagesFiles(t *testing.T) {
	root := t.TempDir()
	pkg := filepath.Join(root, "test", "own")
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(pkg, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("own_test.go", "package own\n")
	before, err := dirKey(root, pkg)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := dirKey(root, pkg); again != before {
		t.Fatal("the key of unchanged files changed")
	}
	write("own_test.go", "package own // the app has one more stack\n")
	if after, _ := dirKey(root, pkg); after == before {
		t.Error("a change to the package's test kept the key")
	}
	write("testdata.json", "{}")
	if added, _ := dirKey(root, pkg); added == before {
		t.Error("a new file kept the key")
	}
}
