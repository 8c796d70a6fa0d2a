package asl

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
)

// ItemReadRequest is a Distributed Map's ItemReader, evaluated.
type ItemReadRequest struct {
	Resource     string
	Parameters   any // Parameters (JSONPath) or Arguments (JSONata)
	ReaderConfig map[string]any
}

// ItemSource reads a Distributed Map's items (S3 object listings, CSV or
// JSON files).
type ItemSource interface {
	ReadItems(ctx context.Context, req ItemReadRequest) ([]any, error)
}

// ChildExecution is one child execution of a Distributed Map run.
type ChildExecution struct {
	Name   string
	Index  int
	Status Status
	Input  any
	Output any
	Error  string
	Cause  string
	Events []Event
}

// ResultWriteRequest asks a ResultSink to store a map run's results.
type ResultWriteRequest struct {
	Resource   string
	Parameters any
	MapRunArn  string
	Children   []ChildExecution
}

// ResultSink stores a Distributed Map's results (the ResultWriter) and
// returns the ResultWriterDetails the map outputs.
type ResultSink interface {
	WriteResults(ctx context.Context, req ResultWriteRequest) (any, error)
}

func (rt *runtime) childrenSnapshot() []ChildExecution {
	rt.childMu.Lock()
	defer rt.childMu.Unlock()
	return append([]ChildExecution(nil), rt.children...)
}

// readItems evaluates the ItemReader and asks the engine's ItemSource.
func (rt *runtime) readItems(ctx context.Context, st *State, sc *scope) ([]any, *Failure) {
	r := st.ItemReader
	src := rt.engine.opts.Items
	if src == nil {
		return nil, failf(ErrItemReaderFailed, "Map state %q reads items from %s, but the engine has no ItemSource", st.Name, r.Resource)
	}
	var params any
	var err error
	switch {
	case st.QueryLanguage == JSONata && r.Arguments != nil:
		params, err = evalJSONataTemplate("ItemReader.Arguments", r.Arguments, sc, rt)
	case r.Parameters != nil:
		params, err = evalTemplate("ItemReader.Parameters", r.Parameters, sc, rt)
	}
	if err != nil {
		return nil, asFailure(err)
	}
	cfg := map[string]any{}
	if r.ReaderConfig != nil {
		v, err := evalTemplate("ItemReader.ReaderConfig", r.ReaderConfig, sc, rt)
		if err != nil {
			return nil, asFailure(err)
		}
		cfg, _ = v.(map[string]any)
	}
	items, err := src.ReadItems(ctx, ItemReadRequest{Resource: r.Resource, Parameters: params, ReaderConfig: cfg})
	if err != nil {
		return nil, failf(ErrItemReaderFailed, "Map state %q could not read its items: %v", st.Name, err)
	}
	if maxItems, ok := cfg["MaxItems"].(float64); ok && maxItems > 0 && int(maxItems) < len(items) {
		items = items[:int(maxItems)]
	}
	return items, nil
}

// distributedMap runs a Distributed Map: items (batched, if an ItemBatcher
// is set) each run as a child execution; failures up to the tolerance are
// counted, not fatal; results go to the ResultWriter when there is one.
func (rt *runtime) distributedMap(ctx context.Context, st *State, input any, sc *scope, items []any, limit int, f *frame) (any, *Failure) {
	inputs, fail := rt.batches(st, sc, items)
	if fail != nil {
		return nil, fail
	}
	mapRunArn := fmt.Sprintf("%s/%s:%s", replaceOnce(rt.exec.Arn, ":execution:", ":mapRun:"), st.Name, rt.uuid())
	rt.event(f, Event{Type: "MapRunStarted", MapRunStartedEventDetails: &MapRunStartedDetails{MapRunArn: mapRunArn}})

	children := make([]ChildExecution, len(inputs))
	fanFail := rt.fanOut(ctx, len(inputs), limit, true, func(ctx context.Context, i int) *Failure {
		child := ChildExecution{Name: fmt.Sprintf("%s-%d", st.Name, i), Index: i, Input: inputs[i]}
		childInput, fail := rt.itemInput(st, sc, &frame{vars: f.vars, item: &mapItem{Index: i, Value: inputs[i]}, last: new(int64)}, rt.clock.Now(), inputs[i], i)
		if fail == nil {
			h := &history{clock: rt.clock}
			// Each child has its own randomness, seeded by its index, so runs
			// repeat however the children interleave.
			childRT := &runtime{engine: rt.engine, exec: rt.exec, clock: rt.clock, rng: newRand(rt.engine.opts.Seed*7919 + int64(i) + 1), hist: h}
			last := h.add(0, Event{Type: "ExecutionStarted", ExecutionStartedEventDetails: &ExecutionStartedDetails{Input: toJSON(childInput), RoleArn: rt.engine.opts.RoleArn}})
			var out any
			out, fail = childRT.runMachine(ctx, st.ItemProcessor, childInput, f.vars.child(), &mapItem{Index: i, Value: inputs[i]}, &last)
			child.Output = out
			child.Events = h.snapshot()
		}
		if fail != nil {
			child.Status, child.Error, child.Cause = StatusFailed, fail.Name, fail.Cause
		} else {
			child.Status = StatusSucceeded
		}
		children[i] = child
		rt.childMu.Lock()
		rt.children = append(rt.children, child)
		rt.childMu.Unlock()
		return fail
	})
	if ctx.Err() != nil {
		return nil, cancelled(ctx)
	}
	_ = fanFail // failures are counted below

	if fail := rt.checkTolerance(st, sc, children); fail != nil {
		rt.event(f, Event{Type: "MapRunFailed", MapRunFailedEventDetails: &FailureDetails{Error: fail.Name, Cause: fail.Cause}})
		return nil, fail
	}
	rt.event(f, Event{Type: "MapRunSucceeded"})

	var result any
	if st.ResultWriter != nil {
		details, fail := rt.writeResults(ctx, st, sc, mapRunArn, children)
		if fail != nil {
			return nil, fail
		}
		result = map[string]any{"MapRunArn": mapRunArn, "ResultWriterDetails": details}
	} else {
		outputs := make([]any, len(children))
		for i, c := range children {
			if c.Status == StatusSucceeded {
				outputs[i] = c.Output
			} else {
				outputs[i] = map[string]any{"Error": c.Error, "Cause": c.Cause}
			}
		}
		result = outputs
	}
	return rt.taskOutput(st, input, result, sc, f)
}

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
	var out []any
	var cur []any
	size := 0
	flush := func() {
		if len(cur) == 0 {
			return
		}
		batch := map[string]any{"Items": cur}
		if batchInput != nil {
			batch["BatchInput"] = clone(batchInput)
		}
		out = append(out, batch)
		cur, size = nil, 0
	}
	for _, it := range items {
		n := payloadLen(it)
		if len(cur) > 0 && ((maxItems > 0 && len(cur) >= int(maxItems)) || float64(size+n) > maxBytes) {
			flush()
		}
		cur = append(cur, it)
		size += n
	}
	flush()
	return out, nil
}

// checkTolerance fails the map when more children failed than tolerated.
func (rt *runtime) checkTolerance(st *State, sc *scope, children []ChildExecution) *Failure {
	failed := 0
	for _, c := range children {
		if c.Status != StatusSucceeded {
			failed++
		}
	}
	if failed == 0 {
		return nil
	}
	count, fail := rt.number(st, "ToleratedFailureCount", st.ToleratedFailureCount, st.ToleratedFailureCountPath, sc)
	if fail != nil {
		return fail
	}
	pct, fail := rt.number(st, "ToleratedFailurePercentage", st.ToleratedFailurePercentage, st.ToleratedFailurePercentagePath, sc)
	if fail != nil {
		return fail
	}
	share := 100 * float64(failed) / float64(len(children))
	countSet := st.ToleratedFailureCount != nil || st.ToleratedFailureCountPath != ""
	pctSet := st.ToleratedFailurePercentage != nil || st.ToleratedFailurePercentagePath != ""
	tolerated := (countSet && float64(failed) <= count) || (pctSet && share <= pct)
	if tolerated {
		return nil
	}
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

// writeResults hands the children's results to the engine's ResultSink.
func (rt *runtime) writeResults(ctx context.Context, st *State, sc *scope, mapRunArn string, children []ChildExecution) (any, *Failure) {
	sink := rt.engine.opts.Results
	if sink == nil {
		return nil, failf(ErrResultWriterFailed, "Map state %q writes results to %s, but the engine has no ResultSink", st.Name, st.ResultWriter.Resource)
	}
	var params any
	var err error
	switch {
	case st.QueryLanguage == JSONata && st.ResultWriter.Arguments != nil:
		params, err = evalJSONataTemplate("ResultWriter.Arguments", st.ResultWriter.Arguments, sc, rt)
	case st.ResultWriter.Parameters != nil:
		params, err = evalTemplate("ResultWriter.Parameters", st.ResultWriter.Parameters, sc, rt)
	}
	if err != nil {
		return nil, asFailure(err)
	}
	details, err := sink.WriteResults(ctx, ResultWriteRequest{Resource: st.ResultWriter.Resource, Parameters: params, MapRunArn: mapRunArn, Children: children})
	if err != nil {
		return nil, failf(ErrResultWriterFailed, "Map state %q could not write its results: %v", st.Name, err)
	}
	b, _ := json.Marshal(details)
	v, _ := decodeJSON(b)
	return v, nil
}
