package asl

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestLambdaHandlersGetTheirOwnInput: a Go handler behind LambdaFunction
// (or a process behind LambdaInvoker) receives the input through JSON,
// so changing it changes neither the history nor the state's output.
func TestLambdaHandlersGetTheirOwnInput(t *testing.T) {
	mutate := func(in map[string]any) map[string]any {
		in["order"].(map[string]any)["id"] = "changed"
		in["items"].([]any)[0] = "changed"
		return map[string]any{"ok": true}
	}
	handlers := map[string]TaskHandler{
		"LambdaFunction": LambdaFunction(func(_ context.Context, in map[string]any) (map[string]any, error) {
			return mutate(in), nil
		}),
		"LambdaInvoker": LambdaInvoker(func(_ context.Context, payload []byte) ([]byte, error) {
			var in map[string]any
			if err := decodeInto(payload, &in); err != nil {
				return nil, err
			}
			return marshal(mutate(in))
		}),
	}
	for name, h := range handlers {
		t.Run(name, func(t *testing.T) {
			res, hist := execute(t, task(`"Parameters":{"order.$":"$.order","items.$":"$.items"},"ResultPath":"$.r",`),
				`{"order":{"id":"o-1"},"items":["a","b"]}`, (&Registry{}).HandleState("T", h))
			if got := toJSON(res.Output); got != `{"items":["a","b"],"order":{"id":"o-1"},"r":{"ok":true}}` {
				t.Errorf("output %s", got)
			}
			for _, e := range hist {
				if d := e.LambdaFunctionScheduledEventDetails; d != nil && d.Input != `{"items":["a","b"],"order":{"id":"o-1"}}` {
					t.Errorf("scheduled with %s", d.Input)
				}
			}
		})
	}
}

// decodeInto decodes JSON into v, for the test's process stand-in.
func decodeInto(b []byte, v *map[string]any) error {
	x, err := decodeJSON(b)
	if err != nil {
		return err
	}
	m, ok := x.(map[string]any)
	if !ok {
		return errors.New("not an object")
	}
	*v = m
	return nil
}

// TestInlineHandlerTimesOut: a handler run inline on the virtual clock
// that waits past its task's timeout sees its wait end at the deadline
// with its context done, and the task times out then.
func TestInlineHandlerTimesOut(t *testing.T) {
	var waitErr, ctxErr error
	var done bool
	slow := TaskFunc(func(ctx context.Context, _ TaskRequest) (any, error) {
		waitErr = ClockFrom(ctx).Sleep(ctx, time.Hour)
		ctxErr = ctx.Err()
		select {
		case <-ctx.Done():
			done = true
		default:
		}
		return "too late", nil
	})
	_, hist := execute(t, task(`"TimeoutSeconds":30,`), `{}`, (&Registry{}).HandleState("T", slow))
	if !errors.Is(waitErr, context.DeadlineExceeded) || !errors.Is(ctxErr, context.DeadlineExceeded) || !done {
		t.Errorf("after the deadline the wait gave %v, the context %v (done %v); want both DeadlineExceeded", waitErr, ctxErr, done)
	}
	var timedOut *Event
	for i := range hist {
		if hist[i].Type == "LambdaFunctionTimedOut" {
			timedOut = &hist[i]
		}
	}
	if timedOut == nil {
		t.Fatalf("no LambdaFunctionTimedOut in %v", hist)
	}
	if d := timedOut.Timestamp.Sub(hist[0].Timestamp); d != 30*time.Second {
		t.Errorf("timed out after %v of virtual time, want 30s", d)
	}
}

// TestInlineHandlerWaitsWithinItsTimeout: waits shorter than the
// timeout pass as on the clock itself, a signal fired by work the handler
// started wakes it, and the handler's context ends when it returns.
func TestInlineHandlerWaitsWithinItsTimeout(t *testing.T) {
	var kept context.Context
	h := TaskFunc(func(ctx context.Context, _ TaskRequest) (any, error) {
		kept = ctx
		clock := ClockFrom(ctx)
		if err := clock.Sleep(ctx, 10*time.Second); err != nil {
			return nil, err
		}
		sig := clock.NewSignal()
		clock.Go(func() {
			_ = clock.Sleep(context.Background(), 5*time.Second)
			sig.Fire()
		})
		if timedOut, err := sig.Wait(ctx, 0); timedOut || err != nil {
			return nil, errors.Join(errors.New("the signal did not wake the handler"), err)
		}
		return "done", nil
	})
	res, hist := execute(t, task(`"TimeoutSeconds":30,`), `{}`, (&Registry{}).HandleState("T", h))
	if res.Status != StatusSucceeded || res.Output != "done" {
		t.Fatalf("%s %v %s", res.Status, res.Output, res.Cause)
	}
	if d := hist[len(hist)-1].Timestamp.Sub(hist[0].Timestamp); d != 15*time.Second {
		t.Errorf("the task took %v of virtual time, want 15s", d)
	}
	if !errors.Is(kept.Err(), context.Canceled) {
		t.Errorf("after the handler returned its context is %v, want Canceled", kept.Err())
	}
	<-kept.Done()
}

// TestInlineHandlerStopped: stopping an execution ends the wait of a
// handler run inline, and the execution ends ABORTED.
func TestInlineHandlerStopped(t *testing.T) {
	sm, err := Parse([]byte(task(`"TimeoutSeconds":300,`)))
	if err != nil {
		t.Fatal(err)
	}
	clock := NewVirtualClock(time.Unix(0, 0))
	waiting := make(chan struct{})
	h := TaskFunc(func(ctx context.Context, _ TaskRequest) (any, error) {
		clock.Hold() // time stands still until the test has stopped the execution
		close(waiting)
		return nil, ClockFrom(ctx).Sleep(ctx, time.Minute)
	})
	e := NewEngine(Options{Clock: clock, Tasks: (&Registry{}).HandleState("T", h)})
	x, err := e.Start(context.Background(), sm, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	<-waiting
	x.Stop("Stopped", "by the test")
	clock.Release()
	res, err := x.Wait(context.Background())
	if err != nil || res.Status != StatusAborted || !strings.Contains(res.Cause, "by the test") {
		t.Errorf("%v %s %s %s", err, res.Status, res.Error, res.Cause)
	}
}
