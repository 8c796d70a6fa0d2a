package asl

import (
	"context"
	"sync"
	"time"
)

// invoke runs a Task's handler under the task's timeout and returns its
// result, its failure, or timedOut.
//
// On a VirtualClock the handler runs inline, on the execution's own
// goroutine: virtual time stands still while the handler runs, so only
// the handler's own waits on the clock (through ClockFrom) can reach the
// timeout, and those waits end at the task's deadline (see inlineCall). A
// goroutine, a signal, a cancellable context and a timer per task cost
// more than the engine's own work on a state. On any other clock, where
// time passes while a handler runs, the handler runs as its own unit of
// work and the execution races it against the timeout.
func (rt *runtime) invoke(ctx context.Context, f *frame, h TaskHandler, req TaskRequest, timeout time.Duration) (any, *Failure, bool) {
	var (
		result   any
		err      error
		timedOut bool
	)
	if v, ok := rt.clock.(*VirtualClock); ok {
		result, err, timedOut = invokeInline(ctx, v, h, req, timeout)
	} else {
		result, err, timedOut = rt.invokeConcurrently(ctx, f.clockContext(ctx, rt.clock), h, req, timeout)
	}
	switch {
	case ctx.Err() != nil:
		return nil, cancelled(ctx), false
	case timedOut:
		return nil, nil, true
	case err != nil:
		if f, ok := err.(*Failure); ok {
			return nil, f, false
		}
		return nil, &Failure{Name: ErrTaskFailed, Cause: err.Error()}, false
	}
	v, n, fail := taskResult(result)
	if n >= 0 {
		f.measured, f.measuredLen = v, n
	}
	return v, fail, false
}

// taskResult is a handler's result as the engine keeps it. Results pass
// through JSON, as they do between AWS services: a value made of what
// decoding JSON gives is kept as it is (the handler gave it up, see
// TaskHandler), ints are copied as float64, anything else is encoded and
// decoded.
// Its size is returned when the check measured it, else -1.
func taskResult(result any) (any, int, *Failure) {
	if n, ok := plainJSONLen(result); ok {
		return result, n, nil
	}
	if v, ok := jsonCopy(result); ok {
		return v, -1, nil
	}
	b, err := marshal(result)
	if err != nil {
		return nil, -1, failf(ErrTaskFailed, "the task's result is not JSON: %v", err)
	}
	v, _ := decodeJSON(b)
	return v, -1, nil
}

// callHandler calls h, turning a panic into the task's failure.
func callHandler(ctx context.Context, h TaskHandler, req TaskRequest) (result any, err error) {
	defer func() {
		if r := recover(); r != nil {
			result, err = nil, failf(ErrTaskFailed, "the task handler panicked: %v", r)
		}
	}()
	return h.Invoke(ctx, req)
}

// invokeInline runs h on the calling goroutine with an inlineCall as its
// context. It has timed out if the handler's waits on the clock reached
// the deadline, or if it returned after it (having waited on the clock
// without its context, which ClockFrom gives).
func invokeInline(ctx context.Context, v *VirtualClock, h TaskHandler, req TaskRequest, timeout time.Duration) (any, error, bool) {
	call := &inlineCall{parent: ctx, clock: v, deadline: v.Now().Add(timeout)}
	result, err := callHandler(call, h, req)
	call.end(false)
	if call.Err() == context.DeadlineExceeded || v.Now().After(call.deadline) {
		return nil, nil, true
	}
	return result, err, false
}

// invokeConcurrently runs h as its own unit of work on the clock and
// waits for it, for the timeout, or for ctx; clockCtx is ctx with the
// clock (see ClockFrom).
func (rt *runtime) invokeConcurrently(ctx, clockCtx context.Context, h TaskHandler, req TaskRequest, timeout time.Duration) (any, error, bool) {
	callCtx, cancel := context.WithCancel(clockCtx)
	defer cancel()
	done := rt.clock.NewSignal()
	var (
		result any
		err    error
	)
	rt.clock.Go(func() {
		defer done.Fire()
		result, err = callHandler(callCtx, h, req)
	})
	timedOut, werr := done.Wait(ctx, timeout)
	switch {
	case werr != nil:
		return nil, werr, false // ctx ended: invoke reports it
	case timedOut:
		return nil, nil, true
	}
	return result, err, false
}

type clockKey struct{}

func withClock(ctx context.Context, c Clock) context.Context {
	return context.WithValue(ctx, clockKey{}, c)
}

// clockContext is withClock(ctx, c), made once for the frame's states,
// which all run under the same ctx.
func (f *frame) clockContext(ctx context.Context, c Clock) context.Context {
	if f.clockParent != ctx {
		f.clockParent, f.clockCtx = ctx, withClock(ctx, c)
	}
	return f.clockCtx
}

// ClockFrom returns the engine's clock inside a task handler, so a fake
// service can take (virtual) time: asl.ClockFrom(ctx).Sleep(ctx, d). A
// wait on it ends, with the context's error, when the task times out.
func ClockFrom(ctx context.Context) Clock {
	if c, ok := ctx.Value(clockKey{}).(Clock); ok {
		return c
	}
	return RealClock{}
}

// inlineCall is the context of a handler that runs inline (see invoke):
// the execution's context, with a deadline on the virtual clock. Its
// clock (ClockFrom) is the virtual clock, except that a wait on it ends
// at the deadline; the call has then expired, and its Err is
// context.DeadlineExceeded. When the handler returns, the call ends (Err
// is context.Canceled), as the context of a handler run on its own
// goroutine is cancelled. Its Done channel is made only when asked for.
type inlineCall struct {
	parent   context.Context
	clock    *VirtualClock
	deadline time.Time

	mu           sync.Mutex
	err          error         // DeadlineExceeded or Canceled once the call expired or ended
	done         chan struct{} // made by Done
	closed       bool          // done is closed
	stopWatching func() bool   // stops closing done when parent ends
}

var _ context.Context = (*inlineCall)(nil)

// Deadline implements context.Context: the call's deadline is virtual
// time, which no wall-clock deadline can express, so it reports the
// parent's.
func (c *inlineCall) Deadline() (time.Time, bool) { return c.parent.Deadline() }

// Value implements context.Context; the clock is the call's.
func (c *inlineCall) Value(key any) any {
	if key == (clockKey{}) {
		return inlineClock{c}
	}
	return c.parent.Value(key)
}

// Err implements context.Context.
func (c *inlineCall) Err() error {
	c.mu.Lock()
	err := c.err
	c.mu.Unlock()
	if err != nil {
		return err
	}
	return c.parent.Err()
}

// Done implements context.Context: closed when the call expires or ends,
// or when the parent is done.
func (c *inlineCall) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
		if c.err != nil {
			c.closed = true
			close(c.done)
		} else {
			c.stopWatching = context.AfterFunc(c.parent, c.closeDone)
		}
	}
	return c.done
}

func (c *inlineCall) closeDone() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done != nil && !c.closed {
		c.closed = true
		close(c.done)
	}
}

// end marks the call expired (the deadline was reached) or ended (the
// handler returned); the first mark stays.
func (c *inlineCall) end(expired bool) {
	c.mu.Lock()
	if c.err == nil {
		c.err = context.Canceled
		if expired {
			c.err = context.DeadlineExceeded
		}
	}
	stop := c.stopWatching
	c.mu.Unlock()
	if stop != nil {
		stop()
	}
	c.closeDone()
}

// inlineClock is the clock of an inlineCall.
type inlineClock struct{ call *inlineCall }

var _ Clock = inlineClock{}

func (c inlineClock) Now() time.Time { return c.call.clock.Now() }
func (c inlineClock) Go(f func())    { c.call.clock.Go(f) }
func (c inlineClock) Hold()          { c.call.clock.Hold() }
func (c inlineClock) Release()       { c.call.clock.Release() }

func (c inlineClock) NewSignal() Signal {
	return inlineSignal{call: c.call, Signal: c.call.clock.NewSignal()}
}

func (c inlineClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	_, err := c.NewSignal().Wait(ctx, d)
	return err
}

// inlineSignal is a signal of an inlineClock: a wait ends at the call's
// deadline, if it comes first, expiring the call.
type inlineSignal struct {
	call *inlineCall
	Signal
}

func (s inlineSignal) Wait(ctx context.Context, timeout time.Duration) (bool, error) {
	left := s.call.deadline.Sub(s.call.clock.Now())
	if timeout > 0 && timeout < left {
		return s.Signal.Wait(ctx, timeout)
	}
	if left > 0 {
		if timedOut, err := s.Signal.Wait(ctx, left); !timedOut {
			return false, err
		}
	}
	s.call.end(true)
	return false, context.DeadlineExceeded
}
