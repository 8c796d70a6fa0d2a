package asl

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	// jsonata-go is the maintained fork of the Go port of JSONata. It
	// implements the JSONata 1.x dialect; Step Functions runs 2.x, whose
	// differences (async functions, a few new built-ins) do not show in
	// state machine expressions.
	jsonata "github.com/xiatechs/jsonata-go"
	"github.com/xiatechs/jsonata-go/jtypes"
)

// jsonataExpr extracts the expression of a "{% ... %}" string.
func jsonataExpr(s string) (string, bool) {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "{%") && strings.HasSuffix(t, "%}") && len(t) >= 4 {
		return strings.TrimSpace(t[2 : len(t)-2]), true
	}
	return "", false
}

var registerFunctions sync.Once

// stepFunctionsFunctions are the functions Step Functions adds to JSONata.
func stepFunctionsFunctions() map[string]jsonata.Extension {
	return map[string]jsonata.Extension{
		"partition": {Func: func(a []interface{}, size float64) ([]interface{}, error) {
			v, err := arrayPartition([]any{a, size}, nil, nil)
			if err != nil {
				return nil, err
			}
			return v.([]any), nil
		}},
		"range": {Func: func(start, end, step float64) ([]interface{}, error) {
			v, err := arrayRange([]any{start, end, step}, nil, nil)
			if err != nil {
				return nil, err
			}
			return v.([]any), nil
		}},
		"hash": {Func: func(data interface{}, algorithm string) (string, error) {
			h, err := digest(data, algorithm)
			if err != nil {
				return "", fmt.Errorf("$hash: %w", err)
			}
			return h, nil
		}},
		"parse": {Func: func(s string) (interface{}, error) { return decodeJSON([]byte(s)) }},
	}
}

// evalJSONata evaluates one expression with $states and the variables.
func evalJSONata(field, expr string, s *scope, rt *runtime) (any, error) {
	registerFunctions.Do(func() { _ = jsonata.RegisterExts(stepFunctionsFunctions()) })
	e, err := jsonata.Compile(expr)
	if err != nil {
		return nil, failf(ErrQueryEvaluationError, "%s: %v", field, err)
	}
	vars := s.vars.all()
	vars["states"] = s.states
	vars["uuid"] = func() string { return rt.uuid() }
	vars["random"] = func() float64 { return rt.randFloat() }
	if err := e.RegisterVars(vars); err != nil {
		return nil, failf(ErrQueryEvaluationError, "%s: %v", field, err)
	}
	var input any
	if s.states != nil {
		input = s.states["input"]
	}
	v, err := e.Eval(input)
	if errors.Is(err, jsonata.ErrUndefined) || errors.Is(err, jtypes.ErrUndefined) {
		return nil, nil
	}
	if err != nil {
		return nil, failf(ErrQueryEvaluationError, "%s: the JSONata expression '%s' failed: %v", field, expr, err)
	}
	// Normalize to plain JSON values (jsonata-go may return Go ints).
	b, err := json.Marshal(v)
	if err != nil {
		return nil, failf(ErrQueryEvaluationError, "%s: the result is not JSON: %v", field, err)
	}
	return decodeJSON(b)
}

// evalJSONataTemplate evaluates every "{% %}" string of a JSONata field
// (Arguments, Output, Assign, Items, ...), keeping other values as written.
func evalJSONataTemplate(field string, raw json.RawMessage, s *scope, rt *runtime) (any, error) {
	v, err := decodeJSON(raw)
	if err != nil {
		return nil, failf(ErrRuntime, "%s is not JSON: %v", field, err)
	}
	return evalJSONataValue(field, v, s, rt)
}

func evalJSONataValue(field string, v any, s *scope, rt *runtime) (any, error) {
	switch x := v.(type) {
	case string:
		if expr, ok := jsonataExpr(x); ok {
			return evalJSONata(field, expr, s, rt)
		}
		return x, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			val, err := evalJSONataValue(field+"."+k, e, s, rt)
			if err != nil {
				return nil, err
			}
			out[k] = val
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			val, err := evalJSONataValue(fmt.Sprintf("%s[%d]", field, i), e, s, rt)
			if err != nil {
				return nil, err
			}
			out[i] = val
		}
		return out, nil
	}
	return v, nil
}

// checkJSONata reports the expressions of a JSONata field that do not
// compile, for validation.
func checkJSONata(raw json.RawMessage) []string {
	v, err := decodeJSON(raw)
	if err != nil {
		return []string{"is not JSON: " + err.Error()}
	}
	var problems []string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case string:
			if expr, ok := jsonataExpr(x); ok {
				if _, err := jsonata.Compile(expr); err != nil {
					problems = append(problems, fmt.Sprintf("%s'%s' is not valid JSONata: %v", path, expr, err))
				}
			} else if strings.Contains(x, "{%") {
				problems = append(problems, fmt.Sprintf("%s%q mixes text with a {%% %%} expression; an expression must be the whole string", path, x))
			}
		case map[string]any:
			for k, e := range x {
				walk(path+k+": ", e)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]: ", path, i), e)
			}
		}
	}
	walk("", v)
	return problems
}
