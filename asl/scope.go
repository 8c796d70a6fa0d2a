package asl

import "time"

// scope is what paths and expressions are evaluated against.
type scope struct {
	input   any            // $
	context any            // $$; built on first use when lazy is set
	vars    *variables     // $name
	states  map[string]any // $states, for JSONata

	// lazy is where $$ comes from when it is first read: most states
	// never read it. A copy of the scope builds its own.
	lazy *lazyContext

	// jsonStates is states with JSONata's nulls (see jsonataStates).
	jsonStates map[string]any
}

// lazyContext is what a state's $$ is made from.
type lazyContext struct {
	rt      *runtime
	st      *State
	f       *frame
	entered time.Time
	retry   int
	token   string
}

// contextObject is $$, built on first use.
func (s *scope) contextObject() any {
	if l := s.lazy; l != nil && s.context == nil {
		s.context = l.rt.contextObject(l.st, l.f, l.entered, l.retry, l.token)
	}
	return s.context
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
