package asl

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeActivities is an ActivityQueue that hands its tasks to the test.
type fakeActivities struct {
	tasks     chan *ActivityTask
	mu        sync.Mutex
	cancelled int
}

func (q *fakeActivities) Schedule(task *ActivityTask) (func(), error) {
	if strings.HasSuffix(task.ActivityArn, ":missing") {
		return nil, &APIError{Code: "ActivityDoesNotExist", Message: "no such activity"}
	}
	q.tasks <- task
	return func() { q.mu.Lock(); q.cancelled++; q.mu.Unlock() }, nil
}

const activityDef = `{"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:%s",
  "TimeoutSeconds": 30, "HeartbeatSeconds": 10, "ResultPath": "$.out", "End": true}}}`

func runActivity(t *testing.T, name string, q *fakeActivities, work func(e *Engine, task *ActivityTask)) (Result, []string) {
	t.Helper()
	clock := NewVirtualClock(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	// The test answers tokens: hold the virtual clock while it does.
	e := NewEngine(Options{Clock: clock, Activities: q, OnTaskToken: func(PendingTask) {
		if work != nil {
			clock.Hold()
		}
	}})
	sm, err := Parse([]byte(strings.Replace(activityDef, "%s", name, 1)))
	if err != nil {
		t.Fatal(err)
	}
	x, err := e.Start(context.Background(), sm, []byte(`{"n": 1}`), "")
	if err != nil {
		t.Fatal(err)
	}
	if work != nil {
		task := <-q.tasks
		work(e, task)
		clock.Release()
	}
	res, err := x.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, ev := range x.History() {
		types = append(types, ev.Type)
	}
	return res, types
}

func TestActivityTaskAnsweredByAWorker(t *testing.T) {
	q := &fakeActivities{tasks: make(chan *ActivityTask, 1)}
	res, types := runActivity(t, "work", q, func(e *Engine, task *ActivityTask) {
		if task.Input != `{"n":1}` || task.State != "Work" {
			t.Errorf("task = %+v", task)
		}
		if !task.Start("w1") {
			t.Fatal("Start refused a waiting task")
		}
		if err := e.SendTaskSuccess(task.Token, []byte(`{"ok": true}`)); err != nil {
			t.Fatal(err)
		}
	})
	if res.Status != StatusSucceeded || toJSON(res.Output) != `{"n":1,"out":{"ok":true}}` {
		t.Errorf("result = %+v", res)
	}
	if got := strings.Join(types, ","); !strings.Contains(got, "ActivityScheduled,ActivityStarted,ActivitySucceeded,TaskStateExited") {
		t.Errorf("history = %s", got)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.cancelled != 1 {
		t.Errorf("the queue's cancel ran %d times, want once", q.cancelled)
	}
}

func TestActivityTaskTimesOutWithoutAWorker(t *testing.T) {
	q := &fakeActivities{tasks: make(chan *ActivityTask, 1)}
	res, types := runActivity(t, "work", q, nil)
	if res.Status != StatusFailed || res.Error != ErrHeartbeatTimeout {
		t.Errorf("result = %+v, want FAILED %s (HeartbeatSeconds 10 passes before TimeoutSeconds 30)", res, ErrHeartbeatTimeout)
	}
	if got := strings.Join(types, ","); !strings.Contains(got, "ActivityScheduled,ActivityTimedOut,ExecutionFailed") {
		t.Errorf("history = %s", got)
	}
	task := <-q.tasks
	if task.Start("late") {
		t.Error("Start gave a timed-out task to a worker")
	}
}

func TestActivityThatDoesNotExistFailsItsSchedule(t *testing.T) {
	q := &fakeActivities{tasks: make(chan *ActivityTask, 1)}
	res, types := runActivity(t, "missing", q, nil)
	if res.Status != StatusFailed || res.Error != "ActivityDoesNotExist" {
		t.Errorf("result = %+v", res)
	}
	if got := strings.Join(types, ","); !strings.Contains(got, "ActivityScheduled,ActivityScheduleFailed,ExecutionFailed") {
		t.Errorf("history = %s", got)
	}
}

// TestActivityWithoutAQueueRunsItsHandler keeps engines without
// Options.Activities (tests, the harness) resolving activities as tasks.
func TestActivityWithoutAQueueRunsItsHandler(t *testing.T) {
	tasks := ResolverFunc(func(_, resource string, _ any) (TaskHandler, bool) {
		return TaskFunc(func(context.Context, TaskRequest) (any, error) { return "done", nil }), strings.Contains(resource, ":activity:")
	})
	e := NewEngine(Options{Tasks: tasks})
	sm, err := Parse([]byte(strings.Replace(activityDef, "%s", "work", 1)))
	if err != nil {
		t.Fatal(err)
	}
	x, err := e.Start(context.Background(), sm, []byte(`{}`), "")
	if err != nil {
		t.Fatal(err)
	}
	if res, _ := x.Wait(context.Background()); res.Status != StatusSucceeded {
		t.Errorf("result = %+v", res)
	}
}
