package main

import (
	"testing"

	"github.com/sfnkit/sfnkit/internal/version"
)

func TestVersion(t *testing.T) {
	want := "sfnkit " + version.Version + "\n"
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		code, stdout, stderr := sfnkit(t, "", args...)
		if code != 0 || stdout != want || stderr != "" {
			t.Errorf("sfnkit %v: exit %d, stdout %q, stderr %q; want exit 0, stdout %q", args, code, stdout, stderr, want)
		}
	}
	if code, _, stderr := sfnkit(t, "", "version", "extra"); code != 2 || stderr == "" {
		t.Errorf("sfnkit version extra: exit %d, stderr %q; want exit 2 and a message", code, stderr)
	}
}
