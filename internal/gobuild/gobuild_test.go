package gobuild

import (
	"bytes"
	"debug/elf"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tempModule writes a module with a main package and a library package.
func tempModule(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	write(t, filepath.Join(root, "go.mod"), "module example.com/handlers\n\ngo 1.22\n")
	write(t, filepath.Join(root, "cmd", "hello", "main.go"), "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n")
	write(t, filepath.Join(root, "lib", "lib.go"), "package lib\n\nconst X = 1\n")
	return root
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// stat is os.Stat that fails the test when path is missing.
func stat(t *testing.T, path string) os.FileInfo {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// forget clears the per-process memo, as a new synth process would start.
func forget() {
	buildsMu.Lock()
	builds = map[string]string{}
	buildsMu.Unlock()
}

func TestBuildIsReproducibleAndIncremental(t *testing.T) {
	root := tempModule(t)
	pkg, err := resolveIn(root, root, "./cmd/hello")
	if err != nil {
		t.Fatal(err)
	}
	forget()
	dir, err := Build(pkg)
	if err != nil {
		t.Fatal(err)
	}
	binary := filepath.Join(dir, "bootstrap")
	f, err := elf.Open(binary)
	if err != nil {
		t.Fatalf("bootstrap is not an ELF executable: %v", err)
	}
	if f.Machine != elf.EM_AARCH64 {
		t.Errorf("bootstrap is built for %v, want arm64", f.Machine)
	}
	f.Close()
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the asset directory holds %d files, want only bootstrap", len(entries))
	}
	first, _ := os.ReadFile(binary)
	// Pin the binary's modification time in the past, so a write in place
	// shows without waiting for the clock to tick; a replacement shows as a
	// new file (os.SameFile), and a build that ran as a new stamp file.
	pinned := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	if err := os.Chtimes(binary, pinned, pinned); err != nil {
		t.Fatal(err)
	}
	binary1, stamp1 := stat(t, binary), stat(t, dir+".stamp")

	// GIVEN no change WHEN a new synth builds again THEN nothing is rebuilt:
	// neither the binary nor the stamp is written.
	forget()
	if _, err := Build(pkg); err != nil {
		t.Fatal(err)
	}
	if binary2 := stat(t, binary); !os.SameFile(binary1, binary2) || !binary2.ModTime().Equal(pinned) {
		t.Error("an unchanged handler was written again")
	}
	if !os.SameFile(stamp1, stat(t, dir+".stamp")) {
		t.Error("an unchanged handler was rebuilt: its stamp was written again")
	}

	// GIVEN the stamp is lost WHEN it is rebuilt THEN the bytes are identical
	// and the file is left alone, so the asset hash cannot change.
	os.Remove(dir + ".stamp")
	forget()
	if _, err := Build(pkg); err != nil {
		t.Fatal(err)
	}
	if !fileExists(dir + ".stamp") {
		t.Error("a rebuild wrote no stamp")
	}
	again, _ := os.ReadFile(binary)
	if !bytes.Equal(first, again) {
		t.Error("rebuilding the same source produced different bytes")
	}
	if binary3 := stat(t, binary); !os.SameFile(binary1, binary3) || !binary3.ModTime().Equal(pinned) {
		t.Error("a rebuild with identical output replaced the file")
	}

	// GIVEN the source changes THEN the handler is rebuilt.
	write(t, filepath.Join(root, "cmd", "hello", "main.go"), "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"changed\") }\n")
	forget()
	if _, err := Build(pkg); err != nil {
		t.Fatal(err)
	}
	if changed, _ := os.ReadFile(binary); bytes.Equal(first, changed) {
		t.Error("a changed handler was not rebuilt")
	}
}

func TestBuildForHostRunsHere(t *testing.T) {
	root := tempModule(t)
	pkg, err := resolveIn(root, root, "./cmd/hello")
	if err != nil {
		t.Fatal(err)
	}
	forget()
	lambdaDir, err := Build(pkg)
	if err != nil {
		t.Fatal(err)
	}
	hostDir, err := BuildFor(pkg, Host)
	if err != nil {
		t.Fatal(err)
	}
	if hostDir == lambdaDir {
		t.Fatalf("both targets built into %s; the host binary would replace the asset", hostDir)
	}
	out, err := exec.Command(filepath.Join(hostDir, "bootstrap")).Output()
	if err != nil || string(out) != "hello\n" {
		t.Errorf("the host build ran with %q, %v; want hello", out, err)
	}
}

func TestResolveRejectsWhatIsNotAHandler(t *testing.T) {
	root := tempModule(t)
	write(t, filepath.Join(root, "broken", "main.go"), "package main\n\nfunc main() { undefined() }\n")
	tests := []struct {
		entry, want string
		build       bool
	}{
		{"./does/not/exist", "is not a Go package that builds", false},
		{"./lib", "is package lib, not a main package", false},
		{"./broken", "does not compile for linux/arm64", true},
	}
	for _, tt := range tests {
		t.Run(tt.entry, func(t *testing.T) {
			pkg, err := resolveIn(root, root, tt.entry)
			if tt.build && err == nil {
				forget()
				_, err = Build(pkg)
			}
			var be *BuildError
			if !errors.As(err, &be) {
				t.Fatalf("err = %v, want *BuildError", err)
			}
			if !strings.Contains(err.Error(), "Props.Entry") || !strings.Contains(err.Error(), tt.entry) && !tt.build || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("message %q must name Props.Entry, the value and %q", err, tt.want)
			}
		})
	}
}

// TestBuildAllBuildsTogetherWhatEachBuildWould builds three handlers in
// one batch, two of them with the same executable name, and compares
// them with one-at-a-time builds: the same bytes, each its own program.
func TestBuildAllBuildsTogetherWhatEachBuildWould(t *testing.T) {
	root := tempModule(t)
	write(t, filepath.Join(root, "cmd", "bye", "main.go"), "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"bye\") }\n")
	write(t, filepath.Join(root, "other", "hello", "main.go"), "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"other\") }\n")
	entries := []string{"./cmd/hello", "./cmd/bye", "example.com/handlers/other/hello"}
	pkgs, err := resolveAllIn(root, root, entries)
	if err != nil {
		t.Fatal(err)
	}
	forget()
	for _, target := range []Target{Host, Lambda} {
		dirs, err := BuildAll(pkgs, target)
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range []string{"hello\n", "bye\n", "other\n"} {
			dir := dirs[pkgs[i].ImportPath]
			if dir == "" {
				t.Fatalf("%s: no directory for %s", target, entries[i])
			}
			if target == Host {
				if out, err := exec.Command(filepath.Join(dir, "bootstrap")).Output(); err != nil || string(out) != want {
					t.Errorf("%s ran with %q, %v; want %q", entries[i], out, err, want)
				}
				continue
			}
			single := pkgs[i]
			single.OutputRoot = t.TempDir()
			singleDir, err := BuildFor(single, Lambda)
			if err != nil {
				t.Fatal(err)
			}
			batch, _ := os.ReadFile(filepath.Join(dir, "bootstrap"))
			alone, _ := os.ReadFile(filepath.Join(singleDir, "bootstrap"))
			if len(batch) == 0 || !bytes.Equal(batch, alone) {
				t.Errorf("%s built in a batch differs from its build alone (%d and %d bytes)", entries[i], len(batch), len(alone))
			}
		}
	}
}

// TestBuildAllNamesTheHandlerThatDoesNotCompile puts a broken handler in
// a batch: the error names it, not the batch.
func TestBuildAllNamesTheHandlerThatDoesNotCompile(t *testing.T) {
	root := tempModule(t)
	write(t, filepath.Join(root, "broken", "main.go"), "package main\n\nfunc main() { undefined() }\n")
	pkgs, err := resolveAllIn(root, root, []string{"./cmd/hello", "./broken"})
	if err != nil {
		t.Fatal(err)
	}
	forget()
	_, err = BuildAll(pkgs, Host)
	var be *BuildError
	if !errors.As(err, &be) || be.Entry != "example.com/handlers/broken" || !strings.Contains(err.Error(), "does not compile") {
		t.Fatalf("err = %v; want a BuildError for example.com/handlers/broken", err)
	}
}

// TestResolveAllRefusesWhatIsNotOneMainPackage makes Prepare fall back to
// Resolve, which reports the entry.
func TestResolveAllRefusesWhatIsNotOneMainPackage(t *testing.T) {
	root := tempModule(t)
	for _, entries := range [][]string{{"./cmd/hello", "./lib"}, {"./cmd/..."}, {"./cmd/hello", "./missing"}} {
		if pkgs, err := resolveAllIn(root, root, entries); err == nil {
			t.Errorf("resolveAllIn(%q) = %v; want an error", entries, pkgs)
		}
	}
}
