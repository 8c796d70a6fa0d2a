package asl

import (
	"context"
	"sync"
	"time"
)

// Map run statuses, as DescribeMapRun reports them.
const (
	MapRunRunning   = "RUNNING"
	MapRunSucceeded = "SUCCEEDED"
	MapRunFailed    = "FAILED"
	MapRunAborted   = "ABORTED"
)

// MapRunCounts counts the items or the child executions of a map run, in
// the shape of DescribeMapRun's itemCounts and executionCounts.
type MapRunCounts struct {
	Pending, Running, Succeeded, Failed, TimedOut, Aborted, Total int
	ResultsWritten, FailuresNotRedrivable, PendingRedrive         int
}

// MapRun is a snapshot of one Distributed Map run.
type MapRun struct {
	Arn, ExecutionArn, Status string
	// Start and Stop are when the run began and ended (Stop is zero while
	// it runs).
	Start, Stop time.Time
	// MaxConcurrency is how many child executions run at once; zero is no
	// limit. UpdateMapRun may change it and the tolerances while it runs.
	MaxConcurrency             int
	ToleratedFailurePercentage float64
	ToleratedFailureCount      int
	Items, Executions          MapRunCounts
	// RedriveCount and RedriveDate tell how often and when the run was
	// redriven with its parent execution.
	RedriveCount int
	RedriveDate  time.Time
}

// mapRun is a map run while it runs: the counts its children update and
// the limit that UpdateMapRun changes.
type mapRun struct {
	clock Clock

	mu       sync.Mutex
	run      MapRun
	countSet bool // ToleratedFailureCount was given (by the state or an update)
	pctSet   bool
	weights  []int // items per child execution
	running  int   // child executions holding a slot
	// Slots go to the child executions in the order of their rank (their
	// index among those that run), so a run repeats however its workers
	// are scheduled; waiting holds those whose turn or slot has not come.
	nextGrant int
	waiting   map[int]Signal
}

// startMapRun registers a new map run of the execution.
func (rt *runtime) startMapRun(arn string, limit int, count, pct float64, countSet, pctSet bool, weights []int) *mapRun {
	items, execs := 0, len(weights)
	for _, w := range weights {
		items += w
	}
	r := &mapRun{clock: rt.clock, countSet: countSet, pctSet: pctSet, weights: weights, run: MapRun{
		Arn: arn, ExecutionArn: rt.exec.Arn, Status: MapRunRunning, Start: rt.clock.Now(), MaxConcurrency: limit,
		ToleratedFailurePercentage: pct, ToleratedFailureCount: int(count),
		Items:      MapRunCounts{Pending: items, Total: items},
		Executions: MapRunCounts{Pending: execs, Total: execs},
	}}
	rt.childMu.Lock()
	rt.mapRuns = append(rt.mapRuns, r)
	rt.childMu.Unlock()
	return r
}

// snapshot copies the run.
func (r *mapRun) snapshot() MapRun {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.run
}

// acquire waits until the child execution of the given rank may start:
// the children of lower rank have started and a slot is free under the
// run's current MaxConcurrency.
func (r *mapRun) acquire(ctx context.Context, rank int) error {
	r.mu.Lock()
	if rank == r.nextGrant && r.freeLocked() {
		r.running++
		r.nextGrant++
		r.wakeLocked()
		r.mu.Unlock()
		return nil
	}
	s := r.clock.NewSignal()
	if r.waiting == nil {
		r.waiting = map[int]Signal{}
	}
	r.waiting[rank] = s
	r.mu.Unlock()
	if _, err := s.Wait(ctx, 0); err != nil {
		r.mu.Lock()
		_, queued := r.waiting[rank]
		delete(r.waiting, rank)
		r.mu.Unlock()
		if !queued {
			r.release() // handed a slot as the context ended: pass it on
		}
		return err
	}
	return nil
}

func (r *mapRun) freeLocked() bool {
	return r.run.MaxConcurrency <= 0 || r.running < r.run.MaxConcurrency
}

// release frees a slot, handing it to the next child if its turn came.
func (r *mapRun) release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.running--
	r.wakeLocked()
}

// wakeLocked hands free slots to the waiting children in rank order.
// r.mu is held.
func (r *mapRun) wakeLocked() {
	for r.freeLocked() {
		s, ok := r.waiting[r.nextGrant]
		if !ok {
			return
		}
		delete(r.waiting, r.nextGrant)
		r.running++
		r.nextGrant++
		s.Fire()
	}
}

// childStarted and childEnded move child i between the counts.
func (r *mapRun) childStarted(i int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.weights[i]
	r.run.Items.Pending, r.run.Items.Running = r.run.Items.Pending-w, r.run.Items.Running+w
	r.run.Executions.Pending, r.run.Executions.Running = r.run.Executions.Pending-1, r.run.Executions.Running+1
}

func (r *mapRun) childEnded(i int, status Status) {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.weights[i]
	r.run.Items.Running -= w
	r.run.Executions.Running--
	add := func(c *MapRunCounts, n int) {
		switch status {
		case StatusSucceeded:
			c.Succeeded += n
		case StatusTimedOut:
			c.TimedOut += n
		case StatusAborted:
			c.Aborted += n
		default:
			c.Failed += n
		}
	}
	add(&r.run.Items, w)
	add(&r.run.Executions, 1)
}

// tolerated tells whether failed of total child executions are within the
// run's tolerance, as the state or the latest UpdateMapRun set it.
func (r *mapRun) tolerated(failed, total int) (ok bool, countSet bool, count float64, pctSet bool, pct float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	count, pct = float64(r.run.ToleratedFailureCount), r.run.ToleratedFailurePercentage
	share := 100 * float64(failed) / float64(total)
	ok = failed == 0 || (r.countSet && float64(failed) <= count) || (r.pctSet && share <= pct)
	return ok, r.countSet, count, r.pctSet, pct
}

// end records how the run ended.
func (r *mapRun) end(status string, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.run.Status, r.run.Stop = status, now
	r.run.Items.Aborted += r.run.Items.Pending + r.run.Items.Running
	r.run.Executions.Aborted += r.run.Executions.Pending + r.run.Executions.Running
	r.run.Items.Pending, r.run.Items.Running, r.run.Executions.Pending, r.run.Executions.Running = 0, 0, 0, 0
	if status != MapRunSucceeded { // what a redrive of the parent would run again
		for _, c := range []*MapRunCounts{&r.run.Items, &r.run.Executions} {
			c.PendingRedrive = c.Total - c.Succeeded
		}
	}
}

// resultsWritten counts the children whose results the ResultWriter wrote
// (all of them, in the files of their status) and their items, as
// DescribeMapRun's resultsWritten.
func (r *mapRun) resultsWritten(children []ChildExecution) {
	r.mu.Lock()
	defer r.mu.Unlock()
	items := 0
	for _, c := range children {
		if c.Index >= 0 && c.Index < len(r.weights) {
			items += r.weights[c.Index]
		}
	}
	r.run.Items.ResultsWritten, r.run.Executions.ResultsWritten = items, len(children)
}

// MapRunUpdate is what UpdateMapRun changes; nil fields stay as they are.
type MapRunUpdate struct {
	MaxConcurrency             *int
	ToleratedFailurePercentage *float64
	ToleratedFailureCount      *int
}

// MapRuns returns the execution's Distributed Map runs, in start order.
func (x *Execution) MapRuns() []MapRun {
	x.rt.childMu.Lock()
	runs := append([]*mapRun(nil), x.rt.mapRuns...)
	x.rt.childMu.Unlock()
	out := make([]MapRun, len(runs))
	for i, r := range runs {
		out[i] = r.snapshot()
	}
	return out
}

// UpdateMapRun changes a running map run's concurrency and tolerances: the
// run starts more child executions at once (or fewer, as running ones
// end) from now on, and judges its failures by the new tolerance when it
// ends. It reports false if the execution has no map run with that ARN.
func (x *Execution) UpdateMapRun(arn string, u MapRunUpdate) bool {
	x.rt.childMu.Lock()
	var r *mapRun
	for _, m := range x.rt.mapRuns {
		if m.run.Arn == arn {
			r = m
		}
	}
	x.rt.childMu.Unlock()
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if u.MaxConcurrency != nil {
		r.run.MaxConcurrency = *u.MaxConcurrency
	}
	if u.ToleratedFailurePercentage != nil {
		r.run.ToleratedFailurePercentage, r.pctSet = *u.ToleratedFailurePercentage, true
	}
	if u.ToleratedFailureCount != nil {
		r.run.ToleratedFailureCount, r.countSet = *u.ToleratedFailureCount, true
	}
	r.wakeLocked()
	return true
}

// openMapRun starts the state's map run, or, when a redrive reruns the
// state, redrives the run the failed attempt left: the same ARN, its
// successful child executions kept.
func (rt *runtime) openMapRun(st *State, sc *scope, f *frame, inputs []any, limit int) (*mapRun, *Failure) {
	if rt.rd != nil && topLevel(f) {
		rt.rd.mu.Lock()
		prev := rt.rd.previous[st.Name]
		rt.rd.mu.Unlock()
		if prev != nil && prev.run != nil && len(prev.run.weights) == len(inputs) {
			r := prev.run
			count := r.redriven(rt.clock.Now())
			rt.event(f, "MapRunRedriven", &MapRunRedrivenDetails{MapRunArn: r.run.Arn, RedriveCount: count})
			return r, nil
		}
	}
	count, fail := rt.number(st, "ToleratedFailureCount", st.ToleratedFailureCount, st.ToleratedFailureCountPath, sc)
	if fail != nil {
		return nil, fail
	}
	pct, fail := rt.number(st, "ToleratedFailurePercentage", st.ToleratedFailurePercentage, st.ToleratedFailurePercentagePath, sc)
	if fail != nil {
		return nil, fail
	}
	countSet := st.ToleratedFailureCount != nil || st.ToleratedFailureCountPath != ""
	pctSet := st.ToleratedFailurePercentage != nil || st.ToleratedFailurePercentagePath != ""
	weights := make([]int, len(inputs))
	for i, in := range inputs {
		weights[i] = 1
		if batch, ok := in.(map[string]any); ok && st.ItemBatcher != nil {
			if items, ok := batch["Items"].([]any); ok {
				weights[i] = len(items)
			}
		}
	}
	arn := rt.mapRunArn(st)
	rt.event(f, "MapRunStarted", &MapRunStartedDetails{MapRunArn: arn})
	return rt.startMapRun(arn, limit, count, pct, countSet, pctSet, weights), nil
}

// redriven reopens an ended run for a redrive: the child executions that
// did not succeed are pending again. It returns the run's redrive count.
func (r *mapRun) redriven(now time.Time) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.run.Status, r.run.Stop = MapRunRunning, time.Time{}
	r.run.RedriveCount++
	r.run.RedriveDate = now
	r.nextGrant = 0 // the children that run again are ranked afresh
	for _, c := range []*MapRunCounts{&r.run.Items, &r.run.Executions} {
		c.Pending = c.Total - c.Succeeded
		c.Failed, c.TimedOut, c.Aborted, c.Running, c.PendingRedrive = 0, 0, 0, 0, 0
	}
	return r.run.RedriveCount
}
