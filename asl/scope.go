package asl

import (
	"time"

	"github.com/ohler55/ojg/jp"
)

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

// lookup reads a path of names and indexes into $$ without building
// it, when it can: its Execution and StateMachine objects are made once
// per run, and $$.State's fields are at hand. ok is false for any other
// path, and under TestState, whose context the caller may override.
func (l *lazyContext) lookup(steps []jp.Frag) (value any, found, ok bool) {
	if len(steps) == 0 || l.f.inspect != nil {
		return nil, false, false
	}
	first, _ := steps[0].(jp.Child)
	switch string(first) {
	case "Execution", "StateMachine":
		if len(steps) == 2 && first == "Execution" {
			// The execution's own names, read without building the
			// context object: most reads of $$ are $$.Execution.Id.
			switch steps[1] {
			case jp.Child("Id"):
				return l.rt.exec.Arn, true, true
			case jp.Child("Name"):
				return l.rt.exec.Name, true, true
			}
		}
		execution, machine := l.rt.contextParts()
		data := execution
		if first == "StateMachine" {
			data = machine
		}
		value, found, _ = walkReference(jp.Expr(steps[1:]), data)
		return value, found, true
	case "State":
		if len(steps) != 2 {
			return nil, false, false
		}
		switch steps[1] {
		case jp.Child("EnteredTime"):
			return l.entered.Format(time.RFC3339Nano), true, true
		case jp.Child("Name"):
			return l.st.Name, true, true
		case jp.Child("RetryCount"):
			return float64(l.retry), true, true
		}
	}
	return nil, false, false
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
// Its $states.context, like a JSONPath state's $$, is built on first use
// (see statesWithContext): most expressions read only $states.input.
func (rt *runtime) jsonataScope(st *State, input any, f *frame, entered time.Time, retry int, token string) *scope {
	sc := &struct {
		scope
		lazyContext
	}{scope{input: input, vars: f.vars, states: make(map[string]any, 4)}, lazyContext{rt: rt, st: st, f: f, entered: entered, retry: retry, token: token}}
	sc.scope.lazy = &sc.lazyContext
	sc.states["input"] = input
	return &sc.scope
}

// statesWithContext is $states with its context built.
func (s *scope) statesWithContext() map[string]any {
	if _, built := s.states["context"]; !built && s.states != nil && s.lazy != nil {
		s.states["context"] = s.contextObject()
	}
	return s.states
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
