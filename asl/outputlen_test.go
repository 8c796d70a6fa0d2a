package asl

import (
	"math"
	"testing"

	"github.com/sfnkit/sfnkit/asl/model"
)

// TestNoteOutputLen checks that the output size a state derives from its
// input's size and its result is the size of the output ResultPath built.
func TestNoteOutputLen(t *testing.T) {
	inputs := []string{`{}`, `{"a":1}`, `{"a":{"b":"é\u2028<"},"c":[1,{"d":null}]}`, `{"a":null}`, `{"a":{"b":1,"c":2}}`}
	results := []string{`null`, `1.5`, `"x"`, `{"k":[true,false,1e21,0.000001]}`, `[]`}
	paths := []string{"$", "$.a", "$.new", "$.a.b", "$.a.b.c.d", "$.c[1].d", "$.c[-1]", "$['odd key']"}
	for _, in := range inputs {
		for _, res := range results {
			for _, path := range paths {
				input, result := mustDecode(t, in), mustDecode(t, res)
				out, err := setPath(input, path, result)
				if err != nil {
					continue // ResultPath fails: nothing to size
				}
				st := &State{ResultPath: optional(path)}
				n, _ := jsonLen(input)
				f := &frame{stateInputLen: n, outputLen: -1}
				f.noteOutputLen(st, input, result)
				if want := payloadLen(out); f.outputLen != want {
					t.Errorf("input %s, result %s, ResultPath %s: derived %d bytes, the output %s has %d", in, res, path, f.outputLen, toJSON(out), want)
				}
			}
		}
	}
}

// TestNoteOutputLenUnknown checks that nothing is derived where
// OutputPath selects from the output or the input's size is unknown.
func TestNoteOutputLenUnknown(t *testing.T) {
	input, result := mustDecode(t, `{"a":1}`), mustDecode(t, `2`)
	for _, c := range []struct {
		name string
		st   *State
		n    int
	}{
		{"OutputPath", &State{ResultPath: optional("$.b"), OutputPath: optional("$.a")}, 7},
		{"unknown input size", &State{ResultPath: optional("$.b")}, -1},
	} {
		f := &frame{stateInputLen: c.n, outputLen: -1}
		f.noteOutputLen(c.st, input, result)
		if f.outputLen != -1 {
			t.Errorf("%s: derived %d bytes, want none", c.name, f.outputLen)
		}
	}
}

func mustDecode(t *testing.T, s string) any {
	t.Helper()
	v, err := decodeJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func optional(path string) optionalString {
	var o model.OptionalString
	if err := o.UnmarshalJSON([]byte(toJSON(path))); err != nil {
		panic(err)
	}
	return o
}

// TestJSONLenNumbers checks jsonLen's count of a number's characters
// against its encoding.
func TestJSONLenNumbers(t *testing.T) {
	for _, f := range []float64{0, math.Copysign(0, -1), 7, -7, 10, 99, 100, -1000, 123456789012345, 999999999999999, 1e15, 1e21, -1e21, 0.5, 1e-7, 2.5e-7} {
		b, _ := appendJSON(nil, f)
		if n, _ := jsonLen(f); n != len(b) {
			t.Errorf("jsonLen(%v) = %d, its encoding %s has %d", f, n, b, len(b))
		}
	}
}
