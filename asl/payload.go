package asl

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sfnkit/sfnkit/internal/jsonstring"
)

// jsonLenUpTo is v's encoded size, measured only until it passes limit.
func jsonLenUpTo(v any, limit int) int {
	switch x := v.(type) {
	case map[string]any:
		n := 2 + max(len(x)-1, 0)
		for k, e := range x {
			if n > limit {
				return n
			}
			n += jsonstring.Len(k) + 1 + jsonLenUpTo(e, limit-n)
		}
		return n
	case []any:
		n := 2 + max(len(x)-1, 0)
		for _, e := range x {
			if n > limit {
				return n
			}
			n += jsonLenUpTo(e, limit-n)
		}
		return n
	}
	return payloadLen(v)
}

// evalExpression evaluates the value of a ".$" key: an intrinsic function
// or a path (which must match).
func evalExpression(field, expr string, s *scope, rt *runtime) (any, error) {
	if isIntrinsic(expr) {
		call, err := parseIntrinsic(expr)
		if err != nil {
			return nil, failf(ErrIntrinsicFailure, "%s: %v", field, err)
		}
		return call.eval(s, rt)
	}
	// No copy: values are never modified in place (see setSteps).
	return s.mustGet(field, expr)
}

// checkTemplate reports the invalid paths and intrinsic calls of a
// template, for validation.
func checkTemplate(raw json.RawMessage) []string {
	v, err := decodeJSON(raw)
	if err != nil {
		return []string{"is not JSON: " + err.Error()}
	}
	var problems []string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if base, ok := strings.CutSuffix(k, ".$"); ok {
					if _, both := x[base]; both {
						// "A JSON object MUST NOT have duplicate field names after
						// fields ending with the characters ".$" are renamed to
						// strip the ".$" suffix."
						problems = append(problems, fmt.Sprintf("%s%s and %s%s are both given, and %s is %s once .$ is stripped: keep one", path, base, path, k, k, base))
					}
					expr, ok := e.(string)
					switch {
					case !ok:
						problems = append(problems, fmt.Sprintf("%s%s must be a path or an intrinsic function", path, k))
					case isIntrinsic(expr):
						if _, err := parseIntrinsic(expr); err != nil {
							problems = append(problems, fmt.Sprintf("%s%s: %v", path, k, err))
						}
					default:
						if _, err := compilePath(expr); err != nil {
							problems = append(problems, fmt.Sprintf("%s%s: %v", path, k, err))
						}
					}
					continue
				}
				walk(path+k+".", e)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d].", strings.TrimSuffix(path, "."), i), e)
			}
		}
	}
	walk("", v)
	return problems
}
