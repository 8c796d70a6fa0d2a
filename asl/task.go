package asl

import (
	"context"
	"encoding/json"
	"math"
	"time"
)

// DefaultTaskTimeout is a Task's timeout when it sets none, as in AWS.
const DefaultTaskTimeout = 99999999 * time.Second

// task runs one attempt of a Task state.
func (rt *runtime) task(ctx context.Context, st *State, input any, f *frame, entered time.Time, retry int) (any, *Failure) {
	plan := st.compiled()
	var tw *tokenWait
	token := ""
	if plan.pattern == "waitForTaskToken" {
		tw = rt.engine.newToken(rt, st.Name)
		token = tw.token
		defer rt.engine.closeToken(tw)
	}

	// The task's input.
	var sc *scope
	var taskInput, effective any
	if st.QueryLanguage == JSONata {
		sc = rt.jsonataScope(st, input, f, entered, retry, token)
		taskInput = input
		if st.Arguments != nil {
			v, err := evalJSONataTemplate("Arguments", st.Arguments, sc, rt)
			if err != nil {
				return nil, asFailure(err)
			}
			taskInput = v
		}
	} else {
		sc = rt.jsonPathScope(st, input, f, entered, retry, token)
		var fail *Failure
		if effective, fail = inputPath(st, sc); fail != nil {
			return nil, fail
		}
		sc.input = effective
		taskInput = effective
		if plan.parameters != nil {
			v, err := plan.parameters.eval("Parameters", sc, rt)
			if err != nil {
				return nil, asFailure(err)
			}
			taskInput = v
		}
	}
	f.inspect.taskInput(st, effective, taskInput)
	timeout, fail := rt.seconds(st, "TimeoutSeconds", st.TimeoutSeconds, st.TimeoutSecondsPath, plan.timeout, sc, DefaultTaskTimeout)
	if fail != nil {
		return nil, fail
	}
	heartbeat, fail := rt.seconds(st, "HeartbeatSeconds", st.HeartbeatSeconds, st.HeartbeatSecondsPath, plan.heartbeat, sc, 0)
	if fail != nil {
		return nil, fail
	}

	if rt.engine.opts.Activities != nil && isActivityArn(st.Resource) {
		result, fail := rt.activity(ctx, st, taskInput, f, timeout, heartbeat)
		if fail != nil {
			return nil, fail
		}
		return rt.taskOutput(st, input, result, sc, f)
	}

	ev := taskEvents{rt: rt, f: f, st: st, plan: plan, lambda: plan.service == "lambda" && plan.action == "function"}
	ev.scheduled(taskInput, timeout, heartbeat)

	handler, ok := rt.engine.resolve(st.Name, st.Resource, taskInput)
	if !ok && tw == nil {
		return nil, ev.failed(failf(ErrRuntime, "no handler for Task state %q (resource %s): register one, or give a mock", st.Name, st.Resource))
	}
	ev.started()
	// No copy of the input: handlers must not modify it (see
	// TaskRequest.Input), so the history renders it as it was sent.
	req := TaskRequest{StateName: st.Name, Resource: st.Resource, Input: taskInput, TaskToken: token, ExecutionArn: rt.exec.Arn, Attempt: retry}

	var result any
	if ok {
		var timedOut bool
		result, fail, timedOut = rt.invoke(ctx, f, handler, req, timeout)
		switch {
		case timedOut:
			return nil, ev.timedOut(failf(ErrTimeout, "the task did not finish within %v", timeout))
		case fail != nil:
			return nil, ev.failed(fail)
		}
	}
	if _, mocked := handler.(completesToken); mocked && tw != nil {
		tw = nil // a mocked response answers the callback itself
	}
	if tw != nil {
		tw.mu.Lock()
		tw.input = taskInput
		tw.mu.Unlock()
		ev.submitted(result)
		result, fail = rt.awaitToken(ctx, tw, timeout, heartbeat)
		if fail != nil {
			if fail.Name == ErrTimeout || fail.Name == ErrHeartbeatTimeout {
				return nil, ev.timedOut(fail)
			}
			return nil, ev.failed(fail)
		}
	}
	ev.succeeded(result)
	return rt.taskOutput(st, input, result, sc, f)
}

// taskOutput applies ResultSelector, Assign, ResultPath and OutputPath
// (JSONPath), or Assign and Output (JSONata), to a task's result.
func (rt *runtime) taskOutput(st *State, input, result any, sc *scope, f *frame) (any, *Failure) {
	f.inspect.record(inspectResult, result)
	if st.QueryLanguage == JSONata {
		sc.setState("result", result)
		if fail := rt.assignState(st, sc, f); fail != nil {
			return nil, fail
		}
		return rt.jsonataOutput(st, sc, f, result)
	}
	if st.ResultSelector != nil {
		s := *sc
		s.input = result
		v, err := st.compiled().resultSelector.eval("ResultSelector", &s, rt)
		if err != nil {
			return nil, asFailure(err)
		}
		result = v
	}
	f.inspect.record(inspectAfterResultSelector, result)
	s := *sc
	s.input = result
	if fail := rt.assignState(st, &s, f); fail != nil {
		return nil, fail
	}
	out, fail := resultPath(st.ResultPath, input, result)
	if fail != nil {
		return nil, fail
	}
	f.noteOutputLen(st, input, result)
	f.inspect.record(inspectAfterResultPath, out)
	s.input = input
	return outputPath(st, out, &s)
}

// seconds reads TimeoutSeconds or HeartbeatSeconds (a number, a JSONata
// expression, or the *Path form); def when absent. fixed is the number
// the state's plan decoded, if any.
func (rt *runtime) seconds(st *State, name string, raw json.RawMessage, path string, fixed any, sc *scope, def time.Duration) (time.Duration, *Failure) {
	var v any
	var err error
	switch {
	case fixed != nil:
		v = fixed
	case raw != nil && st.QueryLanguage == JSONata:
		v, err = evalJSONataTemplate(name, raw, sc, rt)
	case raw != nil:
		v, err = decodeJSON(raw)
	case path != "":
		v, err = sc.mustGet(name+"Path", path)
	default:
		return def, nil
	}
	if err != nil {
		return 0, asFailure(err)
	}
	n, ok := v.(float64)
	if !ok || n < 1 || n != math.Trunc(n) || n > 99999999 {
		return 0, failf(ErrRuntime, "%s of state %q must be a whole number of seconds from 1 to 99999999, not %s", name, st.Name, toJSON(v))
	}
	return time.Duration(n) * time.Second, nil
}

// resolve finds a Task's handler, if the engine has a resolver.
func (e *Engine) resolve(stateName, resource string, input any) (TaskHandler, bool) {
	if e.opts.Tasks == nil {
		return nil, false
	}
	return e.opts.Tasks.Resolve(stateName, resource, input)
}

// taskEvents records a task's history events, in the Lambda form for a
// function ARN resource and the Task form otherwise.
type taskEvents struct {
	rt     *runtime
	f      *frame
	st     *State
	plan   *statePlan
	lambda bool
}

func (e taskEvents) resourceType() string { return e.plan.service }

func (e taskEvents) resource() string {
	if e.plan.pattern != "" {
		return e.plan.action + "." + e.plan.pattern
	}
	return e.plan.action
}

func (e taskEvents) scheduled(input any, timeout, heartbeat time.Duration) {
	secs := int64(timeout / time.Second)
	if e.lambda {
		d := &LambdaScheduledDetails{Resource: e.st.Resource, TimeoutInSeconds: secs}
		e.rt.eventPayload(e.f, "LambdaFunctionScheduled", d, input)
		return
	}
	d := &TaskScheduledDetails{
		ResourceType: e.resourceType(), Resource: e.resource(), Region: "us-east-1",
		TimeoutInSeconds: secs, HeartbeatInSeconds: int64(heartbeat / time.Second),
	}
	e.rt.eventPayload(e.f, "TaskScheduled", d, input)
}

func (e taskEvents) started() {
	if e.lambda {
		e.rt.event(e.f, "LambdaFunctionStarted", nil)
		return
	}
	e.rt.event(e.f, "TaskStarted", &TaskDetails{ResourceType: e.resourceType(), Resource: e.resource()})
}

func (e taskEvents) submitted(output any) {
	d := &TaskOutputDetails{ResourceType: e.resourceType(), Resource: e.resource()}
	e.rt.eventPayload(e.f, "TaskSubmitted", d, output)
}

func (e taskEvents) succeeded(output any) {
	if e.lambda {
		d := &OutputDetails{}
		e.rt.eventPayload(e.f, "LambdaFunctionSucceeded", d, output)
		return
	}
	d := &TaskOutputDetails{ResourceType: e.resourceType(), Resource: e.resource()}
	e.rt.eventPayload(e.f, "TaskSucceeded", d, output)
}

func (e taskEvents) failed(f *Failure) *Failure {
	if e.lambda {
		e.rt.event(e.f, "LambdaFunctionFailed", &FailureDetails{Error: f.Name, Cause: f.Cause})
		return f
	}
	e.rt.event(e.f, "TaskFailed", &TaskFailureDetails{ResourceType: e.resourceType(), Resource: e.resource(), Error: f.Name, Cause: f.Cause})
	return f
}

func (e taskEvents) timedOut(f *Failure) *Failure {
	if e.lambda {
		e.rt.event(e.f, "LambdaFunctionTimedOut", &FailureDetails{Error: f.Name, Cause: f.Cause})
		return f
	}
	e.rt.event(e.f, "TaskTimedOut", &TaskFailureDetails{ResourceType: e.resourceType(), Resource: e.resource(), Error: f.Name, Cause: f.Cause})
	return f
}
