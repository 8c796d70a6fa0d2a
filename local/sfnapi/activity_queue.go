package sfnapi

import (
	"context"
	"sync"
	"time"

	"github.com/sfnkit/sfnkit/asl"
)

// activity is a created activity and the tasks waiting for its workers.
type activity struct {
	arn, name  string
	created    time.Time
	tags       map[string]string
	encryption encryption

	// Guarded by activities.mu.
	queue   []*asl.ActivityTask // scheduled, not yet taken, oldest first
	ready   chan struct{}       // closed when a task is queued or the activity deleted
	pollers int
	deleted bool
}

// activities holds the server's activities. It has a lock of its own, so
// a long poll or a scheduled task never waits for the server's.
type activities struct {
	mu    sync.Mutex
	byArn map[string]*activity
	order []string      // ARNs in creation order
	done  chan struct{} // closed by close: long polls end
	// pollTimeout is how long a poll waits; if zero, ActivityPollTimeout.
	pollTimeout time.Duration
	// onPolling is a test's hook, called with the activity's ARN once a
	// poll is counted as waiting on it.
	onPolling func(arn string)
}

var _ asl.ActivityQueue = (*activities)(nil)

// initLocked makes the maps and channel of a zero activities. mu is held.
func (as *activities) initLocked() {
	if as.byArn == nil {
		as.byArn = map[string]*activity{}
		as.done = make(chan struct{})
	}
}

// create makes an activity, or returns the one of the same name: creating
// an activity is idempotent on its name (tags of a repeated call are
// ignored, as AWS ignores them), unless the encryption differs.
func (as *activities) create(arn, name string, now time.Time, tags map[string]string, enc encryption) (*activity, error) {
	as.mu.Lock()
	defer as.mu.Unlock()
	as.initLocked()
	if a, ok := as.byArn[arn]; ok {
		if a.encryption != enc {
			return nil, fail("ActivityAlreadyExists", "Activity already exists: '%s'; its encryptionConfiguration cannot be changed", arn)
		}
		return a, nil
	}
	if len(as.byArn) >= MaxActivities {
		return nil, fail("ActivityLimitExceeded", "The maximum number of activities (%d) has been reached; delete one first", MaxActivities)
	}
	a := &activity{arn: arn, name: name, created: now, tags: tags, encryption: enc, ready: make(chan struct{})}
	as.byArn[arn] = a
	as.order = append(as.order, arn)
	return a, nil
}

func (as *activities) get(arn string) (*activity, error) {
	as.mu.Lock()
	defer as.mu.Unlock()
	a, ok := as.byArn[arn]
	if !ok {
		return nil, fail("ActivityDoesNotExist", "Activity Does Not Exist: '%s'", arn)
	}
	return a, nil
}

// list is the activities in creation order.
func (as *activities) list() []*activity {
	as.mu.Lock()
	defer as.mu.Unlock()
	out := make([]*activity, 0, len(as.order))
	for _, arn := range as.order {
		out = append(out, as.byArn[arn])
	}
	return out
}

// delete forgets an activity and wakes its waiting workers. Its scheduled
// tasks stay with their executions, which time them out as AWS does.
func (as *activities) delete(arn string) {
	as.mu.Lock()
	defer as.mu.Unlock()
	a, ok := as.byArn[arn]
	if !ok {
		return
	}
	delete(as.byArn, arn)
	for i, x := range as.order {
		if x == arn {
			as.order = append(as.order[:i:i], as.order[i+1:]...)
			break
		}
	}
	a.deleted, a.queue = true, nil
	close(a.ready)
}

// Schedule implements asl.ActivityQueue: the task waits in its activity's
// queue until a worker polls, or until the engine cancels it.
func (as *activities) Schedule(task *asl.ActivityTask) (func(), error) {
	as.mu.Lock()
	defer as.mu.Unlock()
	a, ok := as.byArn[task.ActivityArn]
	if !ok {
		return nil, &asl.APIError{Code: "ActivityDoesNotExist", Message: "Activity Does Not Exist: '" + task.ActivityArn + "'; create it (CreateActivity) before the execution reaches the state"}
	}
	a.queue = append(a.queue, task)
	close(a.ready)
	a.ready = make(chan struct{})
	cancel := func() {
		as.mu.Lock()
		defer as.mu.Unlock()
		for i, t := range a.queue {
			if t == task {
				a.queue = append(a.queue[:i:i], a.queue[i+1:]...)
				return
			}
		}
	}
	return cancel, nil
}

// poll waits for a task of the activity and starts it for the worker; it
// returns nil if none comes before the poll timeout, the caller goes away,
// the activity is deleted or the server closes.
func (as *activities) poll(ctx context.Context, arn, worker string) (*asl.ActivityTask, error) {
	as.mu.Lock()
	as.initLocked()
	a, ok := as.byArn[arn]
	switch {
	case !ok:
		as.mu.Unlock()
		return nil, fail("ActivityDoesNotExist", "Activity Does Not Exist: '%s'", arn)
	case a.pollers >= MaxActivityPollers:
		as.mu.Unlock()
		return nil, fail("ActivityWorkerLimitExceeded", "The maximum number of workers (%d) concurrently polling for activity tasks has been reached", MaxActivityPollers)
	}
	a.pollers++
	done, timeout, hook := as.done, as.pollTimeout, as.onPolling
	as.mu.Unlock()
	if hook != nil {
		hook(arn)
	}
	defer func() {
		as.mu.Lock()
		a.pollers--
		as.mu.Unlock()
	}()
	if timeout == 0 {
		timeout = ActivityPollTimeout
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		if ctx.Err() != nil { // never hand a task to a worker that left
			return nil, nil
		}
		as.mu.Lock()
		if a.deleted {
			as.mu.Unlock()
			return nil, nil
		}
		var task *asl.ActivityTask
		if len(a.queue) > 0 {
			task, a.queue = a.queue[0], a.queue[1:]
		}
		ready := a.ready
		as.mu.Unlock()
		if task != nil {
			if task.Start(worker) {
				return task, nil
			}
			continue // it ended while queued
		}
		select {
		case <-ready:
		case <-ctx.Done():
			return nil, nil
		case <-done:
			return nil, nil
		case <-timer.C:
			return nil, nil
		}
	}
}

// close ends every poll, now and later.
func (as *activities) close() {
	as.mu.Lock()
	defer as.mu.Unlock()
	as.initLocked()
	select {
	case <-as.done:
	default:
		close(as.done)
	}
}
