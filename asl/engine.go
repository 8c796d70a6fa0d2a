package asl

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"
)

// Options configure an Engine.
type Options struct {
	// Clock is the source of time. If nil, a VirtualClock starting at the
	// real current time.
	Clock Clock
	// Tasks resolves Task states to handlers. If nil, every Task fails.
	Tasks Resolver
	// Items reads the items of a Distributed Map whose ItemReader lists
	// S3 objects. An ItemReader with s3:getObject reads its object through
	// Tasks instead, as a Task with that Resource would.
	Items ItemSource
	// Results stores the result files of a Distributed Map's ResultWriter
	// when it exports them; if nil, such a map fails with
	// States.ResultWriterFailed.
	Results ResultSink
	// Seed makes jitter, States.UUID and States.MathRandom repeatable. If
	// zero, 1.
	Seed int64
	// StateMachineArn and RoleArn appear in the context object and history.
	// If empty, placeholders in account 123456789012.
	StateMachineArn, RoleArn string
	// Type is the state machine's type. If empty, STANDARD: a name is
	// used once (StartExecution is idempotent) and an execution runs until
	// its TimeoutSeconds. EXPRESS executions have ARNs of the form
	// arn:aws:states:REGION:ACCOUNT:express:MACHINE:NAME:ID, may reuse a
	// name (delivery is at least once, so the same name may start twice),
	// run at most MaxExpressDuration, and refuse a machine with a .sync or
	// .waitForTaskToken integration or an activity (parse it with
	// ParseFor(definition, Express) to have that reported as validation).
	Type WorkflowType
	// OnTaskToken, if set, is called each time a task starts waiting for
	// its token, on the execution's goroutine and before the wait begins.
	// A caller that answers tokens can Hold the virtual clock in it, so no
	// timeout fires before the answer; it must not block.
	OnTaskToken func(PendingTask)
	// Activities receives the tasks of activity Task states, for workers
	// to take (the Step Functions API's GetActivityTask). If nil, an
	// activity Task runs the handler Tasks resolves for its ARN, as any
	// other Task does.
	Activities ActivityQueue
}

// Status is an execution's status.
type Status string

// Execution statuses, as DescribeExecution reports them.
const (
	StatusRunning   Status = "RUNNING"
	StatusSucceeded Status = "SUCCEEDED"
	StatusFailed    Status = "FAILED"
	StatusTimedOut  Status = "TIMED_OUT"
	StatusAborted   Status = "ABORTED"
)

// Result is how an execution ended.
type Result struct {
	Status Status
	Output any
	// Error and Cause are set unless the execution succeeded.
	Error, Cause string
}

// Engine runs executions of state machines. It is safe for concurrent use.
type Engine struct {
	opts   Options
	clock  Clock
	mu     sync.Mutex
	tokens map[string]*tokenWait
	seq    int
	// named holds the executions started with a name: names are unique
	// per state machine, which is what makes StartExecution idempotent.
	named map[string]*Execution
}

// NewEngine makes an engine.
func NewEngine(opts Options) *Engine {
	clock := opts.Clock
	if clock == nil {
		clock = NewVirtualClock(time.Now())
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.StateMachineArn == "" {
		opts.StateMachineArn = "arn:aws:states:us-east-1:123456789012:stateMachine:StateMachine"
	}
	if opts.RoleArn == "" {
		opts.RoleArn = "arn:aws:iam::123456789012:role/StateMachineRole"
	}
	return &Engine{opts: opts, clock: clock, tokens: map[string]*tokenWait{}, named: map[string]*Execution{}}
}

// Clock is the engine's clock.
func (e *Engine) Clock() Clock { return e.clock }

// Execution is one run of a state machine.
type Execution struct {
	Arn, Name string
	StartTime time.Time
	Input     any

	rt     *runtime
	cancel context.CancelCauseFunc
	done   chan struct{}

	mu     sync.Mutex
	result Result
	stop   time.Time
	// cancel and done are replaced, under mu, by a redrive.

	// run is the execution's work until it is taken (see dispatch).
	run atomic.Pointer[unit]

	tokens []string // its task tokens; guarded by the engine's mu
}

// Codes of StartExecution's errors.
const (
	CodeExecutionAlreadyExists = "ExecutionAlreadyExists"
	CodeInvalidName            = "InvalidName"
)

// Start begins an execution of sm with input (JSON); name, if empty, is
// generated. The execution runs on the engine's clock until it ends;
// Wait returns its result.
//
// As with StartExecution of a Standard workflow, a name is used once:
// starting it again with the same input while it runs returns the running
// execution, and otherwise fails with ExecutionAlreadyExists.
func (e *Engine) Start(ctx context.Context, sm *StateMachine, input []byte, name string) (*Execution, error) {
	if err := validateName(name); err != nil {
		return nil, err
	}
	if len(input) > MaxPayloadBytes {
		return nil, fmt.Errorf("the input is %d bytes; Step Functions accepts at most %d", len(input), MaxPayloadBytes)
	}
	if len(input) == 0 {
		input = []byte("{}")
	}
	in, inputLen, err := decodeJSONSized(input)
	if err != nil {
		return nil, fmt.Errorf("the input is not JSON: %v", err)
	}
	express := e.opts.Type == Express
	if express {
		if path, resource := expressUnsupported(sm, ""); path != "" {
			return nil, fmt.Errorf("state %s: Express state machine does not support %q: Express workflows run only request-response integrations; make the workflow STANDARD", path, resource)
		}
	}
	e.mu.Lock()
	if prev, ok := e.named[name]; ok && name != "" && !express {
		e.mu.Unlock()
		if prev.Result().Status == StatusRunning && reflect.DeepEqual(prev.Input, in) {
			return prev, nil
		}
		return nil, &APIError{Code: CodeExecutionAlreadyExists, Message: fmt.Sprintf("an execution named %q already exists", name)}
	}
	e.seq++
	seq := e.seq
	rng := newRand(e.opts.Seed + int64(seq))
	named := name != ""
	if !named {
		name = uuidFrom(rng)
	}
	smName := lastSegment(e.opts.StateMachineArn)
	arn := executionArn(e.opts.StateMachineArn, smName, name)
	if express {
		arn = expressExecutionArn(e.opts.StateMachineArn, smName, name, uuidFrom(rng))
	}
	x := &Execution{
		Arn:       arn,
		Name:      name,
		StartTime: e.clock.Now(),
		Input:     in,
		done:      make(chan struct{}),
		result:    Result{Status: StatusRunning},
	}
	runCtx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	x.cancel = cancel
	var start *statePlan
	historyLen := int32(64)
	if st := sm.States[sm.StartAt]; st != nil {
		start = st.compiled()
		if n := start.historyLen.Load(); n > 0 {
			historyLen = n
		}
	}
	x.rt = &runtime{engine: e, exec: x, clock: e.clock, rng: rng, hist: &history{clock: e.clock, records: make([]record, 0, historyLen)}}
	if !express {
		x.rt.rd = &redriveState{}
	}
	if named && !express {
		e.named[name] = x
	}
	e.mu.Unlock()
	started := &ExecutionStartedDetails{RoleArn: e.opts.RoleArn}
	x.rt.hist.addPayload(0, "ExecutionStarted", started, in)

	// The caller is not counted as work on the clock: hold it while both
	// goroutines start, or a virtual clock could see the watcher idle
	// before the execution runs and jump to the execution's timeout.
	e.clock.Hold()
	defer e.clock.Release()
	timeout, timeoutCause := time.Duration(sm.TimeoutSeconds)*time.Second, errExecutionTimeout
	if express && (timeout == 0 || timeout > MaxExpressDuration) {
		timeout, timeoutCause = MaxExpressDuration, errExpressDuration
	}
	finished := e.watchTimeout(runCtx, timeout, cancel, timeoutCause)
	x.dispatch(e.clock, func() {
		var last int64 = 1
		out, fail := x.rt.runGuarded(runCtx, sm, in, inputLen, &last)
		finished()
		x.finish(out, fail, context.Cause(runCtx), last)
		cancel(nil)
		if start != nil {
			start.historyLen.Store(int32(min(x.rt.hist.len(), 1<<16)))
		}
	})
	return x, nil
}

// watchTimeout cancels runCtx with cause once it has run for timeout
// (none if zero), unless finished, which it returns, is called first. On
// a VirtualClock this is a timer's function; on another clock, a unit of
// work waiting for the timeout.
func (e *Engine) watchTimeout(runCtx context.Context, timeout time.Duration, cancel context.CancelCauseFunc, cause error) (finished func()) {
	if timeout <= 0 {
		return func() {}
	}
	if v, ok := e.clock.(*VirtualClock); ok {
		return v.afterFunc(timeout, func() { cancel(cause) })
	}
	done := e.clock.NewSignal()
	e.clock.Go(func() {
		if timedOut, _ := done.Wait(runCtx, timeout); timedOut {
			cancel(cause)
		}
	})
	return done.Fire
}

// validateName applies StartExecution's rules to an execution name.
func validateName(name string) error {
	if name == "" {
		return nil
	}
	if utf8.RuneCountInString(name) > 80 {
		return &APIError{Code: CodeInvalidName, Message: fmt.Sprintf("execution name %.20q... is longer than 80 characters", name)}
	}
	for _, r := range name {
		if unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune("<>{}[]?*\"#%\\^|~`$&,;:/", r) {
			return &APIError{Code: CodeInvalidName, Message: fmt.Sprintf("execution name %q contains %q; use letters, digits, - and _", name, r)}
		}
	}
	return nil
}

var (
	errExecutionTimeout = errors.New("the execution timed out")
	errExpressDuration  = fmt.Errorf("%w: an Express execution runs at most %v", errExecutionTimeout, MaxExpressDuration)
	errAborted          = errors.New("the execution was stopped")
)

func (x *Execution) finish(out any, fail *Failure, cause error, last int64) {
	h := x.rt.hist
	res := Result{Status: StatusSucceeded, Output: out}
	switch {
	case errors.Is(cause, errExecutionTimeout):
		res = Result{Status: StatusTimedOut, Error: ErrTimeout, Cause: "The execution exceeded its TimeoutSeconds"}
		if errors.Is(cause, errExpressDuration) {
			res.Cause = fmt.Sprintf("The Express execution ran longer than %v, the most an Express workflow may run", MaxExpressDuration)
		}
		h.add(last, "ExecutionTimedOut", &FailureDetails{Error: res.Error, Cause: res.Cause})
	case errors.Is(cause, errAborted):
		x.mu.Lock()
		res = x.result // Stop recorded the error and cause
		x.mu.Unlock()
		res.Status = StatusAborted
		h.add(last, "ExecutionAborted", &FailureDetails{Error: res.Error, Cause: res.Cause})
	case fail != nil:
		res = Result{Status: StatusFailed, Error: fail.Name, Cause: fail.Cause}
		h.add(last, "ExecutionFailed", &FailureDetails{Error: fail.Name, Cause: fail.Cause})
	default:
		d := &OutputDetails{}
		h.addPayload(last, "ExecutionSucceeded", d, out)
	}
	x.mu.Lock()
	x.result, x.stop = res, x.rt.clock.Now()
	done := x.done
	x.mu.Unlock()
	close(done)
}

// Wait blocks until the execution ends (or ctx does) and returns its result.
//
// A Wait whose ctx cannot be cancelled (context.Background) runs the
// execution itself if it has not started yet: the caller would only
// block until it ends, and a goroutine that waits for another to run
// its work costs two thread wake-ups per execution.
func (x *Execution) Wait(ctx context.Context) (Result, error) {
	if ctx.Done() == nil {
		if u := x.run.Load(); u != nil {
			u.take()
		}
	}
	select {
	case <-x.Done():
		return x.Result(), nil
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

// Done is closed when the execution ends; a redrive makes a new one.
func (x *Execution) Done() <-chan struct{} {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.done
}

// Result is the execution's result so far (Status RUNNING until it ends).
func (x *Execution) Result() Result {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.result
}

// StopDate is when the execution ended, or zero.
func (x *Execution) StopDate() time.Time {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.stop
}

// Stop aborts a running execution with an optional error and cause.
func (x *Execution) Stop(errName, cause string) {
	x.mu.Lock()
	if x.result.Status == StatusRunning {
		x.result.Error, x.result.Cause = errName, cause
	}
	cancel := x.cancel // a redrive replaces it
	x.mu.Unlock()
	cancel(errAborted)
}

// History returns the execution's events so far.
func (x *Execution) History() []Event { return x.rt.hist.snapshot() }

// Children returns the child executions of the execution's Distributed Map
// runs, in start order.
func (x *Execution) Children() []ChildExecution { return x.rt.childrenSnapshot() }

// Forget drops the engine's references to an ended execution, so a server
// that keeps executions for a bounded time frees them: its task tokens
// answer TaskDoesNotExist and its name may be used again, as after Step
// Functions' retention period. Forgetting a running execution does
// nothing.
func (e *Engine) Forget(x *Execution) {
	if x.Result().Status == StatusRunning {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.named[x.Name] == x {
		delete(e.named, x.Name)
	}
	for _, token := range x.tokens {
		delete(e.tokens, token)
	}
	x.tokens = nil
}

// Run starts an execution and waits for its end.
func (e *Engine) Run(ctx context.Context, sm *StateMachine, input []byte) (Result, []Event, error) {
	x, err := e.Start(ctx, sm, input, "")
	if err != nil {
		return Result{}, nil, err
	}
	res, err := x.Wait(ctx)
	return res, x.History(), err
}
