package asl

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// intrinsic is a parsed call of a States.* intrinsic function.
type intrinsic struct {
	name string
	args []intrinsicArg
}

// intrinsicArg is one argument: a literal, a path, or a nested call.
type intrinsicArg struct {
	literal any
	path    string
	call    *intrinsic
}

// isIntrinsic tells a "States.Name(...)" expression from a path.
func isIntrinsic(s string) bool { return strings.HasPrefix(strings.TrimSpace(s), "States.") }

// parseIntrinsic parses an intrinsic function call.
func parseIntrinsic(s string) (*intrinsic, error) {
	p := &intrinsicParser{src: s}
	call, err := p.call()
	if err != nil {
		return nil, fmt.Errorf("intrinsic %q: %v", s, err)
	}
	p.space()
	if p.pos != len(p.src) {
		return nil, fmt.Errorf("intrinsic %q: unexpected %q after the call", s, p.src[p.pos:])
	}
	if _, ok := intrinsics[call.name]; !ok {
		return nil, fmt.Errorf("intrinsic %q: %s is not an intrinsic function", s, call.name)
	}
	return call, nil
}

type intrinsicParser struct {
	src string
	pos int
}

func (p *intrinsicParser) space() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n') {
		p.pos++
	}
}

func (p *intrinsicParser) call() (*intrinsic, error) {
	p.space()
	start := p.pos
	for p.pos < len(p.src) && (isIdent(p.src[p.pos]) || p.src[p.pos] == '.') {
		p.pos++
	}
	name := p.src[start:p.pos]
	if !strings.HasPrefix(name, "States.") {
		return nil, fmt.Errorf("expected States.<Function>(...) at %q", p.src[start:])
	}
	if _, ok := intrinsics[name]; !ok {
		return nil, fmt.Errorf("%s is not an intrinsic function", name)
	}
	p.space()
	if p.pos >= len(p.src) || p.src[p.pos] != '(' {
		return nil, fmt.Errorf("expected ( after %s", name)
	}
	p.pos++
	c := &intrinsic{name: name}
	p.space()
	if p.pos < len(p.src) && p.src[p.pos] == ')' {
		p.pos++
		return c, nil
	}
	for {
		arg, err := p.arg()
		if err != nil {
			return nil, err
		}
		c.args = append(c.args, arg)
		p.space()
		if p.pos >= len(p.src) {
			return nil, fmt.Errorf("missing ) to close %s", name)
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
		case ')':
			p.pos++
			return c, nil
		default:
			return nil, fmt.Errorf("unexpected %q in the arguments of %s", p.src[p.pos], name)
		}
	}
}

func isIdent(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

func (p *intrinsicParser) arg() (intrinsicArg, error) {
	p.space()
	if p.pos >= len(p.src) {
		return intrinsicArg{}, fmt.Errorf("missing argument")
	}
	rest := p.src[p.pos:]
	switch {
	case rest[0] == '\'':
		s, err := p.str()
		return intrinsicArg{literal: s}, err
	case rest[0] == '$':
		start, depth, quote := p.pos, 0, false
		for ; p.pos < len(p.src); p.pos++ {
			c := p.src[p.pos]
			switch {
			case quote:
				if c == '\'' {
					quote = false
				}
			case c == '\'':
				quote = true
			case c == '[' || c == '(':
				depth++
			case c == ']' || c == ')':
				if depth == 0 {
					return intrinsicArg{path: strings.TrimSpace(p.src[start:p.pos])}, nil
				}
				depth--
			case c == ',' && depth == 0:
				return intrinsicArg{path: strings.TrimSpace(p.src[start:p.pos])}, nil
			}
		}
		return intrinsicArg{}, fmt.Errorf("unterminated path %q", p.src[start:])
	case strings.HasPrefix(rest, "States."):
		c, err := p.call()
		return intrinsicArg{call: c}, err
	case strings.HasPrefix(rest, "null"):
		p.pos += 4
		return intrinsicArg{literal: nil}, nil
	case strings.HasPrefix(rest, "true"):
		p.pos += 4
		return intrinsicArg{literal: true}, nil
	case strings.HasPrefix(rest, "false"):
		p.pos += 5
		return intrinsicArg{literal: false}, nil
	}
	start := p.pos
	for p.pos < len(p.src) && strings.IndexByte("+-0123456789.eE", p.src[p.pos]) >= 0 {
		p.pos++
	}
	n, err := strconv.ParseFloat(p.src[start:p.pos], 64)
	if err != nil || start == p.pos {
		return intrinsicArg{}, fmt.Errorf("unexpected %q: arguments are 'strings', numbers, paths or calls", rest)
	}
	return intrinsicArg{literal: n}, nil
}

// str reads a single-quoted string; \' \{ \} and \\ are escapes.
func (p *intrinsicParser) str() (string, error) {
	p.pos++ // the opening quote
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '\\' && p.pos+1 < len(p.src):
			b.WriteByte('\\') // kept, so States.Format can tell \{ from {
			b.WriteByte(p.src[p.pos+1])
			p.pos += 2
		case c == '\'':
			p.pos++
			return b.String(), nil
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	return "", fmt.Errorf("unterminated string")
}

// unescape removes the backslashes of a string literal's escapes.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// eval runs the call against the scope.
func (c *intrinsic) eval(s *scope, rt *runtime) (any, error) {
	args := make([]any, len(c.args))
	raw := make([]bool, len(c.args)) // a string literal, still escaped
	for i, a := range c.args {
		switch {
		case a.call != nil:
			v, err := a.call.eval(s, rt)
			if err != nil {
				return nil, err
			}
			args[i] = v
		case a.path != "":
			v, err := s.mustGet("intrinsic "+c.name, a.path)
			if err != nil {
				return nil, err
			}
			args[i] = v
		default:
			args[i] = a.literal
			_, raw[i] = a.literal.(string)
		}
	}
	for i := range args {
		// Only Format's template keeps its escapes, to tell \{ from {.
		if raw[i] && (c.name != "States.Format" || i > 0) {
			args[i] = unescape(args[i].(string))
		}
	}
	v, err := intrinsics[c.name](args, raw, rt)
	if err != nil {
		if limit, ok := err.(*Failure); ok { // a limit, such as States.DataLimitExceeded
			return nil, failf(limit.Name, "%s: %s", c.name, limit.Cause)
		}
		return nil, failf(ErrIntrinsicFailure, "%s: %v", c.name, err)
	}
	// A call's result is part of its state's parameters: nested calls
	// (States.Array($.big, $.big, ...)) must not build more than a payload.
	if jsonLenUpTo(v, MaxPayloadBytes) > MaxPayloadBytes {
		return nil, failf(ErrDataLimitExceeded, "%s: the result is larger than %d bytes, Step Functions' payload limit", c.name, MaxPayloadBytes)
	}
	return v, nil
}

type intrinsicFunc func(args []any, literal []bool, rt *runtime) (any, error)

var intrinsics map[string]intrinsicFunc

func init() {
	intrinsics = map[string]intrinsicFunc{
		"States.Format":         formatFn,
		"States.StringToJson":   stringToJSON,
		"States.JsonToString":   jsonToString,
		"States.Array":          func(args []any, _ []bool, _ *runtime) (any, error) { return append([]any{}, args...), nil },
		"States.ArrayPartition": arrayPartition,
		"States.ArrayContains":  arrayContains,
		"States.ArrayRange":     arrayRange,
		"States.ArrayGetItem":   arrayGetItem,
		"States.ArrayLength":    arrayLength,
		"States.ArrayUnique":    arrayUnique,
		"States.Base64Encode":   base64Encode,
		"States.Base64Decode":   base64Decode,
		"States.Hash":           hashFn,
		"States.JsonMerge":      jsonMerge,
		"States.MathRandom":     mathRandom,
		"States.MathAdd":        mathAdd,
		"States.StringSplit":    stringSplit,
		"States.UUID":           uuidFn,
	}
}

func want(args []any, n int) error {
	if len(args) != n {
		return fmt.Errorf("takes %d arguments, got %d", n, len(args))
	}
	return nil
}

func formatFn(args []any, literal []bool, _ *runtime) (any, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("needs a template")
	}
	tmpl, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("the template must be a string")
	}
	escaped := literal[0]
	var b strings.Builder
	next := 1
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		if escaped && c == '\\' && i+1 < len(tmpl) {
			b.WriteByte(tmpl[i+1])
			i++
			continue
		}
		if c == '{' && i+1 < len(tmpl) && tmpl[i+1] == '}' {
			if next >= len(args) {
				return nil, fmt.Errorf("the template has more {} than the %d values given", len(args)-1)
			}
			s := formatValue(args[next])
			if b.Len()+len(s) > MaxPayloadBytes {
				return nil, failf(ErrDataLimitExceeded, "the formatted string is longer than %d bytes, Step Functions' payload limit", MaxPayloadBytes)
			}
			b.WriteString(s)
			next++
			i++
			continue
		}
		b.WriteByte(c)
	}
	if next != len(args) {
		return nil, fmt.Errorf("the template has %d {} for %d values", next-1, len(args)-1)
	}
	return b.String(), nil
}

// formatValue renders a value inside States.Format: strings as they are,
// everything else as JSON.
func formatValue(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return toJSON(v)
}

func stringToJSON(args []any, _ []bool, _ *runtime) (any, error) {
	if err := want(args, 1); err != nil {
		return nil, err
	}
	s, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("the argument must be a string")
	}
	v, err := decodeJSON([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("the string is not JSON: %v", err)
	}
	return v, nil
}

func jsonToString(args []any, _ []bool, _ *runtime) (any, error) {
	if err := want(args, 1); err != nil {
		return nil, err
	}
	return toJSON(args[0]), nil
}

func arrayArg(v any, what string) ([]any, error) {
	a, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s must be an array", what)
	}
	return a, nil
}

func intArg(v any, what string) (int, error) {
	f, ok := v.(float64)
	if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, fmt.Errorf("%s must be an integer", what)
	}
	return int(f), nil
}

func arrayPartition(args []any, _ []bool, _ *runtime) (any, error) {
	if err := want(args, 2); err != nil {
		return nil, err
	}
	a, err := arrayArg(args[0], "the first argument")
	if err != nil {
		return nil, err
	}
	size, err := intArg(args[1], "the chunk size")
	if err != nil || size < 1 {
		return nil, fmt.Errorf("the chunk size must be a positive integer")
	}
	out := []any{}
	for i := 0; i < len(a); i += size {
		out = append(out, append([]any{}, a[i:min(i+size, len(a))]...))
	}
	return out, nil
}

func arrayContains(args []any, _ []bool, _ *runtime) (any, error) {
	if err := want(args, 2); err != nil {
		return nil, err
	}
	a, err := arrayArg(args[0], "the first argument")
	if err != nil {
		return nil, err
	}
	for _, e := range a {
		if reflect.DeepEqual(e, args[1]) {
			return true, nil
		}
	}
	return false, nil
}

// MaxArrayRange is how many elements States.ArrayRange may produce, Step
// Functions' documented limit
// (https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html).
const MaxArrayRange = 1000

func arrayRange(args []any, _ []bool, _ *runtime) (any, error) {
	if err := want(args, 3); err != nil {
		return nil, err
	}
	start, err1 := intArg(args[0], "start")
	end, err2 := intArg(args[1], "end")
	step, err3 := intArg(args[2], "step")
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			return nil, err
		}
	}
	if step == 0 {
		return nil, fmt.Errorf("step must not be 0")
	}
	out := []any{}
	for i := start; (step > 0 && i <= end) || (step < 0 && i >= end); i += step {
		if len(out) == MaxArrayRange {
			return nil, fmt.Errorf("the range has more than %d elements", MaxArrayRange)
		}
		out = append(out, float64(i))
	}
	return out, nil
}

func arrayGetItem(args []any, _ []bool, _ *runtime) (any, error) {
	if err := want(args, 2); err != nil {
		return nil, err
	}
	a, err := arrayArg(args[0], "the first argument")
	if err != nil {
		return nil, err
	}
	i, err := intArg(args[1], "the index")
	if err != nil {
		return nil, err
	}
	if i < 0 || i >= len(a) {
		return nil, fmt.Errorf("index %d is outside the array of %d elements", i, len(a))
	}
	return a[i], nil
}

func arrayLength(args []any, _ []bool, _ *runtime) (any, error) {
	if err := want(args, 1); err != nil {
		return nil, err
	}
	a, err := arrayArg(args[0], "the argument")
	if err != nil {
		return nil, err
	}
	return float64(len(a)), nil
}

func arrayUnique(args []any, _ []bool, _ *runtime) (any, error) {
	if err := want(args, 1); err != nil {
		return nil, err
	}
	a, err := arrayArg(args[0], "the argument")
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, e := range a {
		dup := false
		for _, o := range out {
			if reflect.DeepEqual(e, o) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, e)
		}
	}
	return out, nil
}

func stringArg(args []any, n int) (string, error) {
	if err := want(args, n); err != nil {
		return "", err
	}
	s, ok := args[0].(string)
	if !ok {
		return "", fmt.Errorf("the first argument must be a string")
	}
	return s, nil
}

func base64Encode(args []any, _ []bool, _ *runtime) (any, error) {
	s, err := stringArg(args, 1)
	if err != nil {
		return nil, err
	}
	if len(s) > 10000 {
		return nil, fmt.Errorf("the input is longer than 10000 characters")
	}
	return base64.StdEncoding.EncodeToString([]byte(s)), nil
}

func base64Decode(args []any, _ []bool, _ *runtime) (any, error) {
	s, err := stringArg(args, 1)
	if err != nil {
		return nil, err
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("the input is not base64: %v", err)
	}
	return string(b), nil
}

func hashFn(args []any, _ []bool, _ *runtime) (any, error) {
	if err := want(args, 2); err != nil {
		return nil, err
	}
	algorithm, ok := args[1].(string)
	if !ok {
		return nil, fmt.Errorf("the algorithm must be a string")
	}
	return digest(args[0], algorithm)
}

// digest is States.Hash and JSONata's $hash: the hex digest of data's text
// under one of the algorithms Step Functions offers.
func digest(data any, algorithm string) (string, error) {
	var h hash.Hash
	switch algorithm {
	case "MD5":
		h = md5.New()
	case "SHA-1":
		h = sha1.New()
	case "SHA-256":
		h = sha256.New()
	case "SHA-384":
		h = sha512.New384()
	case "SHA-512":
		h = sha512.New()
	default:
		return "", fmt.Errorf("algorithm %q is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512", algorithm)
	}
	h.Write([]byte(formatValue(data)))
	return hex.EncodeToString(h.Sum(nil)), nil
}

func jsonMerge(args []any, _ []bool, _ *runtime) (any, error) {
	if err := want(args, 3); err != nil {
		return nil, err
	}
	a, ok1 := args[0].(map[string]any)
	b, ok2 := args[1].(map[string]any)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("both values must be objects")
	}
	if deep, _ := args[2].(bool); deep {
		return nil, fmt.Errorf("deep merging is not supported; pass false")
	}
	out := clone(a).(map[string]any)
	for k, v := range b {
		out[k] = clone(v)
	}
	return out, nil
}

func mathRandom(args []any, _ []bool, rt *runtime) (any, error) {
	if len(args) != 2 && len(args) != 3 {
		return nil, fmt.Errorf("takes start, end and an optional seed")
	}
	start, err1 := intArg(args[0], "start")
	end, err2 := intArg(args[1], "end")
	if err1 != nil || err2 != nil || end <= start {
		return nil, fmt.Errorf("start and end must be integers with start < end")
	}
	if len(args) == 3 {
		seed, err := intArg(args[2], "seed")
		if err != nil {
			return nil, err
		}
		return float64(start + int(uint64(seed)*2654435761%uint64(end-start))), nil
	}
	return float64(start + rt.randIntn(end-start)), nil
}

func mathAdd(args []any, _ []bool, _ *runtime) (any, error) {
	if err := want(args, 2); err != nil {
		return nil, err
	}
	a, err1 := intArg(args[0], "the first value")
	b, err2 := intArg(args[1], "the second value")
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("both values must be integers")
	}
	return float64(a + b), nil
}

func stringSplit(args []any, _ []bool, _ *runtime) (any, error) {
	if err := want(args, 2); err != nil {
		return nil, err
	}
	s, ok1 := args[0].(string)
	d, ok2 := args[1].(string)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("both arguments must be strings")
	}
	out := []any{}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(d, r) }) {
		out = append(out, part)
	}
	return out, nil
}

func uuidFn(args []any, _ []bool, rt *runtime) (any, error) {
	if len(args) != 0 {
		return nil, fmt.Errorf("takes no arguments")
	}
	return rt.uuid(), nil
}
