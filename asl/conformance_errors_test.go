package asl

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// flaky fails with errName for its first n calls, then returns {"ok":true}.
func flaky(errName string, n int, calls *atomic.Int32) TaskHandler {
	return TaskFunc(func(context.Context, TaskRequest) (any, error) {
		if int(calls.Add(1)) <= n {
			return nil, &Failure{Name: errName, Cause: "attempt failed"}
		}
		return map[string]any{"ok": true}, nil
	})
}

// scheduledAt lists when each attempt of the task was scheduled.
func scheduledAt(hist []Event) []time.Time {
	var out []time.Time
	for _, e := range hist {
		if e.Type == "LambdaFunctionScheduled" || e.Type == "TaskScheduled" {
			out = append(out, e.Timestamp)
		}
	}
	return out
}

func TestRetryBackoff(t *testing.T) {
	// The specification's example: 3 s, then 4.5 s (BackoffRate 1.5).
	def := task(`"Retry":[{"ErrorEquals":["States.Timeout"],"IntervalSeconds":3,"MaxAttempts":2,"BackoffRate":1.5}],`)
	var calls atomic.Int32
	res, hist := execute(t, def, `{}`, (&Registry{}).HandleState("T", flaky(ErrTimeout, 2, &calls)))
	if res.Status != StatusSucceeded || calls.Load() != 3 {
		t.Fatalf("%s after %d calls", res.Status, calls.Load())
	}
	at := scheduledAt(hist)
	if at[1].Sub(at[0]) != 3*time.Second || at[2].Sub(at[1]) != 4500*time.Millisecond {
		t.Errorf("waits %v and %v, want 3s and 4.5s", at[1].Sub(at[0]), at[2].Sub(at[1]))
	}
}

func TestRetryRules(t *testing.T) {
	tests := []struct {
		name     string
		retry    string
		errName  string
		failures int
		calls    int32
		status   Status
	}{
		{"defaults: 3 retries", `[{"ErrorEquals":["E"]}]`, "E", 3, 4, StatusSucceeded},
		{"attempts exhausted", `[{"ErrorEquals":["E"],"MaxAttempts":1}]`, "E", 5, 2, StatusFailed},
		{"MaxAttempts 0 never retries", `[{"ErrorEquals":["E"],"MaxAttempts":0},{"ErrorEquals":["States.ALL"]}]`, "E", 1, 1, StatusFailed},
		{"first matching retrier wins", `[{"ErrorEquals":["Other"],"MaxAttempts":5},{"ErrorEquals":["States.TaskFailed"],"MaxAttempts":1}]`, "E", 5, 2, StatusFailed},
		{"unmatched errors are not retried", `[{"ErrorEquals":["Other"]}]`, "E", 1, 1, StatusFailed},
		{"TaskFailed does not match Timeout", `[{"ErrorEquals":["States.TaskFailed"]}]`, ErrTimeout, 1, 1, StatusFailed},
		{"ALL does not match Runtime", `[{"ErrorEquals":["States.ALL"]}]`, ErrRuntime, 1, 1, StatusFailed},
		{"Runtime retried by name", `[{"ErrorEquals":["States.Runtime"]}]`, ErrRuntime, 1, 2, StatusSucceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			res, _ := execute(t, task(`"Retry":`+tt.retry+`,`), `{}`, (&Registry{}).HandleState("T", flaky(tt.errName, tt.failures, &calls)))
			if res.Status != tt.status || calls.Load() != tt.calls {
				t.Errorf("%s after %d calls; want %s after %d", res.Status, calls.Load(), tt.status, tt.calls)
			}
		})
	}
}

func TestRetryMaxDelayAndJitter(t *testing.T) {
	def := task(`"Retry":[{"ErrorEquals":["E"],"IntervalSeconds":4,"MaxAttempts":4,"BackoffRate":3,"MaxDelaySeconds":10}],`)
	var calls atomic.Int32
	_, hist := execute(t, def, `{}`, (&Registry{}).HandleState("T", flaky("E", 4, &calls)))
	at := scheduledAt(hist)
	want := []time.Duration{4 * time.Second, 10 * time.Second, 10 * time.Second, 10 * time.Second}
	for i := range want {
		if got := at[i+1].Sub(at[i]); got != want[i] {
			t.Errorf("wait %d = %v, want %v (capped at MaxDelaySeconds)", i, got, want[i])
		}
	}
	jitter := task(`"Retry":[{"ErrorEquals":["E"],"IntervalSeconds":8,"MaxAttempts":3,"BackoffRate":2,"MaxDelaySeconds":20,"JitterStrategy":"FULL"}],`)
	calls.Store(0)
	_, hist = execute(t, jitter, `{}`, (&Registry{}).HandleState("T", flaky("E", 3, &calls)))
	at = scheduledAt(hist)
	caps := []time.Duration{8 * time.Second, 16 * time.Second, 20 * time.Second}
	distinct := map[time.Duration]bool{}
	for i, c := range caps {
		d := at[i+1].Sub(at[i])
		if d < 0 || d > c {
			t.Errorf("jittered wait %d = %v, outside [0, %v]", i, d, c)
		}
		distinct[d] = true
	}
	if len(distinct) == 1 {
		t.Error("full jitter gave identical waits")
	}
}

func TestCatch(t *testing.T) {
	boom := func(name string) *Registry {
		return (&Registry{}).HandleState("T", TaskFunc(func(context.Context, TaskRequest) (any, error) {
			return nil, &Failure{Name: name, Cause: "it broke"}
		}))
	}
	// The developer guide's example: the error output goes to ResultPath.
	def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + fn + `",
	  "Catch":[{"ErrorEquals":["CustomError"],"ResultPath":"$.error-info","Next":"Handle"},{"ErrorEquals":["States.ALL"],"Next":"All"}],"End":true},
	  "Handle":{"Type":"Pass","End":true},"All":{"Type":"Pass","End":true}}}`
	expectOutput(t, def, `{"keep":1}`, `{"keep":1,"error-info":{"Error":"CustomError","Cause":"it broke"}}`, boom("CustomError"))
	// Without ResultPath the error output replaces the input.
	expectOutput(t, def, `{"keep":1}`, `{"Error":"Other","Cause":"it broke"}`, boom("Other"))
	// States.ALL does not catch States.Runtime: the execution fails.
	expectError(t, def, `{}`, ErrRuntime, "", boom(ErrRuntime))
	// A catch after the retries are spent.
	var calls atomic.Int32
	retryThenCatch := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + fn + `","Retry":[{"ErrorEquals":["E"],"MaxAttempts":2}],
	  "Catch":[{"ErrorEquals":["E"],"ResultPath":"$.err","Next":"H"}],"End":true},"H":{"Type":"Pass","End":true}}}`
	res, _ := execute(t, retryThenCatch, `{}`, (&Registry{}).HandleState("T", flaky("E", 10, &calls)))
	if res.Status != StatusSucceeded || calls.Load() != 3 {
		t.Errorf("%s after %d calls, want caught after 3", res.Status, calls.Load())
	}
	// An uncaught failure fails the execution with the task's error.
	expectError(t, task(``), `{}`, "Unhandled", "it broke", boom("Unhandled"))
}

func TestFailState(t *testing.T) {
	expectError(t, `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"ErrorA","Cause":"Kaiju attack"}}}`, `{}`, "ErrorA", "Kaiju attack", nil)
	expectError(t, `{"StartAt":"F","States":{"F":{"Type":"Fail","ErrorPath":"$.e","CausePath":"States.Format('code {}', $.c)"}}}`,
		`{"e":"Dynamic","c":7}`, "Dynamic", "code 7", nil)
	expectError(t, `{"QueryLanguage":"JSONata","StartAt":"F","States":{"F":{"Type":"Fail","Error":"{% 'E' & $states.input.n %}","Cause":"c"}}}`, `{"n":1}`, "E1", "c", nil)
}

func TestTaskTimeouts(t *testing.T) {
	slow := TaskFunc(func(ctx context.Context, _ TaskRequest) (any, error) {
		if err := ClockFrom(ctx).Sleep(ctx, time.Minute); err != nil {
			return nil, err
		}
		return "done", nil
	})
	expectError(t, task(`"TimeoutSeconds":30,`), `{}`, ErrTimeout, "", (&Registry{}).HandleState("T", slow))
	expectError(t, task(`"TimeoutSecondsPath":"$.t",`), `{"t":10}`, ErrTimeout, "", (&Registry{}).HandleState("T", slow))
	expectOutput(t, task(`"TimeoutSeconds":120,`), `{}`, `"done"`, (&Registry{}).HandleState("T", slow))
	// The execution's own timeout ends it as TIMED_OUT.
	def := `{"StartAt":"W","TimeoutSeconds":60,"States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`
	res, hist := execute(t, def, `{}`, nil)
	if res.Status != StatusTimedOut || res.Error != ErrTimeout || hist[len(hist)-1].Type != "ExecutionTimedOut" {
		t.Errorf("execution %s %s, last event %s", res.Status, res.Error, hist[len(hist)-1].Type)
	}
	if d := hist[len(hist)-1].Timestamp.Sub(hist[0].Timestamp); d != time.Minute {
		t.Errorf("timed out after %v of virtual time, want 1m", d)
	}
}

func TestWaitState(t *testing.T) {
	for _, wait := range []string{`"Seconds":90`, `"SecondsPath":"$.s"`, `"Timestamp":"2026-11-22T00:01:30Z"`, `"TimestampPath":"$.ts"`} {
		_, hist := execute(t, `{"StartAt":"W","States":{"W":{"Type":"Wait",`+wait+`,"End":true}}}`, `{"s":90,"ts":"2026-11-22T00:01:30Z"}`, nil)
		if d := hist[len(hist)-1].Timestamp.Sub(hist[0].Timestamp); d != 90*time.Second {
			t.Errorf("%s waited %v", wait, d)
		}
	}
	expectError(t, `{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.s","End":true}}}`, `{"s":"soon"}`, ErrRuntime, "whole, non-negative number", nil)
	// A timestamp in the past does not wait.
	_, hist := execute(t, `{"StartAt":"W","States":{"W":{"Type":"Wait","Timestamp":"2000-01-01T00:00:00Z","End":true}}}`, `{}`, nil)
	if d := hist[len(hist)-1].Timestamp.Sub(hist[0].Timestamp); d != 0 {
		t.Errorf("waited %v for a past timestamp", d)
	}
}

func TestTaskTokens(t *testing.T) {
	def := `{"StartAt":"Ask","States":{"Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
	  "Parameters":{"MessageBody":{"token.$":"$$.Task.Token","order.$":"$.id"}},"HeartbeatSeconds":60,"TimeoutSeconds":600,"ResultPath":"$.answer",
	  "Catch":[{"ErrorEquals":["Rejected","States.Timeout","States.HeartbeatTimeout"],"ResultPath":"$.err","Next":"No"}],"End":true},
	  "No":{"Type":"Pass","End":true}}}`
	sm, err := Parse([]byte(def))
	if err != nil {
		t.Fatal(err)
	}
	run := func(t *testing.T, answer func(e *Engine, p PendingTask, clock *VirtualClock)) Result {
		t.Helper()
		clock := NewVirtualClock(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))
		e := NewEngine(Options{Clock: clock})
		clock.Hold() // the test is a participant: time stands still until it answers
		x, err := e.Start(context.Background(), sm, []byte(`{"id":"o-1"}`), "")
		if err != nil {
			t.Fatal(err)
		}
		p, err := x.WaitForTask(context.Background(), "Ask")
		if err != nil {
			t.Fatal(err)
		}
		if p.Input.(map[string]any)["MessageBody"].(map[string]any)["token"] != p.Token {
			t.Errorf("the message does not carry the token: %v", p.Input)
		}
		answer(e, p, clock)
		clock.Release()
		res, _ := x.Wait(context.Background())
		return res
	}
	t.Run("success", func(t *testing.T) {
		res := run(t, func(e *Engine, p PendingTask, _ *VirtualClock) {
			if err := e.SendTaskSuccess(p.Token, []byte(`{"approved":true}`)); err != nil {
				t.Fatal(err)
			}
			if err := e.SendTaskSuccess(p.Token, []byte(`{}`)); !IsAPIError(err, CodeTaskDoesNotExist) {
				t.Errorf("a second answer: %v", err)
			}
		})
		if res.Output.(map[string]any)["answer"].(map[string]any)["approved"] != true {
			t.Errorf("output %v", res.Output)
		}
	})
	t.Run("failure", func(t *testing.T) {
		res := run(t, func(e *Engine, p PendingTask, _ *VirtualClock) {
			if err := e.SendTaskFailure(p.Token, "Rejected", "no"); err != nil {
				t.Fatal(err)
			}
		})
		if res.Output.(map[string]any)["err"].(map[string]any)["Error"] != "Rejected" {
			t.Errorf("output %v", res.Output)
		}
	})
	t.Run("heartbeats keep it alive, then it times out", func(t *testing.T) {
		res := run(t, func(e *Engine, p PendingTask, clock *VirtualClock) {
			for i := 0; i < 3; i++ {
				clock.Advance(50 * time.Second)
				if err := e.SendTaskHeartbeat(p.Token); err != nil {
					t.Fatalf("heartbeat %d: %v", i, err)
				}
			}
		})
		if res.Output.(map[string]any)["err"].(map[string]any)["Error"] != ErrHeartbeatTimeout {
			t.Errorf("output %v, want a heartbeat timeout once the beats stop", res.Output)
		}
	})
	t.Run("nobody answers", func(t *testing.T) {
		var token string
		var eng *Engine
		res := run(t, func(e *Engine, p PendingTask, _ *VirtualClock) { token, eng = p.Token, e })
		if res.Output.(map[string]any)["err"].(map[string]any)["Error"] != ErrHeartbeatTimeout {
			t.Errorf("output %v", res.Output)
		}
		if err := eng.SendTaskSuccess(token, []byte(`{}`)); !IsAPIError(err, CodeTaskTimedOut) {
			t.Errorf("answering a timed-out token: %v", err)
		}
	})
	e := NewEngine(Options{})
	if err := e.SendTaskSuccess("no-such-token", []byte(`{}`)); !IsAPIError(err, CodeTaskDoesNotExist) {
		t.Errorf("unknown token: %v", err)
	}
	var api *APIError
	if err := e.SendTaskSuccess("", []byte(`{}`)); !errors.As(err, &api) || api.Code != CodeInvalidToken {
		t.Errorf("empty token: %v", err)
	}
}

func TestLambdaErrorsAreNamedByType(t *testing.T) {
	type PaymentDeclined struct{ error }
	handler := func(ctx context.Context, in map[string]any) (map[string]any, error) {
		if in["fail"] == true {
			return nil, &PaymentDeclined{errors.New("card declined")}
		}
		if in["panic"] == true {
			panic("boom")
		}
		return map[string]any{"paid": in["amount"]}, nil
	}
	reg := (&Registry{}).HandleFunction("Pay", LambdaFunction(handler))
	direct := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:Pay","End":true}}}`
	expectOutput(t, direct, `{"amount":5}`, `{"paid":5}`, reg)
	expectError(t, direct, `{"fail":true}`, "PaymentDeclined", `"errorType":"PaymentDeclined"`, reg)
	expectError(t, direct, `{"panic":true}`, "string", "boom", reg)
	// Through lambda:invoke the function gets Payload and the result wraps it.
	invoke := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
	  "Parameters":{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:Pay:$LATEST","Payload":{"amount.$":"$.a"}},"OutputPath":"$.Payload","End":true}}}`
	expectOutput(t, invoke, `{"a":9}`, `{"paid":9}`, reg)
	expectError(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:Nobody","End":true}}}`,
		`{}`, ErrRuntime, "no handler", reg)
}

// TestOnTaskTokenHoldsTime answers a token after its task was retried: the
// hook holds virtual time from the moment the wait starts, so the retry's
// backoff passes but the heartbeat timeout does not.
func TestOnTaskTokenHoldsTime(t *testing.T) {
	def := `{"StartAt":"Ask","States":{"Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
	  "Parameters":{"MessageBody":{"token.$":"$$.Task.Token"}},"HeartbeatSeconds":60,"TimeoutSeconds":600,
	  "Retry":[{"ErrorEquals":["SQS.AmazonSQSException"],"IntervalSeconds":30}],"End":true}}}`
	sm, err := Parse([]byte(def))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	clock := NewVirtualClock(start)
	issued := make(chan PendingTask, 1)
	calls := 0
	sqs := TaskFunc(func(context.Context, TaskRequest) (any, error) {
		if calls++; calls == 1 {
			return nil, &Failure{Name: "SQS.AmazonSQSException", Cause: "throttled"}
		}
		return map[string]any{}, nil
	})
	e := NewEngine(Options{Clock: clock, Tasks: ResolverFunc(func(string, string, any) (TaskHandler, bool) { return sqs, true }),
		OnTaskToken: func(p PendingTask) { clock.Hold(); issued <- p }})
	x, err := e.Start(context.Background(), sm, []byte(`{}`), "")
	if err != nil {
		t.Fatal(err)
	}
	p := <-issued
	if got := clock.Now().Sub(start); got != 30*time.Second {
		t.Errorf("the token was issued after %v; want the 30s backoff", got)
	}
	if err := e.SendTaskSuccess(p.Token, []byte(`{"ok":true}`)); err != nil {
		t.Fatal(err)
	}
	clock.Release()
	res, _ := x.Wait(context.Background())
	if res.Status != StatusSucceeded || calls != 2 {
		t.Errorf("%s after %d calls: %s %s", res.Status, calls, res.Error, res.Cause)
	}
}

// TestExecutionNames follows StartExecution: a name is used once, a
// repeated start of a running execution with the same input is
// idempotent, and names with forbidden characters are refused.
func TestExecutionNames(t *testing.T) {
	sm, err := Parse([]byte(`{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	clock := NewVirtualClock(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))
	e := NewEngine(Options{Clock: clock})
	clock.Hold()
	first, err := e.Start(context.Background(), sm, []byte(`{"a":1}`), "ord-1")
	if err != nil {
		t.Fatal(err)
	}
	if again, err := e.Start(context.Background(), sm, []byte(`{"a": 1}`), "ord-1"); err != nil || again != first {
		t.Errorf("restarting a running execution with its input: %v, %v", again, err)
	}
	if _, err := e.Start(context.Background(), sm, []byte(`{"a":2}`), "ord-1"); !IsAPIError(err, CodeExecutionAlreadyExists) {
		t.Errorf("same name, other input: %v", err)
	}
	clock.Release()
	first.Wait(context.Background())
	if _, err := e.Start(context.Background(), sm, []byte(`{"a":1}`), "ord-1"); !IsAPIError(err, CodeExecutionAlreadyExists) {
		t.Errorf("same name after it ended: %v", err)
	}
	for _, bad := range []string{"has space", "a/b", "x:y", strings.Repeat("n", 81), "tab\there"} {
		if _, err := e.Start(context.Background(), sm, nil, bad); !IsAPIError(err, CodeInvalidName) {
			t.Errorf("name %q: %v", bad, err)
		}
	}
}

// eagerStarter is a virtual clock that lets each goroutine it starts run
// until it blocks or ends before its caller goes on, as a busy scheduler
// may. It uses synctest.Wait, so it works only inside a synctest bubble and
// only where one goroutine at a time starts work.
type eagerStarter struct{ *VirtualClock }

func (c eagerStarter) Go(f func()) {
	c.Hold() // as VirtualClock.Go counts f, on a goroutine of the bubble
	go func() {
		defer c.Release()
		f()
	}()
	synctest.Wait()
}

// TestStartRacesNoTimeout: the watcher of an execution's timeout must
// never see the clock idle before the execution itself has started. The
// clock lets the watcher block on its timeout before the execution's own
// goroutine is started, the interleaving that would expose the race.
func TestStartRacesNoTimeout(t *testing.T) {
	sm, err := Parse([]byte(`{"StartAt":"P","TimeoutSeconds":60,"States":{"P":{"Type":"Pass","End":true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	synctest.Test(t, func(t *testing.T) {
		clock := eagerStarter{NewVirtualClock(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))}
		res, _, err := NewEngine(Options{Clock: clock}).Run(context.Background(), sm, []byte(`{}`))
		if err != nil || res.Status != StatusSucceeded {
			t.Fatalf("%s %s %v", res.Status, res.Cause, err)
		}
	})
}
