package asl

import (
	"context"
	"time"
)

// ActivityQueue hands the tasks of activity Task states (Resource
// arn:aws:states:REGION:ACCOUNT:activity:NAME) to the workers that poll
// for them, as GetActivityTask does. The Step Functions API server owns
// one; the engine only schedules into it.
type ActivityQueue interface {
	// Schedule queues a task for the workers of task.ActivityArn. The
	// engine calls cancel once the task has ended (answered, timed out or
	// aborted), so a task that no worker took yet leaves the queue. An
	// error (such as an activity that does not exist) fails the task at
	// once with an ActivityScheduleFailed event; an *APIError's code
	// becomes the error name.
	Schedule(task *ActivityTask) (cancel func(), err error)
}

// ActivityTask is one scheduled task of an activity, waiting for a worker.
// Its token answers through SendTaskSuccess, SendTaskFailure and
// SendTaskHeartbeat, as a .waitForTaskToken token does.
type ActivityTask struct {
	ActivityArn, Token  string
	ExecutionArn, State string
	// Input is the task's input, JSON.
	Input string

	tw *tokenWait
	rt *runtime
	f  *frame
}

// Start gives the task to a worker: it records ActivityStarted with
// workerName and restarts the heartbeat timeout, which from then on counts
// from the worker's start. It reports false if the task ended while it
// waited in the queue; the caller then offers the worker another task.
func (t *ActivityTask) Start(workerName string) bool {
	t.tw.mu.Lock()
	defer t.tw.mu.Unlock()
	if t.tw.closed || t.tw.answered || t.tw.timedOut {
		return false
	}
	// The event is written under tw.mu: the execution closes tw under it
	// before it writes its own next event, which orders the two.
	t.rt.event(t.f, "ActivityStarted", &ActivityStartedDetails{WorkerName: workerName})
	t.tw.beats++
	if t.tw.sig != nil {
		t.tw.sig.Fire()
	}
	return true
}

// activity runs one attempt of an activity Task: it schedules the task in
// the engine's ActivityQueue and waits for a worker's answer, TimeoutSeconds
// (States.Timeout) or HeartbeatSeconds without a heartbeat
// (States.HeartbeatTimeout).
func (rt *runtime) activity(ctx context.Context, st *State, input any, f *frame, timeout, heartbeat time.Duration) (any, *Failure) {
	d := &ActivityScheduledDetails{Resource: st.Resource, TimeoutInSeconds: int64(timeout / time.Second), HeartbeatInSeconds: int64(heartbeat / time.Second)}
	inputJSON := toJSON(input)
	rt.eventPayload(f, "ActivityScheduled", d, input)

	tw := rt.engine.newToken(rt, st.Name)
	defer rt.engine.closeToken(tw)
	tw.mu.Lock()
	tw.input = input
	tw.mu.Unlock()
	task := &ActivityTask{ActivityArn: st.Resource, Token: tw.token, ExecutionArn: rt.exec.Arn, State: st.Name, Input: inputJSON, tw: tw, rt: rt, f: f}
	cancel, err := rt.engine.opts.Activities.Schedule(task)
	if err != nil {
		fail := failf(ErrRuntime, "%v", err)
		if api, ok := err.(*APIError); ok {
			fail = &Failure{Name: api.Code, Cause: api.Message}
		}
		rt.closeActivity(tw)
		rt.event(f, "ActivityScheduleFailed", &FailureDetails{Error: fail.Name, Cause: fail.Cause})
		return nil, fail
	}
	defer cancel()

	result, fail := rt.awaitToken(ctx, tw, timeout, heartbeat)
	timedOut := rt.closeActivity(tw)
	switch {
	case fail != nil && ctx.Err() != nil: // aborted or the execution timed out
		return nil, fail
	case fail != nil && timedOut:
		rt.event(f, "ActivityTimedOut", &FailureDetails{Error: fail.Name, Cause: fail.Cause})
		return nil, fail
	case fail != nil:
		rt.event(f, "ActivityFailed", &FailureDetails{Error: fail.Name, Cause: fail.Cause})
		return nil, fail
	}
	out := &OutputDetails{}
	rt.eventPayload(f, "ActivitySucceeded", out, result)
	return result, nil
}

// closeActivity refuses workers from now on, so no ActivityStarted event
// follows the task's end. It reports whether the task timed out.
func (rt *runtime) closeActivity(tw *tokenWait) (timedOut bool) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	tw.closed = true
	return tw.timedOut
}

// ActivityScheduledDetails are an ActivityScheduled event's details.
type ActivityScheduledDetails struct {
	Resource           string         `json:"resource"`
	Input              string         `json:"input"`
	InputDetails       PayloadDetails `json:"inputDetails"`
	TimeoutInSeconds   int64          `json:"timeoutInSeconds,omitempty"`
	HeartbeatInSeconds int64          `json:"heartbeatInSeconds,omitempty"`
}

// ActivityStartedDetails name the worker that took an activity task.
type ActivityStartedDetails struct {
	WorkerName string `json:"workerName,omitempty"`
}
