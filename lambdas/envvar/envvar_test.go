package envvar

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func lookup(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func TestReaderReadsWellFormedVariables(t *testing.T) {
	r := New(lookup(map[string]string{"TABLE": "Payments", "STALE": "7h0m0s", "MAX": "42"}))
	if got := r.String("TABLE"); got != "Payments" {
		t.Errorf("String(TABLE) = %q", got)
	}
	if got := r.Duration("STALE"); got != 7*time.Hour {
		t.Errorf("Duration(STALE) = %v", got)
	}
	if got := r.PositiveInt("MAX"); got != 42 {
		t.Errorf("PositiveInt(MAX) = %d", got)
	}
	if err := r.Err(); err != nil {
		t.Errorf("Err() = %v; want nil", err)
	}
}

func TestReaderNamesEveryProblem(t *testing.T) {
	r := New(lookup(map[string]string{"STALE": "soon", "MAX": "-3", "SIZES": "x"}))
	r.String("TABLE")
	r.Duration("STALE")
	r.PositiveInt("MAX")
	r.PositiveInt("UNSET")
	r.Fail("SIZES", errors.New(`size "x" is not a positive integer`))
	err := r.Err()
	if err == nil {
		t.Fatal("Err() = nil; want the problems")
	}
	for _, want := range []string{
		"environment variable TABLE is not set",
		`environment variable STALE is "soon", which is not a Go duration`,
		`environment variable MAX is "-3"; it must be a positive integer`,
		"environment variable UNSET is not set",
		`environment variable SIZES: size "x" is not a positive integer`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Err() = %v\nwant it to say %q", err, want)
		}
	}
}
