package asl

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Codes of RedriveExecution's errors.
const (
	CodeExecutionNotRedrivable = "ExecutionNotRedrivable"
)

// MaxRedrives is how often one execution may be redriven, as in Step
// Functions.
const MaxRedrives = 1000

// RedriveDetails are an ExecutionRedriven event's details.
type RedriveDetails struct {
	RedriveCount int `json:"redriveCount"`
}

// MapRunRedrivenDetails are a MapRunRedriven event's details.
type MapRunRedrivenDetails struct {
	MapRunArn    string `json:"mapRunArn"`
	RedriveCount int    `json:"redriveCount"`
}

// redriveState is what an execution keeps so a redrive can continue it:
// where its top-level machine stopped, and what the state that failed
// there had already done (the branches, iterations and child executions
// that succeeded).
type redriveState struct {
	mu       sync.Mutex
	resume   *resumePoint
	current  map[string]*stateMemo // this attempt's top-level Parallel and Map states
	previous map[string]*stateMemo // what the redrive may reuse
	count    int
	date     time.Time
}

// resumePoint is the top-level state an execution stopped in, with its input.
type resumePoint struct {
	state string
	input any
	vars  *variables
}

// stateMemo is what one top-level Parallel or Map state completed: the
// outputs of its successful branches or iterations, the successful child
// executions of its map run, and the run itself.
type stateMemo struct {
	mu       sync.Mutex
	outputs  map[int]any
	children map[int]ChildExecution
	run      *mapRun
}

// topLevel tells whether f is the execution's own machine, not a branch,
// an iteration or a child execution.
func topLevel(f *frame) bool { return f.vars.parent == nil && f.item == nil && f.inspect == nil }

// noteResume records where the top-level machine stopped.
func (rt *runtime) noteResume(f *frame, state string, input any) {
	if rt.rd == nil || !topLevel(f) {
		return
	}
	rt.rd.mu.Lock()
	rt.rd.resume = &resumePoint{state: state, input: input, vars: f.vars}
	rt.rd.mu.Unlock()
}

// memoBegin starts an attempt of a top-level Parallel or Map state: the
// memo it returns holds what a redrive carries over from the failed
// attempt (nothing otherwise, so a Retry reruns the whole state, as in
// Step Functions). It is nil, and its methods do nothing, elsewhere.
func (rt *runtime) memoBegin(st *State, f *frame) *stateMemo {
	if rt.rd == nil || !topLevel(f) {
		return nil
	}
	rt.rd.mu.Lock()
	defer rt.rd.mu.Unlock()
	m := rt.rd.previous[st.Name]
	delete(rt.rd.previous, st.Name)
	if m == nil {
		m = &stateMemo{outputs: map[int]any{}, children: map[int]ChildExecution{}}
	}
	if rt.rd.current == nil {
		rt.rd.current = map[string]*stateMemo{}
	}
	rt.rd.current[st.Name] = m
	return m
}

func (m *stateMemo) output(i int) (any, bool) {
	if m == nil {
		return nil, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out, ok := m.outputs[i]
	return out, ok
}

func (m *stateMemo) remember(i int, out any) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.outputs[i] = out
	m.mu.Unlock()
}

func (m *stateMemo) child(i int) (ChildExecution, bool) {
	if m == nil {
		return ChildExecution{}, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.children[i]
	return c, ok
}

func (m *stateMemo) rememberChild(c ChildExecution) {
	if m == nil || c.Status != StatusSucceeded {
		return
	}
	m.mu.Lock()
	m.children[c.Index] = c
	m.mu.Unlock()
}

// RedriveCount is how often the execution was redriven.
func (x *Execution) RedriveCount() int {
	if x.rt.rd == nil {
		return 0
	}
	x.rt.rd.mu.Lock()
	defer x.rt.rd.mu.Unlock()
	return x.rt.rd.count
}

// RedriveDate is when the execution was last redriven, or zero.
func (x *Execution) RedriveDate() time.Time {
	if x.rt.rd == nil {
		return time.Time{}
	}
	x.rt.rd.mu.Lock()
	defer x.rt.rd.mu.Unlock()
	return x.rt.rd.date
}

// Redrive continues an ended, unsuccessful Standard execution of sm from
// the state it stopped in, with that state's input and the variables as
// they were, as RedriveExecution does: the states that succeeded are not
// run again, and of a failed top-level Parallel or Map state only the
// branches, iterations or child executions that did not succeed run
// again. The history goes on with an ExecutionRedriven event; the
// execution's TimeoutSeconds counts from the redrive. It fails with
// ExecutionNotRedrivable when the execution runs, succeeded, is Express,
// or was redriven MaxRedrives times.
func (e *Engine) Redrive(ctx context.Context, x *Execution, sm *StateMachine) error {
	notRedrivable := func(format string, args ...any) error {
		return &APIError{Code: CodeExecutionNotRedrivable, Message: fmt.Sprintf(format, args...)}
	}
	if e.opts.Type == Express || x.rt.rd == nil {
		return notRedrivable("Execution '%s' is an Express execution; only Standard executions can be redriven", x.Arn)
	}
	rd := x.rt.rd
	x.mu.Lock()
	status := x.result.Status
	if status == StatusRunning || status == StatusSucceeded {
		x.mu.Unlock()
		return notRedrivable("Execution is %s and cannot be redriven", status)
	}
	rd.mu.Lock()
	resume := rd.resume
	if resume == nil || rd.count >= MaxRedrives {
		rd.mu.Unlock()
		x.mu.Unlock()
		if resume == nil {
			return notRedrivable("Execution '%s' stopped before it entered a state; start a new execution", x.Arn)
		}
		return notRedrivable("Execution '%s' was redriven %d times, the most Step Functions allows", x.Arn, MaxRedrives)
	}
	rd.count++
	rd.date = e.clock.Now()
	rd.previous, rd.current = rd.current, nil
	count := rd.count
	rd.mu.Unlock()
	runCtx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	x.result, x.stop, x.cancel, x.done = Result{Status: StatusRunning}, time.Time{}, cancel, make(chan struct{})
	x.mu.Unlock()

	last := x.rt.hist.add(0, "ExecutionRedriven", &RedriveDetails{RedriveCount: count})
	e.clock.Hold()
	defer e.clock.Release()
	finished := e.watchTimeout(runCtx, time.Duration(sm.TimeoutSeconds)*time.Second, cancel, errExecutionTimeout)
	x.dispatch(e.clock, func() {
		out, fail := x.rt.resumeGuarded(runCtx, sm, resume, &last)
		finished()
		x.finish(out, fail, context.Cause(runCtx), last)
		cancel(nil)
	})
	return nil
}

// resumeGuarded runs the top-level machine from the resume point under
// recoverRuntime.
func (rt *runtime) resumeGuarded(ctx context.Context, sm *StateMachine, p *resumePoint, last *int64) (out any, fail *Failure) {
	defer recoverRuntime(&fail)
	return rt.runFrom(ctx, sm, p.state, p.input, -1, p.vars, nil, last)
}
