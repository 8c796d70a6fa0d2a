package asl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	// gnata implements JSONata 2.x, the dialect Step Functions runs, and is
	// the one Go implementation we found that bounds an evaluation by
	// itself: a lambda call deeper than 100 (U1001) or a tail-call loop
	// past a million iterations fails instead of growing the goroutine
	// stack until the process dies (jsonata-go, JSONata 1.x, has neither
	// bound nor hooks for one, and a stack overflow is fatal in Go, so it
	// cannot be recovered, only prevented); it checks a context at every
	// function call and every 10,000 range items, which gives the
	// deadline; and it recovers its own panics. Its range operator stops
	// at 10^7 items, JSONata's own limit; checkJSONataSource adds
	// MaxJSONataRange for ranges written with literal bounds.
	"github.com/recolabs/gnata"
)

// JSONataTimeout is how long one JSONata expression may run. It is a
// backstop for work no deterministic bound catches (a large range built
// from data, a large $map); Step Functions documents no such limit.
const JSONataTimeout = 10 * time.Second

// errJSONataTimeout is the cause of an evaluation stopped by JSONataTimeout.
var errJSONataTimeout = fmt.Errorf("the expression ran longer than %v", JSONataTimeout)

// jsonataExpr extracts the expression of a "{% ... %}" string.
func jsonataExpr(s string) (string, bool) {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "{%") && strings.HasSuffix(t, "%}") && len(t) >= 4 {
		return strings.TrimSpace(t[2 : len(t)-2]), true
	}
	return "", false
}

// compiledJSONata is a compiled expression, or why it does not compile.
type compiledJSONata struct {
	expr *gnata.Expression
	err  error
	// names are the variables the expression names, which are all that
	// an evaluation binds (see jsonataVars).
	names []string
	// direct is the expression in the shape the engine evaluates without
	// gnata (see directExpr), else nil.
	direct *directExpr
}

var jsonataExprs parsedCache[*compiledJSONata]

// compileJSONata checks an expression's bounds and compiles it, once per
// distinct expression.
func compileJSONata(expr string) (*compiledJSONata, error) {
	if c, ok := jsonataExprs.get(expr); ok {
		return c, c.err
	}
	c := &compiledJSONata{names: jsonataNames(expr), direct: parseDirect(expr)}
	if c.err = checkJSONataSource(expr); c.err == nil {
		c.expr, c.err = gnata.Compile(expr)
	}
	jsonataExprs.put(expr, c)
	return c, c.err
}

// builtinFunction is the type gnata gives a function bound in its
// environment. gnata binds custom functions only in an environment made
// for them, where variables cannot be added, so the engine passes its
// functions as variables of this type: the per-execution ones ($uuid,
// $random) need the execution's seeded randomness.
var builtinFunction = func() reflect.Type {
	env := gnata.NewCustomEnv(map[string]gnata.CustomFunc{"f": func([]any, any) (any, error) { return nil, nil }})
	f, _ := env.Lookup("f")
	return reflect.TypeOf(f)
}()

// jsonataFunc makes a function callable from an expression; its arguments
// arrive as plain JSON values.
func jsonataFunc(f func(args []any) (any, error)) any {
	return reflect.ValueOf(func(args []any, _ any) (any, error) {
		for i, a := range args {
			args[i] = gnata.NormalizeValue(a)
		}
		return f(args)
	}).Convert(builtinFunction).Interface()
}

// evalJSONata evaluates one expression with $states and the variables.
// field and rel name where the expression is written, as AWS names it in
// its errors: "Output", "Arguments" and "/Input/id", "Items" and "[2]".
// An expression in directExpr's shape is evaluated without gnata.
func evalJSONata(field, rel, expr string, s *scope, rt *runtime) (any, error) {
	v, _, err := evalJSONataBounded(field, rel, expr, s, rt)
	return v, err
}

// evalJSONataBounded is evalJSONata and, for an expression evaluated
// directly, an upper bound on its result's encoded size known without
// measuring it (see directExpr.bound), else -1.
func evalJSONataBounded(field, rel, expr string, s *scope, rt *runtime) (any, int, error) {
	c, err := compileJSONata(expr)
	if err != nil {
		return nil, -1, failf(ErrQueryEvaluationError, "The JSONata expression '%s' specified for the field '%s' is not valid: %v", expr, field+rel, err)
	}
	if c.direct != nil {
		if v, ok := c.direct.eval(s); ok {
			return v, c.direct.bound(s), nil
		}
	}
	v, err := evalGnata(c, field, rel, expr, s, rt)
	return v, -1, err
}

// evalGnata evaluates a compiled expression with gnata.
func evalGnata(c *compiledJSONata, field, rel, expr string, s *scope, rt *runtime) (any, error) {
	v, err := c.expr.EvalWithVars(newJSONataDeadline(), s.jsonataInput(), s.jsonataVars(rt, c.names))
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = errJSONataTimeout
		}
		return nil, failf(ErrQueryEvaluationError, "The JSONata expression '%s' specified for the field '%s' threw an error: %v", expr, field+rel, err)
	}
	if v == nil {
		// "JSON cannot represent an undefined value": the developer
		// guide's "Failure to return a result", with AWS's wording.
		return nil, failf(ErrQueryEvaluationError, "The JSONata expression '%s' specified for the field '%s' returned nothing (undefined).", expr, field+rel)
	}
	// Normalize to plain JSON values: numbers as float64, objects as maps.
	// A value already made of JSON's types is kept as it is (parts of it
	// may be the state's data: neither gnata nor the engine modifies a
	// value in place); anything else (an invalid UTF-8 string, which
	// encoding/json repairs) takes the round trip through encoding/json.
	norm := gnata.NormalizeValue(v)
	if plainUTF8(norm) {
		return norm, nil // its size is measured by the caller
	}
	b, err := json.Marshal(norm)
	if err != nil {
		return nil, failf(ErrQueryEvaluationError, "The JSONata expression '%s' specified for the field '%s' returned a value JSON cannot hold (such as a function): %v", expr, field+rel, err)
	}
	if len(b) > MaxPayloadBytes {
		return nil, failf(ErrDataLimitExceeded, "%s: the result of '%s' is %d bytes, more than Step Functions' payload limit of %d", field+rel, expr, len(b), MaxPayloadBytes)
	}
	return decodeJSON(b)
}

// plainUTF8 is plainJSON with every string and key valid UTF-8, as
// decoding JSON gives it.
func plainUTF8(v any) bool {
	switch x := v.(type) {
	case string:
		return utf8.ValidString(x)
	case map[string]any:
		for k, e := range x {
			if !utf8.ValidString(k) || !plainUTF8(e) {
				return false
			}
		}
		return true
	case []any:
		for _, e := range x {
			if !plainUTF8(e) {
				return false
			}
		}
		return true
	}
	return plainJSON(v)
}

// jsonataDeadline is the context of one evaluation: gnata only asks it
// for Err, at every function call, so a deadline needs no timer, and the
// time is read at every 1024th call only. gnata evaluates on the calling
// goroutine, so calls is a plain counter: an atomic one is a
// synchronization point for the race detector, which made deep
// recursion (TestJSONataRecursionIsBounded) half as slow again.
type jsonataDeadline struct {
	at    time.Time
	calls uint32
}

func newJSONataDeadline() *jsonataDeadline {
	return &jsonataDeadline{at: time.Now().Add(JSONataTimeout)}
}

func (*jsonataDeadline) Deadline() (time.Time, bool) { return time.Time{}, false }
func (*jsonataDeadline) Done() <-chan struct{}       { return nil }
func (*jsonataDeadline) Value(any) any               { return nil }

func (d *jsonataDeadline) Err() error {
	if d.calls++; d.calls%1024 == 0 && time.Now().After(d.at) {
		return context.DeadlineExceeded
	}
	return nil
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
				var tooLong *jsonataRangeError
				if _, err := compileJSONata(expr); err != nil && !errors.As(err, &tooLong) {
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
