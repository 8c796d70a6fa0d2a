package asl

import (
	"context"
	"encoding/json"
	"math"
	"time"
)

// Retry defaults of the States Language.
const (
	defaultInterval    = 1.0
	defaultMaxAttempts = 3.0
	defaultBackoffRate = 2.0
)

// retryDelay is the wait before retry number n (0-based) of a retrier:
// IntervalSeconds × BackoffRate^n, capped by MaxDelaySeconds, and with
// JitterStrategy FULL drawn uniformly from [0, that].
func retryDelay(r Retrier, n int, random func() float64) time.Duration {
	interval, rate := defaultInterval, defaultBackoffRate
	if r.IntervalSeconds != nil {
		interval = *r.IntervalSeconds
	}
	if r.BackoffRate != nil {
		rate = *r.BackoffRate
	}
	delay := interval * math.Pow(rate, float64(n))
	if r.MaxDelaySeconds != nil && delay > *r.MaxDelaySeconds {
		delay = *r.MaxDelaySeconds
	}
	if r.JitterStrategy == "FULL" {
		delay *= random()
	}
	return time.Duration(delay * float64(time.Second))
}

func maxAttempts(r Retrier) int {
	if r.MaxAttempts == nil {
		return int(defaultMaxAttempts)
	}
	return int(*r.MaxAttempts)
}

// withRetryAndCatch runs a Task, Parallel or Map state: each attempt, then
// the first retrier matching a failure (until its attempts are spent), then
// the first catcher matching it.
func (rt *runtime) withRetryAndCatch(ctx context.Context, st *State, input any, f *frame, entered time.Time) (any, string, *Failure) {
	attempts := make([]int, len(st.Retry))
	for retry := 0; ; retry++ {
		var out any
		var fail *Failure
		switch st.Type {
		case TypeTask:
			out, fail = rt.task(ctx, st, input, f, entered, retry)
		case TypeParallel:
			out, fail = rt.parallel(ctx, st, input, f, entered, retry)
		default:
			out, fail = rt.mapState(ctx, st, input, f, entered, retry)
		}
		if fail == nil {
			return out, st.Next, nil
		}
		if ctx.Err() != nil {
			return nil, "", cancelled(ctx)
		}
		i := -1
		for j, r := range st.Retry {
			if matches(r.ErrorEquals, fail.Name) {
				i = j
				break
			}
		}
		if i < 0 || attempts[i] >= maxAttempts(st.Retry[i]) {
			return rt.catch(st, input, f, entered, fail)
		}
		delay := retryDelay(st.Retry[i], attempts[i], rt.randFloat)
		attempts[i]++
		if err := rt.clock.Sleep(ctx, delay); err != nil {
			return nil, "", cancelled(ctx)
		}
	}
}

// catch hands a failure to the first matching catcher: its output (the
// error output {"Error","Cause"} placed by ResultPath, or the JSONata
// Output) goes to the catcher's Next.
func (rt *runtime) catch(st *State, input any, f *frame, entered time.Time, fail *Failure) (any, string, *Failure) {
	for _, c := range st.Catch {
		if !matches(c.ErrorEquals, fail.Name) {
			continue
		}
		errOut := map[string]any{"Error": fail.Name, "Cause": fail.Cause}
		if st.QueryLanguage == JSONata {
			sc := rt.jsonataScope(st, input, f, entered, 0, "")
			sc.setState("errorOutput", errOut)
			out := any(errOut)
			if c.Output != nil {
				v, err := evalJSONataTemplate("Catch.Output", c.Output, sc, rt)
				if err != nil {
					return nil, "", asFailure(err)
				}
				out = v
			}
			if fl := rt.assign(st, c.Assign, sc, f); fl != nil {
				return nil, "", fl
			}
			return out, c.Next, nil
		}
		if c.Assign != nil {
			sc := rt.jsonPathScope(st, errOut, f, entered, 0, "")
			if fl := rt.assign(st, json.RawMessage(c.Assign), sc, f); fl != nil {
				return nil, "", fl
			}
		}
		out, fl := resultPath(c.ResultPath, input, errOut)
		if fl != nil {
			return nil, "", fl
		}
		return out, c.Next, nil
	}
	return nil, "", fail
}
