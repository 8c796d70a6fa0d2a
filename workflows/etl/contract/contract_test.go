package contract

import (
	"strings"
	"testing"
)

func TestRunIDIsSafeInKeysAndQueries(t *testing.T) {
	arn := "arn:aws:states:eu-west-1:123456789012:execution:EtlStateMachine:"
	if got := RunID(arn + "b1c6a0e4-2f5d-4a8e-9c57-0f0d1b2a3c4d"); got != "b1c6a0e4-2f5d-4a8e-9c57-0f0d1b2a3c4d" {
		t.Errorf("RunID of a UUID-named execution = %q; want its name", got)
	}
	for _, name := range []string{"it's", "a/b", "ünïcode", "x.y", strings.Repeat("n", 81)} {
		got := RunID(arn + name)
		if !RunIDPattern.MatchString(got) || got == RunID(arn+name+"2") {
			t.Errorf("RunID(%q) = %q: not a safe, distinct id", name, got)
		}
	}
	if got := RunPrefix("sales", "2026-11-21", "r1"); got != "sales/run_date=2026-11-21/run=r1/" {
		t.Errorf("RunPrefix = %q", got)
	}
}
