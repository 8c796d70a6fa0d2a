package asl

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/ohler55/ojg/jp"
	"github.com/sfnkit/sfnkit/internal/jsonstring"
)

// appendJSON encodes a decoded JSON value (maps, slices, strings,
// float64, bool, nil) exactly as encoding/json does with HTML escaping off:
// keys sorted, numbers in the same form. The engine renders every state's
// input and output for the history and the payload limit, and
// encoding/json's reflection was most of an execution's cost. ojg, already
// used for JSONPath, is no substitute: it writes floats with %g (1e+06).
// Other types report false, and the caller falls back to encoding/json.
func appendJSON(b []byte, v any) ([]byte, bool) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), true
	case bool:
		return strconv.AppendBool(b, x), true
	case string:
		return jsonstring.Append(b, x), true
	case float64:
		return appendJSONFloat(b, x)
	case int:
		return strconv.AppendInt(b, int64(x), 10), true
	case int64:
		return strconv.AppendInt(b, x, 10), true
	case json.Number:
		if x == "" {
			return append(b, '0'), true
		}
		return append(b, x...), true
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonstring.Append(b, k)
			b = append(b, ':')
			var ok bool
			if b, ok = appendJSON(b, x[k]); !ok {
				return b, false
			}
		}
		return append(b, '}'), true
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var ok bool
			if b, ok = appendJSON(b, e); !ok {
				return b, false
			}
		}
		return append(b, ']'), true
	}
	return b, false
}

// appendJSONFloat follows encoding/json: the shortest form, in exponent
// notation only below 1e-6 or from 1e21 on.
func appendJSONFloat(b []byte, f float64) ([]byte, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' { // e-09 to e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}

// toJSON renders a value as Step Functions shows it in history and output.
func toJSON(v any) string {
	b, err := marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(b)
}

// marshal encodes without HTML escaping, as Step Functions does.
func marshal(v any) ([]byte, error) {
	if out, ok := appendJSON(make([]byte, 0, 256), v); ok {
		return out, nil
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(strings.TrimSuffix(b.String(), "\n")), nil
}

func truncateJSON(v any, max int) string {
	s := toJSON(v)
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}

// plainJSON reports whether v is made only of what decoding JSON gives:
// objects as map[string]any, arrays as []any, strings, finite float64s,
// booleans and nil.
func plainJSON(v any) bool {
	switch x := v.(type) {
	case nil, bool, string:
		return true
	case float64:
		return !math.IsInf(x, 0) && !math.IsNaN(x)
	case map[string]any:
		for _, e := range x {
			if !plainJSON(e) {
				return false
			}
		}
		return true
	case []any:
		for _, e := range x {
			if !plainJSON(e) {
				return false
			}
		}
		return true
	}
	return false
}

// plainJSONLen is plainJSON and, for a plain value, its encoded size, in
// one walk: a task's result is checked and then measured (see
// frame.measured).
func plainJSONLen(v any) (int, bool) { return encodedLen(v, true) }

// jsonCopy deep-copies a value made of JSON's types, as decoding its
// encoding would give it (numbers as float64). It reports false for any
// other type, or a number JSON cannot hold.
func jsonCopy(v any) (any, bool) {
	switch x := v.(type) {
	case nil, bool, string:
		return x, true
	case float64:
		return x, !math.IsInf(x, 0) && !math.IsNaN(x)
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			c, ok := jsonCopy(e)
			if !ok {
				return nil, false
			}
			out[k] = c
		}
		return out, true
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			c, ok := jsonCopy(e)
			if !ok {
				return nil, false
			}
			out[i] = c
		}
		return out, true
	}
	return nil, false
}

// clone deep-copies a JSON value, so states never share mutable data.
func clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = clone(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = clone(e)
		}
		return out
	}
	return v
}

// jsonLen is len of the encoding appendJSON gives, without building it:
// the engine checks every state's input and output against the payload
// limit, and renders them for the history only when it is read.
func jsonLen(v any) (int, bool) { return encodedLen(v, false) }

// encodedLen is jsonLen; with plainOnly, a value not made of JSON's types
// (see plainJSON) reports false instead of being encoded.
func encodedLen(v any, plainOnly bool) (int, bool) {
	switch x := v.(type) {
	case nil:
		return 4, true
	case bool:
		if x {
			return 4, true
		}
		return 5, true
	case string:
		return jsonstring.Len(x), true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 && (x != 0 || !math.Signbit(x)) { // an integer, not -0: its digits
			return intLen(int64(x)), true
		}
		var buf [32]byte
		b, ok := appendJSONFloat(buf[:0], x)
		return len(b), ok
	case map[string]any:
		n := 2 + max(len(x)-1, 0) // braces, commas
		for k, e := range x {
			m, ok := encodedLen(e, plainOnly)
			if !ok {
				return 0, false
			}
			n += jsonstring.Len(k) + 1 + m
		}
		return n, true
	case []any:
		n := 2 + max(len(x)-1, 0)
		for _, e := range x {
			m, ok := encodedLen(e, plainOnly)
			if !ok {
				return 0, false
			}
			n += m
		}
		return n, true
	}
	if plainOnly {
		return 0, false
	}
	b, ok := appendJSON(nil, v)
	return len(b), ok
}

// noteOutputLen tells runState the size of a JSONPath state's output,
// its ResultPath having placed result into input, without measuring the
// whole output: the input's size is known, and only what ResultPath
// replaced and result are measured. It tells nothing when OutputPath
// selects from the output, or the input's size is unknown.
func (f *frame) noteOutputLen(st *State, input, result any) {
	if path, ok := st.OutputPath.Path(); !ok || path != "$" || f.stateInputLen < 0 {
		return
	}
	path, ok := st.ResultPath.Path()
	if !ok {
		f.outputLen = f.stateInputLen // the result is discarded
		return
	}
	p := pathOf(path)
	if p.splitErr != nil || p.err != nil || !p.definite {
		return
	}
	resultLen, ok := f.measuredLen, f.measuredLen > 0 && sameValue(result, f.measured) // 0: nothing measured
	if !ok {
		if resultLen, ok = jsonLen(result); !ok {
			return
		}
	}
	if len(p.steps) == 0 {
		f.outputLen = resultLen // "$": the result is the output
		return
	}
	if delta, ok := setDelta(input, p.steps, resultLen); ok {
		f.outputLen = f.stateInputLen + delta
	}
}

// setDelta is how many bytes setSteps(node, steps, value) adds to node's
// encoding, given value's encoded size.
func setDelta(node any, steps []jp.Frag, valueLen int) (int, bool) {
	if len(steps) == 0 {
		n, ok := jsonLen(node)
		return valueLen - n, ok
	}
	switch f := steps[0].(type) {
	case jp.Child:
		if node == nil { // null becomes an object
			n, ok := chainLen(steps, valueLen)
			return n - len("null"), ok
		}
		obj, ok := node.(map[string]any)
		if !ok {
			return 0, false
		}
		if child, exists := obj[string(f)]; exists {
			return setDelta(child, steps[1:], valueLen)
		}
		n, ok := chainLen(steps[1:], valueLen)
		n += jsonstring.Len(string(f)) + 1 // "key":
		if len(obj) > 0 {
			n++ // the comma
		}
		return n, ok
	case jp.Nth:
		arr, i, ok := element(node, f)
		if !ok {
			return 0, false
		}
		return setDelta(arr[i], steps[1:], valueLen)
	}
	return 0, false
}

// chainLen is the size of the objects setSteps makes for steps below a
// missing field, holding a value of valueLen bytes: {"a":{"b":value}}.
func chainLen(steps []jp.Frag, valueLen int) (int, bool) {
	n := valueLen
	for i := len(steps) - 1; i >= 0; i-- {
		name, ok := steps[i].(jp.Child)
		if !ok {
			return 0, false
		}
		n += 2 + jsonstring.Len(string(name)) + 1
	}
	return n, true
}

// sameValue reports whether a and b are the same value: the same map or
// the same slice (its first element at the same address, the same
// length), or equal scalars. Either way their encodings have the same
// size, which is all runState asks. It may report false for equal
// values.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		return ok && len(x) == len(y) && reflect.ValueOf(x).UnsafePointer() == reflect.ValueOf(y).UnsafePointer()
	case []any:
		y, ok := b.([]any)
		return ok && len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0])
	case string:
		y, ok := b.(string)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && x == y && math.Signbit(x) == math.Signbit(y)
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case nil:
		return b == nil
	}
	return false
}

// intLen is the number of characters of n in decimal, with its sign.
func intLen(n int64) int {
	l := 1
	if n < 0 {
		l, n = 2, -n
	}
	for n >= 10 {
		n /= 10
		l++
	}
	return l
}
