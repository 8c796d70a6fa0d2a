package asl

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// APIError is an error of the task-token API, with the code AWS gives it.
type APIError struct {
	Code    string
	Message string
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

// Codes of the task-token API's errors.
const (
	CodeTaskDoesNotExist = "TaskDoesNotExist"
	CodeTaskTimedOut     = "TaskTimedOut"
	CodeInvalidToken     = "InvalidToken"
	CodeInvalidOutput    = "InvalidOutput"
)

// PendingTask is a task waiting for its token.
type PendingTask struct {
	Token     string
	StateName string
	// Input is what the task sent (the message carrying the token). It
	// is read-only, as TaskRequest.Input is.
	Input any
}

// tokenWait is the state of one .waitForTaskToken task.
type tokenWait struct {
	token     string
	stateName string
	rt        *runtime

	mu       sync.Mutex
	input    any
	sig      Signal
	output   any
	failure  *Failure
	answered bool
	beats    int
	closed   bool
	timedOut bool
}

func (e *Engine) newToken(rt *runtime, stateName string) *tokenWait {
	tw := &tokenWait{token: "tok-" + rt.uuid(), stateName: stateName, rt: rt}
	e.mu.Lock()
	e.tokens[tw.token] = tw
	rt.exec.tokens = append(rt.exec.tokens, tw.token)
	e.mu.Unlock()
	return tw
}

// closeToken ends a token's life; later callbacks are refused.
func (e *Engine) closeToken(tw *tokenWait) {
	tw.mu.Lock()
	tw.closed = true
	tw.mu.Unlock()
	tw.rt.removePending(tw.token)
}

// awaitToken waits for the token's answer, a heartbeat timeout or the
// task's timeout.
func (rt *runtime) awaitToken(ctx context.Context, tw *tokenWait, timeout, heartbeat time.Duration) (any, *Failure) {
	rt.addPending(tw)
	start := rt.clock.Now()
	deadline := start.Add(timeout)
	beatDeadline := start.Add(heartbeat)
	seen := 0
	for {
		tw.mu.Lock()
		if tw.answered {
			out, fail := tw.output, tw.failure
			tw.mu.Unlock()
			return out, fail
		}
		now := rt.clock.Now()
		if tw.beats > seen {
			seen, beatDeadline = tw.beats, now.Add(heartbeat)
		}
		sig := rt.clock.NewSignal()
		tw.sig = sig
		tw.mu.Unlock()

		wait := deadline.Sub(now)
		if heartbeat > 0 && beatDeadline.Sub(now) < wait {
			wait = beatDeadline.Sub(now)
		}
		if wait <= 0 {
			return nil, rt.tokenTimeout(tw, now, deadline)
		}
		timedOut, err := sig.Wait(ctx, wait)
		if err != nil {
			return nil, cancelled(ctx)
		}
		if timedOut {
			now = rt.clock.Now()
			tw.mu.Lock()
			answered, beats := tw.answered, tw.beats
			tw.mu.Unlock()
			if !answered && beats == seen && (!now.Before(deadline) || heartbeat > 0 && !now.Before(beatDeadline)) {
				return nil, rt.tokenTimeout(tw, now, deadline)
			}
		}
	}
}

func (rt *runtime) tokenTimeout(tw *tokenWait, now, deadline time.Time) *Failure {
	tw.mu.Lock()
	tw.timedOut = true
	tw.mu.Unlock()
	if !now.Before(deadline) {
		return failf(ErrTimeout, "the task's token was not answered in time")
	}
	return failf(ErrHeartbeatTimeout, "no heartbeat arrived for the task's token in time")
}

func (rt *runtime) addPending(tw *tokenWait) {
	rt.childMu.Lock()
	rt.pending = append(rt.pending, tw)
	rt.pendingChanged()
	rt.childMu.Unlock()
	if hook := rt.engine.opts.OnTaskToken; hook != nil {
		tw.mu.Lock()
		p := PendingTask{Token: tw.token, StateName: tw.stateName, Input: tw.input}
		tw.mu.Unlock()
		hook(p)
	}
}

func (rt *runtime) removePending(token string) {
	rt.childMu.Lock()
	defer rt.childMu.Unlock()
	for i, tw := range rt.pending {
		if tw.token == token {
			rt.pending = append(rt.pending[:i], rt.pending[i+1:]...)
			break
		}
	}
	rt.pendingChanged()
}

// pendingChanged wakes whoever waits for a change of the pending tokens.
// The caller holds childMu.
func (rt *runtime) pendingChanged() {
	if rt.changed != nil {
		close(rt.changed)
	}
	rt.changed = make(chan struct{})
}

// PendingTasks lists the tasks waiting for their tokens.
func (x *Execution) PendingTasks() []PendingTask {
	rt := x.rt
	rt.childMu.Lock()
	defer rt.childMu.Unlock()
	out := make([]PendingTask, 0, len(rt.pending))
	for _, tw := range rt.pending {
		tw.mu.Lock()
		out = append(out, PendingTask{Token: tw.token, StateName: tw.stateName, Input: tw.input})
		tw.mu.Unlock()
	}
	return out
}

// WaitForTask blocks until a task of the named state waits for its token,
// and returns it. It fails if the execution ends first.
func (x *Execution) WaitForTask(ctx context.Context, stateName string) (PendingTask, error) {
	for {
		x.rt.childMu.Lock()
		if x.rt.changed == nil {
			x.rt.changed = make(chan struct{})
		}
		changed := x.rt.changed
		x.rt.childMu.Unlock()
		for _, p := range x.PendingTasks() {
			if p.StateName == stateName {
				return p, nil
			}
		}
		select {
		case <-changed:
		case <-x.done:
			return PendingTask{}, fmt.Errorf("the execution ended (%s) before %s waited for a token", x.Result().Status, stateName)
		case <-ctx.Done():
			return PendingTask{}, ctx.Err()
		}
	}
}

func (e *Engine) lookupToken(token string) (*tokenWait, error) {
	if token == "" || len(token) > 2048 {
		return nil, &APIError{Code: CodeInvalidToken, Message: "the task token is empty or longer than 2048 characters"}
	}
	e.mu.Lock()
	tw, ok := e.tokens[token]
	e.mu.Unlock()
	if !ok {
		return nil, &APIError{Code: CodeTaskDoesNotExist, Message: "no task has this token"}
	}
	return tw, nil
}

// answer settles a token, once.
func (e *Engine) answer(token string, set func(tw *tokenWait)) error {
	tw, err := e.lookupToken(token)
	if err != nil {
		return err
	}
	tw.mu.Lock()
	switch {
	case tw.timedOut:
		tw.mu.Unlock()
		return &APIError{Code: CodeTaskTimedOut, Message: "the task already timed out"}
	case tw.closed || tw.answered:
		tw.mu.Unlock()
		return &APIError{Code: CodeTaskDoesNotExist, Message: "the task is no longer waiting for this token"}
	}
	set(tw)
	sig := tw.sig
	tw.mu.Unlock()
	if sig != nil {
		sig.Fire()
	}
	return nil
}

// SendTaskSuccess completes the task waiting for token with output (JSON).
func (e *Engine) SendTaskSuccess(token string, output []byte) error {
	if len(output) > MaxPayloadBytes {
		return &APIError{Code: CodeInvalidOutput, Message: fmt.Sprintf("the output is %d bytes; at most %d are allowed", len(output), MaxPayloadBytes)}
	}
	v, err := decodeJSON(output)
	if err != nil {
		return &APIError{Code: CodeInvalidOutput, Message: "the output is not JSON: " + err.Error()}
	}
	return e.answer(token, func(tw *tokenWait) { tw.answered, tw.output = true, v })
}

// SendTaskFailure fails the task waiting for token with an error and cause.
func (e *Engine) SendTaskFailure(token, errName, cause string) error {
	if errName == "" {
		errName = ErrTaskFailed
	}
	return e.answer(token, func(tw *tokenWait) { tw.answered, tw.failure = true, &Failure{Name: errName, Cause: cause} })
}

// SendTaskHeartbeat reports that the task waiting for token is still being
// worked on, restarting its heartbeat timeout.
func (e *Engine) SendTaskHeartbeat(token string) error {
	return e.answer(token, func(tw *tokenWait) { tw.beats++ })
}

// IsAPIError reports whether err is an APIError with the code.
func IsAPIError(err error, code string) bool {
	var api *APIError
	return errors.As(err, &api) && api.Code == code
}
