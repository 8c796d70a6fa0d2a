package asl

import (
	"encoding/json"
	"errors"

	"github.com/ohler55/ojg/jp"
)

// inputPath applies InputPath: "$" keeps the input, null gives {}.
func inputPath(st *State, sc *scope) (any, *Failure) {
	path, ok := st.InputPath.Path()
	if !ok {
		return map[string]any{}, nil
	}
	if path == "$" {
		return sc.input, nil
	}
	v, err := sc.mustGet("InputPath", path)
	if err != nil {
		return nil, asFailure(err)
	}
	return v, nil
}

// outputPath applies OutputPath to data.
func outputPath(st *State, data any, sc *scope) (any, *Failure) {
	path, ok := st.OutputPath.Path()
	if !ok {
		return map[string]any{}, nil
	}
	if path == "$" {
		return data, nil
	}
	s := *sc
	s.input = data
	v, err := s.mustGet("OutputPath", path)
	if err != nil {
		return nil, asFailure(err)
	}
	return v, nil
}

// resultPath places result into the state's raw input by ResultPath.
func resultPath(rp optionalString, input, result any) (any, *Failure) {
	path, ok := rp.Path()
	if !ok {
		return input, nil // null: the result is discarded
	}
	out, err := setPath(input, path, result)
	if err != nil {
		return nil, asFailure(err)
	}
	return out, nil
}

// setPath returns data with value placed at the reference path ref,
// creating objects for missing fields. data is not modified.
func setPath(data any, ref string, value any) (any, error) {
	p := pathOf(ref)
	if p.splitErr != nil || p.err != nil || !p.definite {
		return nil, failf(ErrResultPathMatchFailure, "ResultPath %q is not a reference path", ref)
	}
	if len(p.steps) == 0 {
		return value, nil
	}
	return setSteps(data, p.steps, value, ref)
}

// setSteps sets value at steps, copying each object and array on the way
// (copy on write): values are never modified in place, so the input keeps
// its shape for whoever else holds it (the history, Catch's ResultPath,
// a Parallel sibling) without a deep copy of the whole document.
func setSteps(node any, steps []jp.Frag, value any, ref string) (any, error) {
	if len(steps) == 0 {
		return value, nil
	}
	switch f := steps[0].(type) {
	case jp.Child:
		obj, ok := node.(map[string]any)
		if node == nil {
			obj, ok = map[string]any{}, true
		}
		if !ok {
			return nil, failf(ErrResultPathMatchFailure, "unable to apply ResultPath %q: the input at '%s' is not an object", ref, string(f))
		}
		child, err := setSteps(obj[string(f)], steps[1:], value, ref)
		if err != nil {
			return nil, err
		}
		out := make(map[string]any, len(obj)+1)
		for k, v := range obj {
			out[k] = v
		}
		out[string(f)] = child
		return out, nil
	case jp.Nth:
		arr, i, ok := element(node, f)
		if !ok {
			return nil, failf(ErrResultPathMatchFailure, "unable to apply ResultPath %q: no element [%d] in the input", ref, int(f))
		}
		child, err := setSteps(arr[i], steps[1:], value, ref)
		if err != nil {
			return nil, err
		}
		out := append([]any(nil), arr...)
		out[i] = child
		return out, nil
	}
	return nil, failf(ErrResultPathMatchFailure, "unable to apply ResultPath %q", ref)
}

// element is the element an index step of a ResultPath names in node:
// the array and the index (counted from the end when negative), or false
// when node is not an array or has no such element.
func element(node any, f jp.Nth) (arr []any, i int, ok bool) {
	arr, ok = node.([]any)
	i = int(f)
	if i < 0 && ok {
		i += len(arr)
	}
	return arr, i, ok && i >= 0 && i < len(arr)
}

func asFailure(err error) *Failure {
	var f *Failure
	if errors.As(err, &f) {
		return f
	}
	return &Failure{Name: ErrRuntime, Cause: err.Error()}
}

// assignState is assign of the state's own Assign field, compiled once
// in a JSONPath state.
func (rt *runtime) assignState(st *State, sc *scope, f *frame) *Failure {
	plan := st.compiled()
	if st.Assign == nil || plan.assign == nil {
		return rt.assign(st, st.Assign, sc, f)
	}
	v, err := plan.assign.eval("Assign", sc, rt)
	if err != nil {
		return asFailure(err)
	}
	values, ok := v.(map[string]any)
	if !ok {
		return failf(ErrRuntime, "Assign of state %q must be an object", st.Name)
	}
	f.vars.assign(values)
	return nil
}

// assign evaluates a state's Assign field against sc and sets the
// variables in the frame's scope, all at once.
func (rt *runtime) assign(st *State, raw json.RawMessage, sc *scope, f *frame) *Failure {
	if raw == nil {
		return nil
	}
	var v any
	var err error
	if st.QueryLanguage == JSONata {
		v, err = evalJSONataTemplate("Assign", raw, sc, rt)
	} else {
		v, err = evalTemplate("Assign", raw, sc, rt)
	}
	if err != nil {
		return asFailure(err)
	}
	values, ok := v.(map[string]any)
	if !ok {
		return failf(ErrRuntime, "Assign of state %q must be an object", st.Name)
	}
	f.vars.assign(values)
	return nil
}

// jsonataOutput evaluates Output, or returns def when there is none.
// An Output that is one expression tells runState its size, measured
// against the payload limit already.
func (rt *runtime) jsonataOutput(st *State, sc *scope, f *frame, def any) (any, *Failure) {
	if st.Output == nil {
		return def, nil
	}
	v, size, err := jsonataTemplateOf(st.Output).evalSized("Output", sc, rt)
	if err != nil {
		return nil, asFailure(err)
	}
	if size >= 0 {
		f.outputLen = size
	}
	return v, nil
}
