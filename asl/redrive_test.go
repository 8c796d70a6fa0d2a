package asl

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

// mendable is a task handler set that counts calls per key and fails the keys
// marked broken until they are mended.
type mendable struct {
	mu     sync.Mutex
	calls  map[string]int
	broken map[string]bool
}

func newMendable(broken ...string) *mendable {
	f := &mendable{calls: map[string]int{}, broken: map[string]bool{}}
	for _, b := range broken {
		f.broken[b] = true
	}
	return f
}

// call counts key and fails it while it is broken.
func (f *mendable) call(key string, out any) (any, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[key]++
	if f.broken[key] {
		return nil, &Failure{Name: "Broken", Cause: key + " is broken"}
	}
	return out, nil
}

func (f *mendable) mend() {
	f.mu.Lock()
	f.broken = map[string]bool{}
	f.mu.Unlock()
}

func (f *mendable) count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[key]
}

// redriveEngine runs def with tasks answered by f: a Task state's key is
// its name, or, inside a Map, the item's "id".
func redriveEngine(t *testing.T, f *mendable, def string) (*Engine, *StateMachine) {
	t.Helper()
	sm, err := Parse([]byte(def))
	if err != nil {
		t.Fatal(err)
	}
	tasks := ResolverFunc(func(state, _ string, _ any) (TaskHandler, bool) {
		return TaskFunc(func(_ context.Context, req TaskRequest) (any, error) {
			if m, ok := req.Input.(map[string]any); ok && m["id"] != nil {
				return f.call(m["id"].(string), req.Input)
			}
			return f.call(state, req.Input)
		}), true
	})
	return NewEngine(Options{Tasks: tasks}), sm
}

func mustEnd(t *testing.T, x *Execution, want Status) Result {
	t.Helper()
	res, err := x.Wait(context.Background())
	if err != nil || res.Status != want {
		t.Fatalf("execution ended %+v (%v), want %s", res, err, want)
	}
	return res
}

func TestRedriveResumesFromTheFailedState(t *testing.T) {
	// GIVEN a machine whose second task fails
	f := newMendable("B")
	e, sm := redriveEngine(t, f, `{"StartAt":"A","States":{
	  "A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:a","ResultPath":"$.a","Assign":{"fromA.$":"$.n"},"Next":"B"},
	  "B":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:b","ResultPath":null,"Next":"C"},
	  "C":{"Type":"Pass","Parameters":{"n.$":"$.n","fromA.$":"$fromA","redrives.$":"$$.Execution.RedriveCount"},"End":true}}}`)
	x, err := e.Start(context.Background(), sm, []byte(`{"n":7}`), "run")
	if err != nil {
		t.Fatal(err)
	}
	mustEnd(t, x, StatusFailed)
	// WHEN the task is mended and the execution redriven
	f.mend()
	if err := e.Redrive(context.Background(), x, sm); err != nil {
		t.Fatal(err)
	}
	res := mustEnd(t, x, StatusSucceeded)
	// THEN A ran once, B twice, and C saw A's variable and the redrive count
	if f.count("A") != 1 || f.count("B") != 2 {
		t.Errorf("calls = %v, want A once and B twice", f.calls)
	}
	if got := toJSON(res.Output); got != `{"fromA":7,"n":7,"redrives":1}` {
		t.Errorf("output = %s", got)
	}
	if x.RedriveCount() != 1 || x.RedriveDate().IsZero() {
		t.Errorf("redrive count %d, date %v", x.RedriveCount(), x.RedriveDate())
	}
	var types []string
	for _, ev := range x.History() {
		types = append(types, ev.Type)
	}
	want := []string{"ExecutionFailed", "ExecutionRedriven", "TaskStateEntered"}
	if !containsRun(types, want) {
		t.Errorf("history %v lacks %v", types, want)
	}
}

// containsRun tells whether want appears in got as consecutive elements.
func containsRun(got, want []string) bool {
	for i := 0; i+len(want) <= len(got); i++ {
		match := true
		for j := range want {
			match = match && got[i+j] == want[j]
		}
		if match {
			return true
		}
	}
	return false
}

func TestRedriveRerunsOnlyFailedBranchesAndIterations(t *testing.T) {
	cases := map[string]string{
		"parallel": `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
		  {"StartAt":"x","States":{"x":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"id":"x"},"End":true}}},
		  {"StartAt":"later","States":{"later":{"Type":"Wait","Seconds":1,"Next":"y"},"y":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"id":"y"},"End":true}}}]}}}`,
		"inline map": `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"End":true,"ItemProcessor":{"StartAt":"T","States":{
		  "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}}}}`,
		"distributed map": `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"T","States":{
		  "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}}}}`,
	}
	// y fails after x succeeded (a failure cancels the running siblings,
	// which a redrive runs again, as it does those that failed).
	for name, def := range cases {
		t.Run(name, func(t *testing.T) {
			f := newMendable("y")
			e, sm := redriveEngine(t, f, def)
			x, err := e.Start(context.Background(), sm, []byte(`[{"id":"x"},{"id":"y"}]`), "")
			if err != nil {
				t.Fatal(err)
			}
			mustEnd(t, x, StatusFailed)
			f.mend()
			if err := e.Redrive(context.Background(), x, sm); err != nil {
				t.Fatal(err)
			}
			res := mustEnd(t, x, StatusSucceeded)
			if f.count("x") != 1 || f.count("y") != 2 {
				t.Errorf("calls = %v, want x once and y twice", f.calls)
			}
			if got := toJSON(res.Output); got != `[{"id":"x"},{"id":"y"}]` {
				t.Errorf("output = %s", got)
			}
		})
	}
}

func TestRedriveRedrivesTheMapRun(t *testing.T) {
	f := newMendable("y")
	e, sm := redriveEngine(t, f, `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"T","States":{
	  "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}}}}`)
	x, _ := e.Start(context.Background(), sm, []byte(`[{"id":"x"},{"id":"y"},{"id":"z"}]`), "")
	mustEnd(t, x, StatusFailed)
	runs := x.MapRuns()
	if len(runs) != 1 || runs[0].Status != MapRunFailed || runs[0].Executions.Succeeded != 2 || runs[0].Executions.Failed != 1 || runs[0].Items.PendingRedrive != 1 {
		t.Fatalf("map runs after the failure = %+v", runs)
	}
	f.mend()
	if err := e.Redrive(context.Background(), x, sm); err != nil {
		t.Fatal(err)
	}
	mustEnd(t, x, StatusSucceeded)
	again := x.MapRuns()
	if len(again) != 1 || again[0].Arn != runs[0].Arn || again[0].Status != MapRunSucceeded || again[0].RedriveCount != 1 ||
		again[0].Executions.Succeeded != 3 || again[0].Executions.Failed != 0 || again[0].Items.Total != 3 {
		t.Errorf("map runs after the redrive = %+v", again)
	}
}

func TestRedriveRefuses(t *testing.T) {
	f := newMendable()
	e, sm := redriveEngine(t, f, `{"StartAt":"W","States":{"W":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}`)
	x, _ := e.Start(context.Background(), sm, nil, "")
	mustEnd(t, x, StatusSucceeded)
	var api *APIError
	if err := e.Redrive(context.Background(), x, sm); !errors.As(err, &api) || api.Code != CodeExecutionNotRedrivable {
		t.Errorf("redrive of a succeeded execution: %v", err)
	}
	ex := NewEngine(Options{Type: Express})
	y, err := ex.Start(context.Background(), sm, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	y.Wait(context.Background())
	if err := ex.Redrive(context.Background(), y, sm); !errors.As(err, &api) || api.Code != CodeExecutionNotRedrivable {
		t.Errorf("redrive of an Express execution: %v", err)
	}
}

func TestUpdateMapRunRaisesConcurrencyWhileItRuns(t *testing.T) {
	// GIVEN a map run of three children, one at a time, whose children
	// wait to be released
	sm, err := Parse([]byte(`{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"End":true,"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"T","States":{
	  "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}, 3), make(chan struct{})
	var running, most atomic.Int32
	tasks := ResolverFunc(func(string, string, any) (TaskHandler, bool) {
		return TaskFunc(func(ctx context.Context, req TaskRequest) (any, error) {
			n := running.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			started <- struct{}{}
			<-release
			running.Add(-1)
			return req.Input, nil
		}), true
	})
	e := NewEngine(Options{Tasks: tasks, Clock: RealClock{}})
	x, _ := e.Start(context.Background(), sm, []byte(`[1,2,3]`), "")
	<-started
	runs := x.MapRuns()
	if len(runs) != 1 || runs[0].MaxConcurrency != 1 || runs[0].Executions.Running != 1 || runs[0].Executions.Pending != 2 {
		t.Fatalf("map run while one child runs = %+v", runs)
	}
	// WHEN its concurrency is raised
	three := 3
	if !x.UpdateMapRun(runs[0].Arn, MapRunUpdate{MaxConcurrency: &three}) {
		t.Fatal("UpdateMapRun did not find the run")
	}
	// THEN the other two children start before the first ends
	<-started
	<-started
	if most.Load() != 3 {
		t.Errorf("at most %d children ran at once, want 3", most.Load())
	}
	close(release)
	mustEnd(t, x, StatusSucceeded)
	if x.UpdateMapRun("arn:aws:states:us-east-1:123456789012:mapRun:StateMachine/none:1", MapRunUpdate{}) {
		t.Error("UpdateMapRun found a map run that does not exist")
	}
}

func TestUpdateMapRunToleranceDecidesTheEnd(t *testing.T) {
	f := newMendable("y")
	e, sm := redriveEngine(t, f, `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"T","States":{
	  "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}}}}`)
	gate, entered := make(chan struct{}), make(chan struct{}, 2)
	tasks := e.opts.Tasks
	e.opts.Tasks = ResolverFunc(func(state, res string, in any) (TaskHandler, bool) {
		h, _ := tasks.Resolve(state, res, in)
		return TaskFunc(func(ctx context.Context, req TaskRequest) (any, error) {
			entered <- struct{}{}
			<-gate
			return h.Invoke(ctx, req)
		}), true
	})
	x, _ := e.Start(context.Background(), sm, []byte(`[{"id":"x"},{"id":"y"}]`), "")
	<-entered // the run exists once a child runs
	one := 1
	x.UpdateMapRun(x.MapRuns()[0].Arn, MapRunUpdate{ToleratedFailureCount: &one})
	close(gate)
	mustEnd(t, x, StatusSucceeded)
}
