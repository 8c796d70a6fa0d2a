package jsonstring

import (
	"encoding/json"
	"strings"
	"testing"
)

// encodingJSON is what encoding/json writes for s with HTML escaping off.
func encodingJSON(tb testing.TB, s string) string {
	tb.Helper()
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		tb.Fatal(err)
	}
	return strings.TrimSuffix(sb.String(), "\n")
}

func check(tb testing.TB, s string) {
	tb.Helper()
	want := encodingJSON(tb, s)
	if got := string(Append([]byte("prefix:"), s)); got != "prefix:"+want {
		tb.Errorf("Append(%q) = %s; encoding/json gives %s", s, got, want)
	}
	if n := Len(s); n != len(want) {
		tb.Errorf("Len(%q) = %d; want %d", s, n, len(want))
	}
}

func TestAppendMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{
		"", "plain", `quote " backslash \ slash /`, "<html> & co", "tab\tnew\nline\rcr\bback\fform\x00nul\x1f\x7f",
		"caf\u00e9 \u2028 \u2029 \U0001F600", "bad \xff utf8 \xed\xa0\x80", "ünïcødé ✓",
	} {
		check(t, s)
	}
}

func FuzzAppend(f *testing.F) {
	f.Add("x\u2028\"\\\x01\xff")
	f.Fuzz(func(t *testing.T, s string) { check(t, s) })
}
