package harness

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/sfnkit/sfnkit/asl"
)

// Fault makes a Task state fail, as its service would.
type Fault struct {
	// Error and Cause are what the attempt fails with, e.g.
	// "Lambda.ServiceException".
	Error, Cause string
	// Times is how many attempts fail before the state works again; a
	// negative Times fails every attempt.
	Times int
}

// Injected counts a fault's attempts.
type Injected struct {
	attempts, failed atomic.Int64
}

// Attempts is how many times the state was invoked.
func (i *Injected) Attempts() int { return int(i.attempts.Load()) }

// Failed is how many of those attempts the fault failed.
func (i *Injected) Failed() int { return int(i.failed.Load()) }

// Inject puts a fault in front of the Task state's handler (a Lambda
// handler or an AWS fake). Attempts after the fault's Times reach the
// handler unchanged.
func (env *Env) Inject(state string, f Fault) (*Injected, error) {
	st := findState(env.Machine, state)
	if st == nil || st.Type != asl.TypeTask {
		return nil, fmt.Errorf("%q is not a Task state of %s", state, env.LogicalID)
	}
	next, ok := env.Tasks.Resolve(state, st.Resource, nil)
	if !ok {
		return nil, fmt.Errorf("nothing serves the Task state %q (%s)", state, st.Resource)
	}
	if f.Error == "" {
		return nil, fmt.Errorf("the fault for %q has no Error", state)
	}
	if f.Cause == "" {
		f.Cause = "injected by the test: " + f.Error
	}
	counts := &Injected{}
	env.Tasks.HandleState(state, asl.TaskFunc(func(ctx context.Context, req asl.TaskRequest) (any, error) {
		n := counts.attempts.Add(1)
		if f.Times < 0 || n <= int64(f.Times) {
			counts.failed.Add(1)
			return nil, &asl.Failure{Name: f.Error, Cause: f.Cause}
		}
		return next.Invoke(ctx, req)
	}))
	return counts, nil
}
