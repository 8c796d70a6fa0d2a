package asl

import (
	"context"
	"errors"
)

// frame is where a state runs: the variables of its machine, the Map item it
// works on (if any), and the id of the last event on its thread.
type frame struct {
	vars *variables
	item *mapItem
	last *int64
	// inputLen is the encoded size of the next state's input when known
	// (it is the previous state's output, already measured), else -1.
	// It and the two below may be upper bounds, not exact sizes (see
	// directExpr.bound); runState measures a bound past the limit.
	inputLen int
	// stateInputLen is the running state's input size; outputLen its
	// output's, when the state could tell it from what it changed (see
	// noteOutputLen), else -1.
	stateInputLen, outputLen int
	// measured is the last task result whose encoded size, measuredLen,
	// taskResult learnt while checking it, so that noteOutputLen does not
	// walk it again.
	measured    any
	measuredLen int
	// stateInput is the running state's input, whose size is
	// stateInputLen.
	stateInput any
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

// event records an event of the frame's thread; details are nil or a
// pointer to one of Event's details types.
func (rt *runtime) event(f *frame, typ string, details any) {
	*f.last = rt.hist.add(*f.last, typ, details)
}

// eventPayload is event with a payload rendered into details when the
// history is read.
func (rt *runtime) eventPayload(f *frame, typ string, details, value any) {
	*f.last = rt.hist.addPayload(*f.last, typ, details, value)
}

// runMachine runs a state machine (or branch, or iteration) to its end.
func (rt *runtime) runMachine(ctx context.Context, sm *StateMachine, input any, vars *variables, item *mapItem, last *int64) (any, *Failure) {
	return rt.runFrom(ctx, sm, sm.StartAt, input, -1, vars, item, last)
}

// runFrom runs a state machine from the state name (a redrive resumes
// there) to its end; at the top level it notes where it stopped.
// inputLen is input's encoded size, or a bound on it, if known, else -1.
func (rt *runtime) runFrom(ctx context.Context, sm *StateMachine, name string, input any, inputLen int, vars *variables, item *mapItem, last *int64) (any, *Failure) {
	if vars == nil {
		vars = &variables{}
	}
	f := &frame{vars: vars, item: item, last: last, inputLen: inputLen, stateInputLen: -1, outputLen: -1}
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
func (rt *runtime) runGuarded(ctx context.Context, sm *StateMachine, input any, inputLen int, last *int64) (out any, fail *Failure) {
	defer recoverRuntime(&fail)
	return rt.runFrom(ctx, sm, sm.StartAt, input, inputLen, nil, nil, last)
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

// runState runs one state and returns its output and the next state ("" at
// the end).
func (rt *runtime) runState(ctx context.Context, st *State, input any, f *frame) (output any, next string, fail *Failure) {
	entered := rt.clock.Now()
	plan := st.compiled()
	*f.last = rt.hist.addState(*f.last, plan.enteredType, st, input)
	// inputLen and outputLen may be upper bounds (see directExpr.bound):
	// one past the limit is measured before the state fails.
	n := f.inputLen
	f.inputLen = -1
	if n < 0 || n > MaxPayloadBytes {
		n = payloadLen(input)
	}
	if n > MaxPayloadBytes {
		return nil, "", failf(ErrDataLimitExceeded, "the input of state %q is %d bytes; at most %d are allowed", st.Name, n, MaxPayloadBytes)
	}
	f.stateInput, f.stateInputLen, f.outputLen = input, n, -1
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
		n = payloadLen(output)
	}
	if n > MaxPayloadBytes {
		return nil, "", failf(ErrDataLimitExceeded, "the output of state %q is %d bytes; at most %d are allowed", st.Name, n, MaxPayloadBytes)
	}
	f.inputLen = n // the next state's input is this output
	*f.last = rt.hist.addState(*f.last, plan.exitedType, st, output)
	return output, next, nil
}
