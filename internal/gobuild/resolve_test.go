package gobuild

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// lambdaGoSums are this repository's go.sum lines for aws-lambda-go, which
// the library module of the test below depends on.
func lambdaGoSums(t *testing.T) string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		if strings.HasPrefix(scanner.Text(), "github.com/aws/aws-lambda-go ") {
			lines = append(lines, scanner.Text())
		}
	}
	if len(lines) != 2 {
		t.Fatalf("go.sum has %d lines for aws-lambda-go, want its zip and go.mod hashes", len(lines))
	}
	return strings.Join(lines, "\n") + "\n"
}

// goModule runs the go command in dir, offline, and fails the test on error.
func goModule(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command(goBinary(), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOSUMDB=off", "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
}

// TestHandlerOfARequiredModuleBuildsWithItsOwnGoSum is the consumer's case:
// an app requires a library whose handler imports a module the app itself
// never imports, so `go mod tidy` leaves that module's source hash out of
// the app's go.sum. The handler must still resolve and build.
func TestHandlerOfARequiredModuleBuildsWithItsOwnGoSum(t *testing.T) {
	base := t.TempDir()
	lib, appDir := filepath.Join(base, "lib"), filepath.Join(base, "app")
	write(t, filepath.Join(lib, "go.mod"), "module example.com/lib\n\ngo 1.26\n\nrequire github.com/aws/aws-lambda-go v1.55.1\n")
	write(t, filepath.Join(lib, "go.sum"), lambdaGoSums(t))
	write(t, filepath.Join(lib, "cmd", "handler", "main.go"),
		"package main\n\nimport \"github.com/aws/aws-lambda-go/lambda\"\n\nfunc main() { lambda.Start(func() error { return nil }) }\n")
	write(t, filepath.Join(lib, "names", "names.go"), "package names\n\nconst Handler = \"example.com/lib/cmd/handler\"\n")
	write(t, filepath.Join(appDir, "go.mod"), "module example.com/app\n\ngo 1.26\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n")
	write(t, filepath.Join(appDir, "main.go"), "package main\n\nimport \"example.com/lib/names\"\n\nfunc main() { println(names.Handler) }\n")
	goModule(t, appDir, "mod", "tidy")
	sums, _ := os.ReadFile(filepath.Join(appDir, "go.sum"))
	if strings.Contains(string(sums), "aws-lambda-go v1.55.1 h1:") {
		t.Fatalf("the test needs an app whose go.sum lacks the handler's dependency, but tidy kept it:\n%s", sums)
	}

	a, err := loadApp(appDir)
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := a.resolve("example.com/lib/cmd/handler")
	if err != nil {
		t.Fatal(err)
	}
	if pkg.ModuleRoot != lib || pkg.OutputRoot != appDir {
		t.Fatalf("resolved %+v; want it built in %s with output under %s", pkg, lib, appDir)
	}
	forget()
	dir, err := Build(pkg)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(appDir, OutputDir, "gofunction", "example.com", "lib", "cmd", "handler"); dir != want {
		t.Errorf("built into %s, want %s", dir, want)
	}
	if !fileExists(filepath.Join(dir, "bootstrap")) {
		t.Error("no bootstrap was built")
	}
	if ignore, _ := os.ReadFile(filepath.Join(appDir, OutputDir, ".gitignore")); !strings.Contains(string(ignore), "*") {
		t.Errorf("the build output is not ignored by default: .gitignore holds %q", ignore)
	}
}

func TestResolveNamesWhatIsWrongWithAnEntry(t *testing.T) {
	root := tempModule(t)
	write(t, filepath.Join(filepath.Dir(root), "outside", "main.go"), "package main\n\nfunc main() {}\n")
	a, err := loadApp(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ entry, want string }{
		{"example.org/elsewhere/cmd/x", "is in neither the app's module example.com/handlers nor a module it requires"},
		{"../outside", "is outside the app's Go module"},
		{"./lib", "is package lib, not a main package"},
		{"example.com/handlers/cmd/missing", "is not a Go package that builds"},
	} {
		t.Run(tt.entry, func(t *testing.T) {
			_, err := a.resolve(tt.entry)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.entry) {
				t.Errorf("resolve(%q) = %v; want an error naming the entry and saying %q", tt.entry, err, tt.want)
			}
		})
	}
}
