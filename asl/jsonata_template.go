package asl

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// jsonataTemplate is a JSONata field (Arguments, Output, Assign, Items,
// a Condition, ...) compiled once: its JSON decoded, each "{% %}" string
// compiled, and each node's name in error messages made. A template is
// never modified after compilation, so executions share it.
type jsonataTemplate struct {
	root jtnode
	// err is why the field is not JSON, reported when it is evaluated.
	err error
}

// jtnodeKind says what a node of a JSONata template evaluates to.
type jtnodeKind uint8

const (
	jtLiteral jtnodeKind = iota // a value with no expression in it: itself
	jtExpr                      // a "{% %}" string: its expression's value
	jtObject                    // an object with an expression somewhere in it
	jtArray                     // an array with an expression somewhere in it
)

// jtnode is one value of a JSONata template.
type jtnode struct {
	kind    jtnodeKind
	literal any
	expr    string
	// rel is the node's name relative to the field's, as AWS names it
	// in errors: "/Input/id", "[2]".
	rel      string
	key      string // an object member's key
	children []jtnode
}

// jsonataTemplates caches compiled JSONata fields by their text.
var jsonataTemplates parsedCache[*jsonataTemplate]

// jsonataTemplateOf compiles a JSONata field, once per distinct text.
func jsonataTemplateOf(raw json.RawMessage) *jsonataTemplate {
	if t, ok := jsonataTemplates.getRaw(raw); ok {
		return t
	}
	t := &jsonataTemplate{}
	if v, err := decodeJSON(raw); err != nil {
		t.err = err
	} else {
		t.root = compileJTNode(v, "")
	}
	jsonataTemplates.put(string(raw), t)
	return t
}

func compileJTNode(v any, rel string) jtnode {
	n := jtnode{kind: jtLiteral, literal: v, rel: rel}
	switch x := v.(type) {
	case string:
		if expr, ok := jsonataExpr(x); ok {
			n.kind, n.expr, n.literal = jtExpr, expr, nil
		}
	case map[string]any:
		dynamic := false
		for _, k := range slices.Sorted(maps.Keys(x)) { // the first failing member is always the same one
			c := compileJTNode(x[k], rel+"/"+k)
			c.key = k
			dynamic = dynamic || c.kind != jtLiteral
			n.children = append(n.children, c)
		}
		if dynamic {
			n.kind, n.literal = jtObject, nil
		} else {
			n.children = nil
		}
	case []any:
		dynamic := false
		for i, e := range x {
			c := compileJTNode(e, fmt.Sprintf("%s[%d]", rel, i))
			dynamic = dynamic || c.kind != jtLiteral
			n.children = append(n.children, c)
		}
		if dynamic {
			n.kind, n.literal = jtArray, nil
		} else {
			n.children = nil
		}
	}
	return n
}

// evalJSONataTemplate evaluates every "{% %}" string of a JSONata field,
// keeping other values as written; field is its name in errors
// ("Arguments", "Catch.Output").
func evalJSONataTemplate(field string, raw json.RawMessage, s *scope, rt *runtime) (any, error) {
	return jsonataTemplateOf(raw).eval(field, s, rt)
}

// eval evaluates the template. Values without an expression are shared,
// not copied: the engine never modifies a value in place.
func (t *jsonataTemplate) eval(field string, s *scope, rt *runtime) (any, error) {
	v, _, err := t.evalSized(field, s, rt)
	return v, err
}

// evalSized is eval, with the value's encoded size when the template is
// one expression, else -1.
func (t *jsonataTemplate) evalSized(field string, s *scope, rt *runtime) (any, int, error) {
	if t.err != nil {
		return nil, -1, failf(ErrRuntime, "%s is not JSON: %v", field, t.err)
	}
	field = strings.ReplaceAll(field, ".", "/")
	if t.root.kind == jtExpr {
		// One expression: its size, or a bound on it when one is known
		// without measuring (runState measures a bound past the limit).
		v, bound, err := evalJSONataBounded(field, t.root.rel, t.root.expr, s, rt)
		if err != nil || bound >= 0 && bound <= MaxPayloadBytes {
			return v, bound, err
		}
		left := MaxPayloadBytes
		if err := t.root.spend(field, v, &left); err != nil {
			return nil, -1, err
		}
		return v, MaxPayloadBytes - left, nil
	}
	left := MaxPayloadBytes
	v, err := t.root.eval(field, s, rt, &left)
	return v, -1, err
}

// eval evaluates a node; left is how many bytes its expressions' results
// may still add (see spend).
func (n *jtnode) eval(field string, s *scope, rt *runtime, left *int) (any, error) {
	switch n.kind {
	case jtExpr:
		v, err := evalJSONata(field, n.rel, n.expr, s, rt)
		if err != nil {
			return nil, err
		}
		return v, n.spend(field, v, left)
	case jtObject:
		out := make(map[string]any, len(n.children))
		for i := range n.children {
			c := &n.children[i]
			v, err := c.eval(field, s, rt, left)
			if err != nil {
				return nil, err
			}
			out[c.key] = v
		}
		return out, nil
	case jtArray:
		out := make([]any, len(n.children))
		for i := range n.children {
			v, err := n.children[i].eval(field, s, rt, left)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
	return n.literal, nil
}

// spend takes the size of v, an expression's result, from left (see
// spend): a single result past the limit is named by its expression.
func (n *jtnode) spend(field string, v any, left *int) error {
	size := jsonLenUpTo(v, *left)
	if size > MaxPayloadBytes {
		return failf(ErrDataLimitExceeded, "%s%s: the result of '%s' is larger than Step Functions' payload limit of %d bytes", field, n.rel, n.expr, MaxPayloadBytes)
	}
	if *left -= size; *left < 0 {
		return limitExceeded(field + n.rel)
	}
	return nil
}

// readStatesPath reads a $states path of names through objects, as
// JSONata's path would: it reports false where JSONata would do more than
// look a name up (an array on the way, which it maps over) or give
// something other than the value (null, or nothing), and gnata then
// evaluates the expression.
func (s *scope) readStatesPath(names []string) (any, bool) {
	if s.states == nil {
		return nil, false
	}
	var v any = s.states
	if names[0] == "context" {
		v = s.statesWithContext()
	}
	for _, name := range names {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v = m[name]; v == nil {
			return nil, false
		}
	}
	return v, true
}
