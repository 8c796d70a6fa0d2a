package asl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// template is a JSONPath payload template (Parameters, ResultSelector,
// ItemSelector, BatchInput, Assign) compiled once: its JSON decoded, its
// paths parsed and its intrinsic calls parsed, so that evaluating it at
// every state an execution enters only looks values up. A template is
// never modified after compilation, so executions share it.
type template struct {
	root tnode
	// inputPaths counts the nodes that read a name-and-index path from
	// the input (fromInput).
	inputPaths int
	// random is a template that calls States.UUID or States.MathRandom:
	// evaluating it draws from the execution's seeded randomness, so it
	// is evaluated once, measuring everything (see eval).
	random bool
	// err is why raw is not JSON, reported when the template is evaluated.
	err error
}

// tnodeKind says what a template node evaluates to.
type tnodeKind uint8

const (
	tLiteral   tnodeKind = iota // a value with no ".$" key in it: itself
	tPath                       // a ".$" key's path
	tIntrinsic                  // a ".$" key's intrinsic call
	tBadValue                   // a ".$" key whose value is not a string
	tObject                     // an object with a ".$" key somewhere in it
	tArray                      // an array with a ".$" key somewhere in it
)

// tnode is one value of a template.
type tnode struct {
	kind tnodeKind
	// key is the output key of an object's field (".$" stripped); rel is
	// the field's name relative to the template's, as error messages
	// give it (".items[2].id.$").
	key, rel string
	literal  any
	path     *compiledPath
	call     *intrinsic
	callErr  error
	// parent is the relative name of the object holding a ".$" key,
	// which the payload limit's message names.
	parent   string
	children []tnode
	// fromInput is a path of names and indexes into the input, whose
	// value is a part of it (see template.eval).
	fromInput bool
}

// templates caches compiled templates by their JSON text, for callers
// without a compiled state (a Map's ItemReader, a ResultWriter).
var templates parsedCache[*template]

// templateOf compiles a template, once per distinct text.
func templateOf(raw json.RawMessage) *template {
	if t, ok := templates.getRaw(raw); ok {
		return t
	}
	t := compileTemplate(raw)
	templates.put(string(raw), t)
	return t
}

// compileTemplate decodes and compiles a template.
func compileTemplate(raw json.RawMessage) *template {
	v, err := decodeJSON(raw)
	if err != nil {
		return &template{err: err}
	}
	t := &template{root: compileTNode(v, "", "", "")}
	t.inputPaths = countInputPaths(&t.root)
	t.random = bytes.Contains(raw, []byte("States.UUID")) || bytes.Contains(raw, []byte("States.MathRandom"))
	return t
}

func countInputPaths(n *tnode) int {
	c := 0
	if n.fromInput {
		c++
	}
	for i := range n.children {
		c += countInputPaths(&n.children[i])
	}
	return c
}

func compileTNode(v any, key, rel, parent string) tnode {
	n := tnode{kind: tLiteral, key: key, rel: rel, literal: v, parent: parent}
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys) // the first failing field is always the same one
		children := make([]tnode, 0, len(keys))
		dynamic := false
		for _, k := range keys {
			e := x[k]
			name, ok := strings.CutSuffix(k, ".$")
			if !ok {
				c := compileTNode(e, k, rel+"."+k, rel)
				dynamic = dynamic || c.kind != tLiteral
				children = append(children, c)
				continue
			}
			dynamic = true
			c := tnode{key: name, rel: rel + "." + k, parent: rel}
			expr, isString := e.(string)
			switch {
			case !isString:
				c.kind = tBadValue
			case isIntrinsic(expr):
				c.kind = tIntrinsic
				c.call, c.callErr = parseIntrinsic(expr)
			default:
				c.kind, c.path = tPath, pathOf(expr)
				c.fromInput = c.path.root == rootInput && c.path.walk && c.path.splitErr == nil && c.path.err == nil
			}
			children = append(children, c)
		}
		if dynamic {
			n.kind, n.children, n.literal = tObject, children, nil
		}
	case []any:
		children := make([]tnode, len(x))
		dynamic := false
		for i, e := range x {
			children[i] = compileTNode(e, "", fmt.Sprintf("%s[%d]", rel, i), rel)
			dynamic = dynamic || children[i].kind != tLiteral
		}
		if dynamic {
			n.kind, n.children, n.literal = tArray, children, nil
		}
	}
	return n
}

// evalTemplate evaluates a JSONPath payload template (Parameters,
// ResultSelector, ItemSelector, BatchInput): a key ending in ".$" takes the
// value of its path or intrinsic function, under the key without ".$".
func evalTemplate(field string, raw json.RawMessage, s *scope, rt *runtime) (any, error) {
	return templateOf(raw).eval(field, s, rt)
}

// eval evaluates the template; field is its name in error messages.
// Values without a ".$" key are shared, not copied: the engine never
// modifies a value in place.
func (t *template) eval(field string, s *scope, rt *runtime) (any, error) {
	if t.err != nil {
		return nil, failf(ErrRuntime, "%s is not JSON: %v", field, t.err)
	}
	left := MaxPayloadBytes
	if t.inputPaths > 0 && !t.random && s.lazy != nil {
		// Each value a fromInput path reads is a part of the state's
		// input, no larger than it: when the input's size is known and
		// as many copies of it fit, their room is set aside instead of
		// measuring each value. Should the rest not fit in what is left,
		// the template is evaluated again measuring everything, so the
		// reservation never fails a template that fits; evaluating twice
		// is unseen, since the template draws no randomness.
		f := s.lazy.f
		if n := f.stateInputLen; n > 0 && t.inputPaths*n <= MaxPayloadBytes && sameValue(s.input, f.stateInput) {
			reserved := left - t.inputPaths*n
			v, err := t.root.eval(field, s, rt, &reserved, true)
			if err == nil || reserved >= 0 {
				return v, err
			}
		}
	}
	return t.root.eval(field, s, rt, &left, false)
}

// eval evaluates a node; left is how many bytes the values it takes from
// paths and intrinsics may still add.
// With reserved, fromInput paths spend nothing: their room was set aside.
func (n *tnode) eval(field string, s *scope, rt *runtime, left *int, reserved bool) (any, error) {
	switch n.kind {
	case tObject:
		out := make(map[string]any, len(n.children))
		for i := range n.children {
			c := &n.children[i]
			v, err := c.eval(field, s, rt, left, reserved)
			if err != nil {
				return nil, err
			}
			out[c.key] = v
		}
		return out, nil
	case tArray:
		out := make([]any, len(n.children))
		for i := range n.children {
			v, err := n.children[i].eval(field, s, rt, left, reserved)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case tBadValue:
		return nil, failf(ErrRuntime, "%s%s must be a path or an intrinsic function", field, n.rel)
	case tIntrinsic, tPath:
		var v any
		var err error
		if n.kind == tIntrinsic {
			if n.callErr != nil {
				return nil, failf(ErrIntrinsicFailure, "%s%s: %v", field, n.rel, n.callErr)
			}
			v, err = n.call.eval(s, rt)
		} else {
			// No copy: values are never modified in place (see setSteps).
			v, err = s.mustGetPath(n.path, field, n.rel)
		}
		if err != nil {
			return nil, err
		}
		if !(reserved && n.fromInput) && spend(left, v) {
			return nil, limitExceeded(field + n.parent)
		}
		return v, nil
	}
	return n.literal, nil
}

// spend takes v's encoded size from left: a field fails with
// States.DataLimitExceeded once a field's values pass MaxPayloadBytes: Step
// Functions raises it "when, after Parameters processing, the input of a
// state is larger than the payload size quota"
// (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
// Measuring stops at the limit, so a template that repeats a large value
// many times costs no more than one payload.
// It reports whether the limit is passed.
func spend(left *int, v any) bool {
	*left -= jsonLenUpTo(v, *left)
	return *left < 0
}

// limitExceeded is the failure of a field whose values passed
// MaxPayloadBytes.
func limitExceeded(field string) error {
	return failf(ErrDataLimitExceeded, "%s is larger than %d bytes, Step Functions' payload limit", field, MaxPayloadBytes)
}
