package asl

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// decodeCases are documents decodeJSON must read exactly as
// encoding/json does, values and errors alike.
var decodeCases = []string{
	`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `1.5e3`, `-12.25E-2`, `"x"`, ` {"a" : [1, 2 ,{"b":null}] } `,
	`{"a":1,"a":2}`, `{"é":"ü\u2028"}`, `"\u00e9\n\t\"\\"`, `"\ud800"`, "\"\xff\"", "{\"\xff\":1}", `1e400`, `-`, `01`, `1.`, `.5`,
	`1e`, `[1,]`, `{"a":1,}`, `{"a"}`, `{a:1}`, `[1 2]`, `"unterminated`, "\"tab\tinside\"", `tru`, `nul`, `{"a":1} x`, ``, `   `,
	`[[[[[[[[[[]]]]]]]]]]`, `{"a":"x","a":"longer"}`, `[" ", "é", 1e2, 1.50, -0, 1E-7]`, `{"k":{"k":{"k":[1,"2",3.5,true,null]}}}`, `123456789012345678901234567890`, `0.1`, `-0.0`,
}

func TestDecodeJSONMatchesEncodingJSON(t *testing.T) {
	for _, doc := range decodeCases {
		checkDecode(t, doc)
	}
}

func FuzzDecodeJSON(f *testing.F) {
	for _, doc := range decodeCases {
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, doc string) { checkDecode(t, doc) })
}

func checkDecode(t *testing.T, doc string) {
	t.Helper()
	var want any
	wantErr := json.Unmarshal([]byte(doc), &want)
	got, err := decodeJSON([]byte(doc))
	switch {
	case (err == nil) != (wantErr == nil):
		t.Errorf("decodeJSON(%q): error %v, encoding/json's %v", doc, err, wantErr)
	case err != nil && err.Error() != wantErr.Error():
		t.Errorf("decodeJSON(%q): error %q, encoding/json's %q", doc, err, wantErr)
	case err == nil && !reflect.DeepEqual(got, want):
		t.Errorf("decodeJSON(%q) = %#v, encoding/json gives %#v", doc, got, want)
	}
	// The size counted while decoding is the encoding's, or more where
	// a repeated key was dropped; never less, or the payload limit
	// could be passed unseen.
	if _, size, err := decodeJSONSized([]byte(doc)); err == nil && size >= 0 {
		n := len(toJSON(got))
		if size < n || size > n && !strings.Contains(doc, ",") {
			t.Errorf("decodeJSONSized(%q) counted %d bytes; its encoding %s has %d", doc, size, toJSON(got), n)
		}
	}
}
