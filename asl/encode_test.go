package asl

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestAppendJSONMatchesEncodingJSON pins the fast encoder to
// encoding/json (HTML escaping off) on values that exercise every branch.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	values := []any{
		nil, true, false, "", "plain", `quote " backslash \ slash /`, "<html> & co", "tab\tnew\nline\rcr\bback\fform\x00nul\x1f",
		"caf\u00e9 \u2028 \u2029 \U0001F600", "bad \xff utf8", 0.0, math.Copysign(0, -1), 1.0, -1.5, 4500.0, 1234567.0, 1e20, 1e21, 1e-6, 1e-7, 123.456e-9,
		math.MaxFloat64, math.SmallestNonzeroFloat64, 0.1 + 0.2, json.Number("12.50"),
		map[string]any{"b": 1.0, "a": []any{"x", nil, map[string]any{"z": false, "é": "ü", "A": 2.0}}, "": "empty key"},
		[]any{}, map[string]any{},
	}
	for _, v := range values {
		var sb strings.Builder
		enc := json.NewEncoder(&sb)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		want := []byte(strings.TrimSuffix(sb.String(), "\n"))
		got, ok := appendJSON(nil, v)
		if !ok || string(got) != string(want) {
			t.Errorf("appendJSON(%#v) = %s, %v; encoding/json gives %s", v, got, ok, want)
		}
		if n, ok := jsonLen(v); !ok || n != len(want) {
			t.Errorf("jsonLen(%#v) = %d, %v; want %d", v, n, ok, len(want))
		}
	}
	for _, v := range []any{math.Inf(1), math.NaN(), struct{ A int }{1}} {
		if _, ok := appendJSON(nil, v); ok {
			t.Errorf("appendJSON(%#v) claimed success", v)
		}
	}
}

func FuzzAppendJSON(f *testing.F) {
	f.Add(`{"a":[1,2.5,"x\u2028"],"b":null}`)
	f.Fuzz(func(t *testing.T, doc string) {
		var v any
		if json.Unmarshal([]byte(doc), &v) != nil {
			return
		}
		var sb strings.Builder
		enc := json.NewEncoder(&sb)
		enc.SetEscapeHTML(false)
		if enc.Encode(v) != nil {
			return
		}
		got, ok := appendJSON(nil, v)
		if want := strings.TrimSuffix(sb.String(), "\n"); !ok || string(got) != want {
			t.Errorf("%s: got %s want %s", doc, got, want)
		}
		if n, _ := jsonLen(v); n != len(got) {
			t.Errorf("%s: jsonLen %d, encoded %d", doc, n, len(got))
		}
	})
}
