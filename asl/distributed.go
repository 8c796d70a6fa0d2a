package asl

import (
	"context"
	"fmt"
	"math"
	"time"
)

// ChildExecution is one child execution of a Distributed Map run.
type ChildExecution struct {
	Name string
	// MapRunArn is the map run the child execution belongs to.
	MapRunArn string
	Index     int
	Status    Status
	Input     any
	Output    any
	Error     string
	Cause     string
	Events    []Event
	// Start and Stop are when the child execution began and ended.
	Start, Stop time.Time
}

func (rt *runtime) childrenSnapshot() []ChildExecution {
	rt.childMu.Lock()
	defer rt.childMu.Unlock()
	return append([]ChildExecution(nil), rt.children...)
}

// distributedMap runs a Distributed Map in the order the developer guide
// gives ("Map state input and output fields"): each item read goes
// through ItemSelector, the ItemBatcher groups the selected items, and
// each item or batch runs as a child execution; failures up to the
// tolerance are counted, not fatal; the ResultWriter shapes (and may
// export) the results.
func (rt *runtime) distributedMap(ctx context.Context, st *State, input any, sc *scope, items []any, limit int, f *frame) (any, *Failure) {
	selected := make([]any, len(items))
	for i, item := range items {
		v, fail := rt.itemInput(st, sc, &frame{vars: f.vars, item: &mapItem{Index: i, Value: item}, last: new(int64), inputLen: -1, stateInputLen: -1, outputLen: -1}, rt.clock.Now(), item, i)
		if fail != nil {
			return nil, fail
		}
		selected[i] = v
	}
	inputs, fail := rt.batches(st, sc, selected)
	if fail != nil {
		return nil, fail
	}
	run, fail := rt.openMapRun(st, sc, f, inputs, limit)
	if fail != nil {
		return nil, fail
	}
	memo := rt.memoBegin(st, f)
	if memo != nil {
		memo.run = run
	}
	mapRunArn := run.run.Arn

	children := make([]ChildExecution, len(inputs))
	rank := make([]int, len(inputs)) // order among the children that run
	for i, n := 0, 0; i < len(inputs); i++ {
		if _, ok := memo.child(i); !ok {
			rank[i], n = n, n+1
		}
	}
	// The workers are as many as Step Functions ever runs at once; the map
	// run's slots, which UpdateMapRun may change, decide how many run.
	_ = rt.fanOut(ctx, len(inputs), maxChildConcurrency, true, func(ctx context.Context, i int) *Failure {
		if prev, ok := memo.child(i); ok { // succeeded before a redrive
			children[i] = prev
			return nil
		}
		if err := run.acquire(ctx, rank[i]); err != nil {
			return cancelled(ctx)
		}
		defer run.release()
		run.childStarted(i)
		child := ChildExecution{Name: fmt.Sprintf("%s-%d", st.Name, i), MapRunArn: mapRunArn, Index: i, Input: inputs[i], Start: rt.clock.Now()}
		h := &history{clock: rt.clock}
		// Each child has its own randomness, seeded by its index, so runs
		// repeat however the children interleave.
		childRT := &runtime{engine: rt.engine, exec: rt.exec, clock: rt.clock, rng: newRand(rt.engine.opts.Seed*7919 + int64(i) + 1), hist: h}
		last := h.add(0, "ExecutionStarted", &ExecutionStartedDetails{Input: toJSON(inputs[i]), RoleArn: rt.engine.opts.RoleArn})
		out, fail := childRT.runMachine(ctx, st.ItemProcessor, clone(inputs[i]), f.vars.child(), &mapItem{Index: i, Value: inputs[i]}, &last)
		child.Output, child.Events, child.Stop = out, h.snapshot(), rt.clock.Now()
		if fail != nil {
			child.Status, child.Error, child.Cause = StatusFailed, fail.Name, fail.Cause
		} else {
			child.Status = StatusSucceeded
		}
		children[i] = child
		run.childEnded(i, child.Status)
		memo.rememberChild(child)
		rt.childMu.Lock()
		rt.children = append(rt.children, child)
		rt.childMu.Unlock()
		return fail
	})
	if ctx.Err() != nil {
		run.end(MapRunAborted, rt.clock.Now())
		return nil, cancelled(ctx)
	}

	if fail := rt.checkTolerance(st, run, children); fail != nil {
		run.end(MapRunFailed, rt.clock.Now())
		rt.event(f, "MapRunFailed", &FailureDetails{Error: fail.Name, Cause: fail.Cause})
		return nil, fail
	}
	run.end(MapRunSucceeded, rt.clock.Now())
	rt.event(f, "MapRunSucceeded", nil)
	result, fail := rt.mapResult(ctx, st, sc, mapRunArn, children)
	if fail != nil {
		return nil, fail
	}
	if st.ResultWriter != nil && st.ResultWriter.Resource != "" {
		run.resultsWritten(children)
	}
	return rt.taskOutput(st, input, result, sc, f)
}

// maxChildConcurrency is the most child executions a Distributed Map runs
// at once in Step Functions.
const maxChildConcurrency = 10000

// batches groups items by the ItemBatcher into {"Items", "BatchInput"}.
func (rt *runtime) batches(st *State, sc *scope, items []any) ([]any, *Failure) {
	b := st.ItemBatcher
	if b == nil {
		return items, nil
	}
	maxItems, fail := rt.number(st, "MaxItemsPerBatch", b.MaxItemsPerBatch, b.MaxItemsPerBatchPath, sc)
	if fail != nil {
		return nil, fail
	}
	maxBytes, fail := rt.number(st, "MaxInputBytesPerBatch", b.MaxInputBytesPerBatch, b.MaxInputBytesPerBatchPath, sc)
	if fail != nil {
		return nil, fail
	}
	if maxBytes == 0 || maxBytes > MaxPayloadBytes {
		maxBytes = MaxPayloadBytes
	}
	var batchInput any
	if b.BatchInput != nil {
		var err error
		if st.QueryLanguage == JSONata {
			batchInput, err = evalJSONataTemplate("BatchInput", b.BatchInput, sc, rt)
		} else {
			batchInput, err = evalTemplate("BatchInput", b.BatchInput, sc, rt)
		}
		if err != nil {
			return nil, asFailure(err)
		}
	}
	// A batch's size is that of the child's whole input,
	// {"Items":[...],"BatchInput":...}: 12 bytes around the items, a comma
	// between two, and the BatchInput with its key.
	empty := len(`{"Items":[]}`)
	if batchInput != nil {
		empty += len(`,"BatchInput":`) + payloadLen(batchInput)
	}
	var out []any
	var cur []any
	size := empty
	flush := func() {
		if len(cur) == 0 {
			return
		}
		batch := map[string]any{"Items": cur}
		if batchInput != nil {
			batch["BatchInput"] = clone(batchInput)
		}
		out = append(out, batch)
		cur, size = nil, empty
	}
	for _, it := range items {
		n := payloadLen(it)
		if len(cur) > 0 {
			n++ // the comma
		}
		if len(cur) > 0 && ((maxItems > 0 && len(cur) >= int(maxItems)) || float64(size+n) > maxBytes) {
			flush()
			n = payloadLen(it)
		}
		cur = append(cur, it)
		size += n
	}
	flush()
	return out, nil
}

// checkTolerance fails the map when more children failed than its run
// tolerates.
func (rt *runtime) checkTolerance(st *State, run *mapRun, children []ChildExecution) *Failure {
	failed := 0
	for _, c := range children {
		if c.Status != StatusSucceeded {
			failed++
		}
	}
	ok, countSet, count, pctSet, pct := run.tolerated(failed, len(children))
	if ok {
		return nil
	}
	share := 100 * float64(failed) / float64(len(children))
	return failf(ErrExceedToleratedFailure, "%d of %d child executions of Map state %q failed (%.1f%%), beyond the tolerated %s",
		failed, len(children), st.Name, math.Round(share*10)/10, toleranceText(countSet, count, pctSet, pct))
}

func toleranceText(countSet bool, count float64, pctSet bool, pct float64) string {
	switch {
	case countSet && pctSet:
		return fmt.Sprintf("%v failures or %v%%", count, pct)
	case countSet:
		return fmt.Sprintf("%v failures", count)
	case pctSet:
		return fmt.Sprintf("%v%%", pct)
	}
	return "0 failures"
}
