package asl

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// TestExecutionTimeoutLeavesNoTimer: an execution's timeout is a timer
// of the virtual clock, removed when the execution ends first, so a
// long-lived clock (sfnkit serve's) keeps no timer per execution.
func TestExecutionTimeoutLeavesNoTimer(t *testing.T) {
	sm, err := Parse([]byte(`{"StartAt":"P","TimeoutSeconds":3600,"States":{"P":{"Type":"Pass","End":true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	clock := NewVirtualClock(time.Unix(0, 0))
	e := NewEngine(Options{Clock: clock})
	for range 3 {
		if res, _, err := e.Run(context.Background(), sm, nil); err != nil || res.Status != StatusSucceeded {
			t.Fatalf("%v %s", err, res.Status)
		}
	}
	clock.mu.Lock()
	defer clock.mu.Unlock()
	if n := clock.timers.Len(); n != 0 {
		t.Errorf("%d timers left on the clock", n)
	}
}

// TestAfterFuncWakesCancelledWaitersFirst: when a timer's function
// cancels a waiter's context, the waiter wakes at that time, before the
// clock moves on to a later timer.
func TestAfterFuncWakesCancelledWaitersFirst(t *testing.T) {
	clock := NewVirtualClock(time.Unix(0, 0))
	ctx, cancel := context.WithCancel(context.Background())
	clock.afterFunc(time.Minute, cancel)
	var woke time.Time
	done := make(chan struct{})
	clock.Go(func() {
		defer close(done)
		if err := clock.Sleep(ctx, time.Hour); err == nil {
			t.Error("the sleep outlived its context")
		}
		woke = clock.Now()
	})
	<-done
	if got := woke.Sub(time.Unix(0, 0)); got != time.Minute {
		t.Errorf("woke after %v, want 1m", got)
	}
}

// TestWorkersRunConcurrentUnits: units started while others wait run
// at once (a unit never queues behind a busy worker), and workers are
// reused once idle.
func TestWorkersRunConcurrentUnits(t *testing.T) {
	const n = 50
	release := make(chan struct{})
	var started atomic.Int32
	all := make(chan struct{})
	for range n {
		workers.run(func() {
			if started.Add(1) == n {
				close(all)
			}
			<-release
		})
	}
	select {
	case <-all:
	case <-time.After(10 * time.Second):
		t.Fatalf("%d of %d units started", started.Load(), n)
	}
	close(release)
	for range 1000 {
		ran := make(chan struct{})
		workers.run(func() { close(ran) })
		<-ran
	}
}

// TestWaitRunsTheExecution: a Wait that cannot be cancelled runs an
// execution not yet started on its own goroutine, and the clock counts
// it as it counts work it started: two executions sharing a clock still
// end at their own virtual times.
func TestWaitRunsTheExecution(t *testing.T) {
	wait := func(seconds string) *StateMachine {
		sm, err := Parse([]byte(`{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":` + seconds + `,"End":true}}}`))
		if err != nil {
			t.Fatal(err)
		}
		return sm
	}
	start := time.Unix(0, 0)
	clock := NewVirtualClock(start)
	e := NewEngine(Options{Clock: clock})
	clock.Hold() // both start at 0
	long, err := e.Start(context.Background(), wait("60"), nil, "")
	if err != nil {
		t.Fatal(err)
	}
	short, err := e.Start(context.Background(), wait("30"), nil, "")
	if err != nil {
		t.Fatal(err)
	}
	clock.Release()
	for _, c := range []struct {
		x    *Execution
		want time.Duration
	}{{long, time.Minute}, {short, 30 * time.Second}} {
		res, err := c.x.Wait(context.Background())
		if err != nil || res.Status != StatusSucceeded {
			t.Fatalf("%v %s", err, res.Status)
		}
		if got := c.x.StopDate().Sub(start); got != c.want {
			t.Errorf("ended after %v, want %v", got, c.want)
		}
	}
}

// TestVirtualClockKeepsTimesUnixNanoCannotHold: Now reads the time
// without the lock as Unix nanoseconds, which span 1678 to 2262; a clock
// started outside that span still tells its time.
func TestVirtualClockKeepsTimesUnixNanoCannotHold(t *testing.T) {
	for _, start := range []time.Time{{}, time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 2, 4, 5, 6, 7, time.UTC)} {
		v := NewVirtualClock(start)
		v.Advance(time.Hour)
		if got, want := v.Now(), start.Add(time.Hour); !got.Equal(want) {
			t.Errorf("started at %v: Now is %v after an hour; want %v", start, got, want)
		}
	}
}
