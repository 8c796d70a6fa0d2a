package asl

import (
	"context"
	"time"
)

// testStateMachineArn is the machine TestState's context object names.
const testStateMachineArn = "arn:aws:states:us-east-1:123456789012:stateMachine:TestState"

// mockedWork is the handler of a mocked Task: it returns the mocked result
// or fails with the mocked error, and its result answers a task token, as
// a mocked callback task's does in AWS.
type mockedWork struct {
	result any
	fail   *Failure
}

func (m mockedWork) Invoke(context.Context, TaskRequest) (any, error) {
	if m.fail != nil {
		return nil, m.fail
	}
	return clone(m.result), nil
}

func (mockedWork) completesToken() {}

// work is the mocked result or error, or false when the request has none.
func (t *stateTest) work() (mockedWork, bool) {
	m := t.req.Mock
	switch {
	case m == nil:
		return mockedWork{}, false
	case m.ErrorOutput != nil:
		return mockedWork{fail: &Failure{Name: m.ErrorOutput.Error, Cause: m.ErrorOutput.Cause}}, true
	}
	return mockedWork{result: t.mock}, true
}

// run runs the state on its own runtime, on a virtual clock.
func (t *stateTest) run(ctx context.Context) (*TestStateResponse, error) {
	clock := NewVirtualClock(time.Now().UTC())
	tasks := t.req.Tasks
	if w, ok := t.work(); ok {
		tasks = ResolverFunc(func(string, string, any) (TaskHandler, bool) { return w, true })
	}
	e := NewEngine(Options{Clock: clock, Tasks: tasks, RoleArn: t.req.RoleArn, StateMachineArn: testStateMachineArn})
	rng := newRand(e.opts.Seed)
	name := uuidFrom(rng)
	x := &Execution{
		Arn:  "arn:aws:states:us-east-1:123456789012:express:TestState:" + name,
		Name: name, StartTime: clock.Now(), Input: t.input,
		done: make(chan struct{}), result: Result{Status: StatusRunning},
	}
	rt := &runtime{engine: e, exec: x, clock: clock, rng: rng, hist: &history{clock: clock}}
	x.rt = rt
	vars := &variables{}
	vars.assign(t.vars)
	var last int64
	in := &inspection{context: t.context}
	f := &frame{vars: vars, last: &last, inputLen: -1, stateInputLen: -1, outputLen: -1, inspect: in}

	resp := &TestStateResponse{}
	done := make(chan struct{})
	clock.Go(func() {
		defer close(done)
		t.step(ctx, rt, f, resp)
	})
	select {
	case <-done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if t.level == InspectionInfo {
		resp.InspectionData = nil
	} else {
		resp.InspectionData = t.inspectionData(in, vars, resp.InspectionData)
	}
	return resp, nil
}

// step runs the state once and fills resp with its outcome.
func (t *stateTest) step(ctx context.Context, rt *runtime, f *frame, resp *TestStateResponse) {
	var fail *Failure
	defer func() {
		if r := recover(); r != nil {
			fail = failf(ErrRuntime, "the engine panicked: %v", r)
			*resp = TestStateResponse{Status: TestFailed, Error: fail.Name, Cause: fail.Cause}
		}
	}()
	st := t.st
	input := clone(t.input)
	var output any
	next := ""
	switch st.Type {
	case TypeTask, TypeMap, TypeParallel:
		entered := rt.clock.Now()
		if st.Type == TypeTask {
			output, fail = rt.task(ctx, st, input, f, entered, t.retries)
		} else {
			output, fail = t.mockedFlow(ctx, rt, input, f, entered)
		}
		if fail != nil {
			t.handle(rt, input, f, entered, fail, resp)
			return
		}
		next = st.Next
	default:
		if st.Type == TypeFail && st.QueryLanguage == JSONPath {
			f.inspect.record(inspectAfterInputPath, input) // a Fail state has no InputPath
		}
		output, next, fail = rt.runState(ctx, st, input, f)
		if fail != nil {
			*resp = TestStateResponse{Status: TestFailed, Error: fail.Name, Cause: fail.Cause}
			return
		}
	}
	*resp = TestStateResponse{Status: TestSucceeded, Output: toJSON(output), NextState: next}
}

// handle decides what the state's Retry and Catch make of a failure of its
// work: the first retrier that matches retries while it has attempts left
// (RETRIABLE, with the backoff before that retry); otherwise the first
// catcher that matches takes the error to its Next (CAUGHT_ERROR);
// otherwise the state fails.
func (t *stateTest) handle(rt *runtime, input any, f *frame, entered time.Time, fail *Failure, resp *TestStateResponse) {
	*resp = TestStateResponse{Status: TestFailed, Error: fail.Name, Cause: fail.Cause}
	details := &InspectionErrorDetails{}
	resp.InspectionData = &InspectionData{ErrorDetails: details}
	st := t.st
	for i, r := range st.Retry {
		if !matches(r.ErrorEquals, fail.Name) {
			continue
		}
		index := i
		details.RetryIndex = &index
		if t.retries < maxAttempts(r) {
			backoff := durationSeconds(retryDelay(r, t.retries, rt.randFloat))
			details.RetryBackoffIntervalSeconds = &backoff
			resp.Status = TestRetriable
			return
		}
		break
	}
	for i, c := range st.Catch {
		if !matches(c.ErrorEquals, fail.Name) {
			continue
		}
		out, next, cfail := rt.catch(st, input, f, entered, fail)
		if cfail != nil {
			// The catcher's own ResultPath or Output failed: the state fails
			// with that error, as it does in an execution.
			*resp = TestStateResponse{Status: TestFailed, Error: cfail.Name, Cause: cfail.Cause, InspectionData: resp.InspectionData}
			return
		}
		index := i
		details.CatchIndex = &index
		resp.Status, resp.Output, resp.NextState = TestCaughtError, toJSON(out), next
		return
	}
}

// mockedFlow runs a Map or Parallel state with its work mocked: the
// input processing the engine applies before its iterations or branches,
// the mocked result or error in place of them, and the result processing
// after them.
func (t *stateTest) mockedFlow(ctx context.Context, rt *runtime, input any, f *frame, entered time.Time) (any, *Failure) {
	st := t.st
	if st.QueryLanguage == JSONPath {
		effective, fail := inputPath(st, rt.jsonPathScope(st, input, f, entered, t.retries, ""))
		if fail != nil {
			return nil, fail
		}
		f.inspect.record(inspectAfterInputPath, effective)
	}
	sc, effective, fail := rt.stateInput(st, input, f, entered, t.retries)
	if fail != nil {
		return nil, fail
	}
	if st.QueryLanguage == JSONPath && st.Type == TypeParallel && st.Parameters != nil {
		f.inspect.record(inspectAfterParameters, effective)
	}
	if st.QueryLanguage == JSONata && st.Arguments != nil {
		f.inspect.record(inspectAfterArguments, effective)
	}
	if st.Type == TypeMap {
		if fail := t.mapInputs(ctx, rt, st, sc, effective, f, entered); fail != nil {
			return nil, fail
		}
	}
	w, _ := t.work()
	if w.fail != nil {
		return nil, w.fail
	}
	if fail := t.toleratedFailures(st, f); fail != nil {
		return nil, fail
	}
	return rt.taskOutput(st, input, clone(w.result), sc, f)
}

// mapInputs records what a Map state would hand its iterations: the items
// (after ItemsPath, or the reader data of stateConfiguration), each one's
// input after ItemSelector, and the concurrency and failure thresholds.
func (t *stateTest) mapInputs(ctx context.Context, rt *runtime, st *State, sc *scope, effective any, f *frame, entered time.Time) *Failure {
	var items []any
	switch {
	case st.ItemReader != nil:
		c := t.req.StateConfiguration
		if c == nil || c.MapItemReaderData == "" {
			break
		}
		v, err := decodeJSON([]byte(c.MapItemReaderData))
		list, ok := v.([]any)
		if err != nil || !ok {
			return failf(ErrItemReaderFailed, "stateConfiguration.mapItemReaderData must be a JSON array of the items the reader reads")
		}
		items = list
	default:
		list, fail := rt.mapItems(ctx, st, sc, effective)
		if fail != nil {
			return fail
		}
		items = list
		if st.QueryLanguage == JSONPath {
			f.inspect.record(inspectAfterItemsPath, items)
		}
	}
	if st.ItemSelector != nil && items != nil {
		selected := make([]any, len(items))
		for i, item := range items {
			iter := &frame{vars: f.vars, item: &mapItem{Index: i, Value: item}, last: f.last, inputLen: -1, stateInputLen: -1, outputLen: -1, inspect: f.inspect}
			v, fail := rt.itemInput(st, sc, iter, entered, item, i)
			if fail != nil {
				return fail
			}
			selected[i] = v
		}
		f.inspect.record(inspectAfterItemSelector, selected)
	}
	n, fail := rt.number(st, "MaxConcurrency", st.MaxConcurrency, st.MaxConcurrencyPath, sc)
	if fail != nil {
		return fail
	}
	limit := int(n)
	t.maxConcurrency = &limit
	if st.ToleratedFailureCount != nil || st.ToleratedFailureCountPath != "" {
		n, fail := rt.number(st, "ToleratedFailureCount", st.ToleratedFailureCount, st.ToleratedFailureCountPath, sc)
		if fail != nil {
			return fail
		}
		count := int(n)
		t.toleratedCount = &count
	}
	if st.ToleratedFailurePercentage != nil || st.ToleratedFailurePercentagePath != "" {
		n, fail := rt.number(st, "ToleratedFailurePercentage", st.ToleratedFailurePercentage, st.ToleratedFailurePercentagePath, sc)
		if fail != nil {
			return fail
		}
		t.toleratedPct = &n
	}
	t.items = len(items)
	return nil
}

// toleratedFailures fails a Map state whose failed iterations
// (stateConfiguration.mapIterationFailureCount) exceed a threshold it
// declares; without a threshold, as in AWS, failed iterations are not
// checked here.
func (t *stateTest) toleratedFailures(st *State, f *frame) *Failure {
	c := t.req.StateConfiguration
	if st.Type != TypeMap || c == nil || c.MapIterationFailureCount == nil {
		return nil
	}
	failed := *c.MapIterationFailureCount
	exceeded := t.toleratedCount != nil && failed > *t.toleratedCount
	if t.toleratedPct != nil {
		total := t.items
		if arr, ok := t.mock.([]any); ok && len(arr) > total {
			total = len(arr)
		}
		exceeded = exceeded || (total > 0 && float64(failed)*100/float64(total) > *t.toleratedPct)
	}
	if exceeded {
		return &Failure{Name: ErrExceedToleratedFailure, Cause: "The specified tolerated failure threshold was exceeded"}
	}
	return nil
}

// inspectionData gathers the recorded steps, the Map's numbers, the error
// details and the variables into the response's inspectionData.
func (t *stateTest) inspectionData(in *inspection, vars *variables, handled *InspectionData) *InspectionData {
	d := &InspectionData{
		Input:                      toJSON(t.input),
		AfterInputPath:             in.values[inspectAfterInputPath],
		AfterParameters:            in.values[inspectAfterParameters],
		AfterArguments:             in.values[inspectAfterArguments],
		AfterItemsPath:             in.values[inspectAfterItemsPath],
		AfterItemSelector:          in.values[inspectAfterItemSelector],
		Result:                     in.values[inspectResult],
		AfterResultSelector:        in.values[inspectAfterResultSelector],
		AfterResultPath:            in.values[inspectAfterResultPath],
		MaxConcurrency:             t.maxConcurrency,
		ToleratedFailureCount:      t.toleratedCount,
		ToleratedFailurePercentage: t.toleratedPct,
	}
	if handled != nil && handled.ErrorDetails != nil {
		e := handled.ErrorDetails
		if e.CatchIndex != nil || e.RetryIndex != nil || e.RetryBackoffIntervalSeconds != nil {
			d.ErrorDetails = e
		}
	}
	if all := vars.all(); len(all) > 0 {
		d.Variables = toJSON(all)
	}
	return d
}
