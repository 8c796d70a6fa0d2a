package asl

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// stateInput computes what a Parallel or Map state works on: InputPath and
// Parameters (JSONPath) or Arguments (JSONata).
func (rt *runtime) stateInput(st *State, input any, f *frame, entered time.Time, retry int) (*scope, any, *Failure) {
	if st.QueryLanguage == JSONata {
		sc := rt.jsonataScope(st, input, f, entered, retry, "")
		if st.Arguments == nil {
			return sc, input, nil
		}
		v, err := evalJSONataTemplate("Arguments", st.Arguments, sc, rt)
		return sc, v, asFailureOrNil(err)
	}
	sc := rt.jsonPathScope(st, input, f, entered, retry, "")
	effective, fail := inputPath(st, sc)
	if fail != nil {
		return nil, nil, fail
	}
	sc.input = effective
	if st.Type == TypeParallel && st.Parameters != nil {
		v, err := evalTemplate("Parameters", st.Parameters, sc, rt)
		if err != nil {
			return nil, nil, asFailure(err)
		}
		effective = v
		sc.input = v
	}
	return sc, effective, nil
}

func asFailureOrNil(err error) *Failure {
	if err == nil {
		return nil
	}
	return asFailure(err)
}

// fanOut runs n units of work with at most limit (0: no limit) at a time
// on the engine's clock and waits for them; work(i) reports a failure that
// stops the rest unless keepGoing.
func (rt *runtime) fanOut(ctx context.Context, n, limit int, keepGoing bool, work func(ctx context.Context, i int) *Failure) *Failure {
	if n == 0 {
		return nil
	}
	if limit <= 0 || limit > n {
		limit = n
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		next      atomic.Int64
		remaining atomic.Int64
		mu        sync.Mutex
		first     *Failure
	)
	remaining.Store(int64(limit))
	all := rt.clock.NewSignal()
	for w := 0; w < limit; w++ {
		rt.clock.Go(func() {
			defer func() {
				if remaining.Add(-1) == 0 {
					all.Fire()
				}
			}()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if fail := workGuarded(ctx, i, work); fail != nil && !keepGoing {
					mu.Lock()
					if first == nil {
						first = fail
						cancel(fmt.Errorf("a sibling failed: %s", fail.Name))
					}
					mu.Unlock()
					return
				}
			}
		})
	}
	if _, err := all.Wait(context.WithoutCancel(ctx), 0); err != nil {
		return cancelled(ctx)
	}
	mu.Lock()
	defer mu.Unlock()
	return first
}

// parallel runs one attempt of a Parallel state.
func (rt *runtime) parallel(ctx context.Context, st *State, input any, f *frame, entered time.Time, retry int) (any, *Failure) {
	sc, branchInput, fail := rt.stateInput(st, input, f, entered, retry)
	if fail != nil {
		return nil, fail
	}
	rt.event(f, "ParallelStateStarted", nil)
	outputs := make([]any, len(st.Branches))
	start := *f.last
	memo := rt.memoBegin(st, f) // a redrive reruns only the branches that failed
	fail = rt.fanOut(ctx, len(st.Branches), 0, false, func(ctx context.Context, i int) *Failure {
		if out, ok := memo.output(i); ok {
			outputs[i] = out
			return nil
		}
		last := start
		out, fail := rt.runMachine(ctx, st.Branches[i], clone(branchInput), f.vars.child(), f.item, &last)
		outputs[i] = out
		if fail == nil {
			memo.remember(i, out)
		}
		return fail
	})
	if fail != nil {
		rt.event(f, "ParallelStateFailed", nil)
		return nil, fail
	}
	if ctx.Err() != nil {
		return nil, cancelled(ctx)
	}
	rt.event(f, "ParallelStateSucceeded", nil)
	return rt.taskOutput(st, input, outputs, sc, f)
}

// mapState runs one attempt of a Map state, inline or distributed.
func (rt *runtime) mapState(ctx context.Context, st *State, input any, f *frame, entered time.Time, retry int) (any, *Failure) {
	sc, effective, fail := rt.stateInput(st, input, f, entered, retry)
	if fail != nil {
		return nil, fail
	}
	distributed := st.ItemProcessor.ProcessorConfig.Mode == "DISTRIBUTED"
	items, fail := rt.mapItems(ctx, st, sc, effective)
	if fail != nil {
		return nil, fail
	}
	limit, fail := rt.number(st, "MaxConcurrency", st.MaxConcurrency, st.MaxConcurrencyPath, sc)
	if fail != nil {
		return nil, fail
	}
	if distributed {
		return rt.distributedMap(ctx, st, input, sc, items, int(limit), f)
	}

	rt.event(f, "MapStateStarted", &MapStartedDetails{Length: len(items)})
	outputs := make([]any, len(items))
	start := *f.last
	memo := rt.memoBegin(st, f) // a redrive reruns only the iterations that failed
	fail = rt.fanOut(ctx, len(items), int(limit), false, func(ctx context.Context, i int) *Failure {
		if out, ok := memo.output(i); ok {
			outputs[i] = out
			return nil
		}
		last := start
		iterFrame := &frame{vars: f.vars, item: &mapItem{Index: i, Value: items[i]}, last: &last, inputLen: -1, stateInputLen: -1, outputLen: -1}
		itemInput, fail := rt.itemInput(st, sc, iterFrame, entered, items[i], i)
		if fail != nil {
			return fail
		}
		rt.event(iterFrame, "MapIterationStarted", &MapIterationDetails{Name: st.Name, Index: i})
		out, fail := rt.runMachine(ctx, st.ItemProcessor, itemInput, f.vars.child(), iterFrame.item, &last)
		if fail != nil {
			rt.event(iterFrame, "MapIterationFailed", &MapIterationDetails{Name: st.Name, Index: i})
			return fail
		}
		rt.event(iterFrame, "MapIterationSucceeded", &MapIterationDetails{Name: st.Name, Index: i})
		outputs[i] = out
		memo.remember(i, out)
		return nil
	})
	if fail != nil {
		rt.event(f, "MapStateFailed", nil)
		return nil, fail
	}
	rt.event(f, "MapStateSucceeded", nil)
	return rt.taskOutput(st, input, outputs, sc, f)
}

// mapItems finds a Map's items: from its ItemReader, ItemsPath (JSONPath)
// or Items (JSONata), else the effective input, which must be an array.
func (rt *runtime) mapItems(ctx context.Context, st *State, sc *scope, effective any) ([]any, *Failure) {
	var v any = effective
	switch {
	case st.ItemReader != nil:
		return rt.readItems(ctx, st, sc)
	case st.QueryLanguage == JSONata && st.Items != nil:
		x, err := evalJSONataTemplate("Items", st.Items, sc, rt)
		if err != nil {
			return nil, asFailure(err)
		}
		v = x
	case st.ItemsPath != "" && st.ItemsPath != "$":
		x, err := sc.mustGet("ItemsPath", st.ItemsPath)
		if err != nil {
			return nil, asFailure(err)
		}
		v = x
	}
	items, ok := v.([]any)
	if !ok {
		return nil, failf(ErrRuntime, "the items of Map state %q are not an array: %s", st.Name, truncateJSON(v, 200))
	}
	return items, nil
}

// itemInput is one iteration's input: the item, or ItemSelector evaluated
// with $$.Map.Item.
func (rt *runtime) itemInput(st *State, sc *scope, f *frame, entered time.Time, item any, index int) (any, *Failure) {
	if st.ItemSelector == nil {
		return clone(item), nil
	}
	if st.QueryLanguage == JSONata {
		isc := rt.jsonataScope(st, sc.states["input"], f, entered, 0, "")
		v, err := evalJSONataTemplate("ItemSelector", st.ItemSelector, isc, rt)
		return v, asFailureOrNil(err)
	}
	isc := rt.jsonPathScope(st, sc.input, f, entered, 0, "")
	v, err := evalTemplate("ItemSelector", st.ItemSelector, isc, rt)
	return v, asFailureOrNil(err)
}

// number reads a numeric field, its *Path form, or its JSONata expression;
// 0 when absent.
func (rt *runtime) number(st *State, name string, raw json.RawMessage, path string, sc *scope) (float64, *Failure) {
	var v any
	var err error
	switch {
	case raw != nil && st.QueryLanguage == JSONata:
		v, err = evalJSONataTemplate(name, raw, sc, rt)
	case raw != nil:
		v, err = decodeJSON(raw)
	case path != "":
		v, err = sc.mustGet(name+"Path", path)
	default:
		return 0, nil
	}
	if err != nil {
		return 0, asFailure(err)
	}
	n, ok := v.(float64)
	if !ok || n < 0 || math.IsNaN(n) {
		return 0, failf(ErrRuntime, "%s of state %q must be a non-negative number, not %s", name, st.Name, toJSON(v))
	}
	return n, nil
}
