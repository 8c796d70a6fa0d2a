package asl

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"time"
)

// frame is where a state runs: the variables of its machine, the Map item it
// works on (if any), and the id of the last event on its thread.
type frame struct {
	vars *variables
	item *mapItem
	last *int64
	// inputLen is the encoded size of the next state's input when known
	// (it is the previous state's output, already measured), else -1.
	inputLen int
	// stateInputLen is the running state's input size; outputLen its
	// output's, when the state could tell it from what it changed (see
	// resultLen), else -1.
	stateInputLen, outputLen int
	// clockCtx is clockParent with the clock; see clockContext.
	clockParent, clockCtx context.Context
	// inspect, set only by TestState, records the state's data flow.
	inspect *inspection
}

// mapItem is $$.Map.Item.
type mapItem struct {
	Index int
	Value any
}

func (rt *runtime) event(f *frame, e Event, payloads ...payload) {
	*f.last = rt.hist.add(*f.last, e, payloads...)
}

// runMachine runs a state machine (or branch, or iteration) to its end.
func (rt *runtime) runMachine(ctx context.Context, sm *StateMachine, input any, vars *variables, item *mapItem, last *int64) (any, *Failure) {
	return rt.runFrom(ctx, sm, sm.StartAt, input, vars, item, last)
}

// runFrom runs a state machine from the state name (a redrive resumes
// there) to its end; at the top level it notes where it stopped.
func (rt *runtime) runFrom(ctx context.Context, sm *StateMachine, name string, input any, vars *variables, item *mapItem, last *int64) (any, *Failure) {
	if vars == nil {
		vars = &variables{}
	}
	f := &frame{vars: vars, item: item, last: last, inputLen: -1}
	for steps := 0; ; steps++ {
		if err := ctx.Err(); err != nil {
			rt.noteResume(f, name, input)
			return nil, cancelled(ctx)
		}
		if n := rt.hist.len(); n >= MaxHistoryEvents {
			return nil, failf(ErrRuntime, "the execution history reached %d events, Step Functions' limit for one execution", n)
		}
		st := sm.States[name]
		out, next, fail := rt.runState(ctx, st, input, f)
		if fail != nil {
			rt.noteResume(f, name, input)
			return nil, fail
		}
		if next == "" {
			return out, nil
		}
		input, name = out, next
	}
}

// recoverRuntime, deferred on the goroutines that run an execution's work
// (its machine, a Parallel branch, a Map iteration), turns a panic there,
// from the engine or from a Resolver, ItemSource or ResultSink it calls,
// into the failure States.Runtime: one execution fails, the process and
// the other executions in it go on. (A task handler's panic fails its task
// with States.TaskFailed, see invoke.)
func recoverRuntime(fail **Failure) {
	if r := recover(); r != nil {
		*fail = failf(ErrRuntime, "the engine panicked: %v", r)
	}
}

// runGuarded is runMachine under recoverRuntime.
func (rt *runtime) runGuarded(ctx context.Context, sm *StateMachine, input any, last *int64) (out any, fail *Failure) {
	defer recoverRuntime(&fail)
	return rt.runMachine(ctx, sm, input, nil, nil, last)
}

// workGuarded is one unit of a fanOut under recoverRuntime.
func workGuarded(ctx context.Context, i int, work func(ctx context.Context, i int) *Failure) (fail *Failure) {
	defer recoverRuntime(&fail)
	return work(ctx, i)
}

// cancelled is the failure of work stopped by its context.
func cancelled(ctx context.Context) *Failure {
	cause := context.Cause(ctx)
	switch {
	case errors.Is(cause, errExecutionTimeout):
		return &Failure{Name: ErrTimeout, Cause: cause.Error()}
	case cause != nil:
		return &Failure{Name: "States.Aborted", Cause: cause.Error()}
	}
	return &Failure{Name: "States.Aborted", Cause: ctx.Err().Error()}
}

// contextObject builds $$ for a state. Its Execution and StateMachine
// objects are the same for every state of a run, and made once.
func (rt *runtime) contextObject(st *State, f *frame, entered time.Time, retryCount int, token string) map[string]any {
	execution, machine := rt.contextParts()
	c := make(map[string]any, 5)
	c["Execution"] = execution
	c["State"] = map[string]any{"EnteredTime": entered.Format(time.RFC3339Nano), "Name": st.Name, "RetryCount": float64(retryCount)}
	c["StateMachine"] = machine
	if token != "" {
		c["Task"] = map[string]any{"Token": token}
	}
	if f.item != nil {
		c["Map"] = map[string]any{"Item": map[string]any{"Index": float64(f.item.Index), "Value": f.item.Value}}
	}
	f.inspect.overlayContext(c)
	return c
}

// contextParts are $$.Execution, made again only after a redrive (which
// changes its RedriveCount), and $$.StateMachine.
func (rt *runtime) contextParts() (execution, machine map[string]any) {
	x := rt.exec
	redrives := x.RedriveCount()
	rt.ctxMu.Lock()
	defer rt.ctxMu.Unlock()
	if rt.ctxExecution == nil || rt.ctxRedrives != redrives {
		rt.ctxExecution = map[string]any{
			"Id": x.Arn, "Input": x.Input, "Name": x.Name, "RoleArn": rt.engine.opts.RoleArn,
			"StartTime": x.StartTime.Format(time.RFC3339Nano), "RedriveCount": float64(redrives),
		}
		rt.ctxRedrives = redrives
		rt.ctxMachine = map[string]any{"Id": rt.engine.opts.StateMachineArn, "Name": lastSegment(rt.engine.opts.StateMachineArn)}
	}
	return rt.ctxExecution, rt.ctxMachine
}

// runState runs one state and returns its output and the next state ("" at
// the end).
func (rt *runtime) runState(ctx context.Context, st *State, input any, f *frame) (output any, next string, fail *Failure) {
	entered := rt.clock.Now()
	enteredDetails := &StateEnteredDetails{Name: st.Name}
	plan := st.compiled()
	rt.event(f, Event{Type: plan.enteredType, StateEnteredEventDetails: enteredDetails}, render(&enteredDetails.Input, input))
	n := f.inputLen
	f.inputLen = -1
	if n < 0 {
		n = payloadLen(input)
	}
	if n > MaxPayloadBytes {
		return nil, "", failf(ErrDataLimitExceeded, "the input of state %q is %d bytes; at most %d are allowed", st.Name, n, MaxPayloadBytes)
	}
	f.stateInputLen, f.outputLen = n, -1
	next = st.Next
	switch st.Type {
	case TypePass:
		output, fail = rt.pass(st, input, f, entered)
	case TypeChoice:
		output, next, fail = rt.choice(st, input, f, entered)
	case TypeWait:
		output, fail = rt.wait(ctx, st, input, f, entered)
	case TypeSucceed:
		output, fail = rt.succeed(st, input, f, entered)
		next = ""
	case TypeFail:
		return nil, "", rt.fail(st, input, f, entered)
	case TypeTask, TypeParallel, TypeMap:
		output, next, fail = rt.withRetryAndCatch(ctx, st, input, f, entered)
	default:
		fail = failf(ErrRuntime, "state %q has the unknown type %q", st.Name, st.Type)
	}
	if fail != nil {
		return nil, "", fail
	}
	switch {
	case sameValue(output, input): // the input's size, measured above
	case f.outputLen >= 0:
		n = f.outputLen
	default:
		n = payloadLen(output)
	}
	if n > MaxPayloadBytes {
		return nil, "", failf(ErrDataLimitExceeded, "the output of state %q is %d bytes; at most %d are allowed", st.Name, n, MaxPayloadBytes)
	}
	f.inputLen = n // the next state's input is this output
	exitedDetails := &StateExitedDetails{Name: st.Name}
	rt.event(f, Event{Type: plan.exitedType, StateExitedEventDetails: exitedDetails}, render(&exitedDetails.Output, output))
	return output, next, nil
}

// jsonPathScope is the scope of a JSONPath state's evaluation over data.
func (rt *runtime) jsonPathScope(st *State, data any, f *frame, entered time.Time, retry int, token string) *scope {
	sc := &struct {
		scope
		lazyContext
	}{scope{input: data, vars: f.vars}, lazyContext{rt: rt, st: st, f: f, entered: entered, retry: retry, token: token}}
	sc.scope.lazy = &sc.lazyContext // one allocation for both
	return &sc.scope
}

// jsonataScope is the scope of a JSONata state's evaluation.
func (rt *runtime) jsonataScope(st *State, input any, f *frame, entered time.Time, retry int, token string) *scope {
	ctxObj := rt.contextObject(st, f, entered, retry, token)
	return &scope{input: input, context: ctxObj, vars: f.vars, states: map[string]any{"input": input, "context": ctxObj}}
}

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
	sc.env = nil // the variables changed
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
	sc.env = nil // the variables changed
	return nil
}

// jsonataOutput evaluates Output, or returns def when there is none.
func (rt *runtime) jsonataOutput(st *State, sc *scope, def any) (any, *Failure) {
	if st.Output == nil {
		return def, nil
	}
	v, err := evalJSONataTemplate("Output", st.Output, sc, rt)
	if err != nil {
		return nil, asFailure(err)
	}
	return v, nil
}

func (rt *runtime) pass(st *State, input any, f *frame, entered time.Time) (any, *Failure) {
	if st.QueryLanguage == JSONata {
		sc := rt.jsonataScope(st, input, f, entered, 0, "")
		out, fail := rt.jsonataOutput(st, sc, input)
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

func (rt *runtime) succeed(st *State, input any, f *frame, entered time.Time) (any, *Failure) {
	if st.QueryLanguage == JSONata {
		return rt.jsonataOutput(st, rt.jsonataScope(st, input, f, entered, 0, ""), input)
	}
	sc := rt.jsonPathScope(st, input, f, entered, 0, "")
	effective, fail := inputPath(st, sc)
	if fail != nil {
		return nil, fail
	}
	f.inspect.record(inspectAfterInputPath, effective)
	return outputPath(st, effective, sc)
}

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
		return rt.jsonataOutput(st, sc, input)
	}
	return outputPath(st, effective, sc)
}

// choiceRule is a rule of a Choice state, decoded generically.
type choiceRule map[string]any

func (rt *runtime) choice(st *State, input any, f *frame, entered time.Time) (any, string, *Failure) {
	var sc *scope
	effective := input
	if st.QueryLanguage == JSONata {
		sc = rt.jsonataScope(st, input, f, entered, 0, "")
	} else {
		sc = rt.jsonPathScope(st, input, f, entered, 0, "")
		var fail *Failure
		if effective, fail = inputPath(st, sc); fail != nil {
			return nil, "", fail
		}
		f.inspect.record(inspectAfterInputPath, effective)
		sc.input = effective
	}
	next := ""
	var ruleAssign json.RawMessage
	choices := st.compiled().choices
	for i, raw := range st.Choices {
		var c choice
		ok := true
		if choices != nil {
			c = choices[i]
		} else if c, ok = choiceOf(raw); !ok {
			return nil, "", failf(ErrRuntime, "Choices[%d] of state %q is not an object", i, st.Name)
		}
		matched, err := rt.evalRule(st, c.rule, sc)
		if err != nil {
			return nil, "", asFailure(err)
		}
		if matched {
			next, ruleAssign = c.next, c.assign
			break
		}
	}
	if next == "" {
		next = st.Default
	}
	if next == "" {
		return nil, "", failf(ErrNoChoiceMatched, "no Choice rule of state %q matched, and it has no Default", st.Name)
	}
	if fail := rt.assignState(st, sc, f); fail != nil {
		return nil, "", fail
	}
	if fail := rt.assign(st, ruleAssign, sc, f); fail != nil {
		return nil, "", fail
	}
	if st.QueryLanguage == JSONata {
		out, fail := rt.jsonataOutput(st, sc, input)
		return out, next, fail
	}
	out, fail := outputPath(st, effective, sc)
	return out, next, fail
}
