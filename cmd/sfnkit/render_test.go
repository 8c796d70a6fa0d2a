package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRenderPlainASLFilesAndReportsABadOne(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.asl.json")
	if err := os.WriteFile(bad, []byte(`{"StartAt": "A", "States": {"A": {"Type": "Pass", "Nxt": "B"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "rendered")
	code, stdout, stderr := sfnkit(t, "", "render", "--out", out, bad, "testdata/lambda-def.json", "testdata/template.json")
	if code != 1 {
		t.Errorf("exit %d, want 1 (one bad file); stderr %s", code, stderr)
	}
	if !strings.Contains(stderr, "bad.asl.json") || !strings.Contains(stderr, "Nxt") {
		t.Errorf("stderr does not name the bad file and field: %s", stderr)
	}
	for _, f := range []string{"lambda-def/lambda-def.md", "lambda-def/lambda-def.asl.json", "template/template.dot"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s not rendered: %v\nstdout %s", f, err, stdout)
		}
	}
}
