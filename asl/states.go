package asl

import (
	"context"
	"encoding/json"
	"math"
	"time"
)

// pass runs a Pass state: its Result or Parameters, placed by ResultPath
// (JSONPath), or its Output (JSONata).
func (rt *runtime) pass(st *State, input any, f *frame, entered time.Time) (any, *Failure) {
	if st.QueryLanguage == JSONata {
		sc := rt.jsonataScope(st, input, f, entered, 0, "")
		out, fail := rt.jsonataOutput(st, sc, f, input)
		if fail != nil {
			return nil, fail
		}
		return out, rt.assignState(st, sc, f)
	}
	sc := rt.jsonPathScope(st, input, f, entered, 0, "")
	effective, fail := inputPath(st, sc)
	if fail != nil {
		return nil, fail
	}
	result := effective
	switch {
	case st.Result != nil:
		plan := st.compiled()
		if !plan.hasResult {
			return nil, failf(ErrRuntime, "Result of state %q is not JSON", st.Name)
		}
		result = plan.result
	case st.Parameters != nil:
		sc.input = effective
		v, err := st.compiled().parameters.eval("Parameters", sc, rt)
		if err != nil {
			return nil, asFailure(err)
		}
		result = v
	}
	sc.input = result
	if fail := rt.assignState(st, sc, f); fail != nil {
		return nil, fail
	}
	out, fail := resultPath(st.ResultPath, input, result)
	if fail != nil {
		return nil, fail
	}
	f.noteOutputLen(st, input, result)
	f.inspect.pass(st, effective, result, out)
	sc.input = input
	return outputPath(st, out, sc)
}

// succeed runs a Succeed state, which passes its input on.
func (rt *runtime) succeed(st *State, input any, f *frame, entered time.Time) (any, *Failure) {
	if st.QueryLanguage == JSONata {
		return rt.jsonataOutput(st, rt.jsonataScope(st, input, f, entered, 0, ""), f, input)
	}
	sc := rt.jsonPathScope(st, input, f, entered, 0, "")
	effective, fail := inputPath(st, sc)
	if fail != nil {
		return nil, fail
	}
	f.inspect.record(inspectAfterInputPath, effective)
	return outputPath(st, effective, sc)
}

// fail runs a Fail state: the failure its Error and Cause (or their
// *Path forms) name.
func (rt *runtime) fail(st *State, input any, f *frame, entered time.Time) *Failure {
	out := &Failure{}
	field := func(name string, raw json.RawMessage, path string, into *string) *Failure {
		switch {
		case raw != nil && st.QueryLanguage == JSONata:
			v, err := evalJSONataTemplate(name, raw, rt.jsonataScope(st, input, f, entered, 0, ""), rt)
			if err != nil {
				return asFailure(err)
			}
			*into = formatValue(v)
		case raw != nil:
			if err := json.Unmarshal(raw, into); err != nil {
				return failf(ErrRuntime, "%s of state %q must be a string", name, st.Name)
			}
		case path != "":
			v, err := evalExpression(name+"Path", path, rt.jsonPathScope(st, input, f, entered, 0, ""), rt)
			if err != nil {
				return asFailure(err)
			}
			s, ok := v.(string)
			if !ok {
				return failf(ErrRuntime, "%sPath of state %q must give a string, not %s", name, st.Name, toJSON(v))
			}
			*into = s
		}
		return nil
	}
	if f := field("Error", st.Error, st.ErrorPath, &out.Name); f != nil {
		return f
	}
	if f := field("Cause", st.Cause, st.CausePath, &out.Cause); f != nil {
		return f
	}
	return out
}

// wait runs a Wait state on the engine's clock.
func (rt *runtime) wait(ctx context.Context, st *State, input any, f *frame, entered time.Time) (any, *Failure) {
	var (
		seconds   any
		timestamp any
		effective = input
		sc        *scope
	)
	if st.QueryLanguage == JSONata {
		sc = rt.jsonataScope(st, input, f, entered, 0, "")
		for _, fl := range []struct {
			raw  json.RawMessage
			into *any
			name string
		}{{st.Seconds, &seconds, "Seconds"}, {st.Timestamp, &timestamp, "Timestamp"}} {
			if fl.raw != nil {
				v, err := evalJSONataTemplate(fl.name, fl.raw, sc, rt)
				if err != nil {
					return nil, asFailure(err)
				}
				*fl.into = v
			}
		}
	} else {
		sc = rt.jsonPathScope(st, input, f, entered, 0, "")
		var fail *Failure
		if effective, fail = inputPath(st, sc); fail != nil {
			return nil, fail
		}
		f.inspect.record(inspectAfterInputPath, effective)
		sc.input = effective
		var err error
		switch {
		case st.Seconds != nil:
			seconds, err = decodeJSON(st.Seconds)
		case st.Timestamp != nil:
			timestamp, err = decodeJSON(st.Timestamp)
		case st.SecondsPath != "":
			seconds, err = sc.mustGet("SecondsPath", st.SecondsPath)
		case st.TimestampPath != "":
			timestamp, err = sc.mustGet("TimestampPath", st.TimestampPath)
		}
		if err != nil {
			return nil, asFailure(err)
		}
	}
	var d time.Duration
	switch {
	case seconds != nil:
		n, ok := seconds.(float64)
		if !ok || n < 0 || n != math.Trunc(n) || n > 99999999 {
			return nil, failf(ErrRuntime, "the Wait state %q needs a whole, non-negative number of seconds, not %s", st.Name, toJSON(seconds))
		}
		d = time.Duration(n) * time.Second
	case timestamp != nil:
		s, _ := timestamp.(string)
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return nil, failf(ErrRuntime, "the Wait state %q needs an ISO 8601 timestamp, not %s", st.Name, toJSON(timestamp))
		}
		d = t.Sub(rt.clock.Now())
	}
	if err := rt.clock.Sleep(ctx, d); err != nil {
		return nil, cancelled(ctx)
	}
	if st.QueryLanguage == JSONata {
		return rt.jsonataOutput(st, sc, f, input)
	}
	return outputPath(st, effective, sc)
}
