package console

import (
	"strings"
	"time"

	"github.com/sfnkit/sfnkit/asl"
)

// Outcomes of a state in one execution, as the graph colours them (the
// values of data-outcome).
const (
	succeeded  = "succeeded"   // exited, its work done on the first attempt
	retried    = "retried"     // exited after a failed attempt was retried
	caught     = "caught"      // failed, and a Catch took the execution on
	failed     = "failed"      // a Fail state, or where the execution ended in failure
	running    = "running"     // entered and not yet exited
	notReached = "not-reached" // never entered
)

// stateRun is what one state did in an execution: every entry of it
// counted (a state in a Map's item processor is entered once an
// iteration), the last entry's data shown.
type stateRun struct {
	Name, Type string
	Outcome    string
	// Entered and Exited count the state's entries and exits; Attempts
	// its tasks scheduled (a retry is another) and Failures the attempts
	// that failed or timed out; Iterations a Map's iterations.
	Entered, Exited, Attempts, Failures, Iterations int
	// Input and Output are the last entry's (empty until it exits).
	Input, Output string
	// Error and Cause are the last failure's.
	Error, Cause string
	// Start and End are the first entry and the last exit (End is zero
	// while it runs).
	Start, End time.Time
	// lastFailed says the last attempt failed.
	lastFailed bool
}

// Duration is how long the state ran, first entry to last exit (or to
// now for a state still running); empty when it never ran.
func (r *stateRun) Duration(now time.Time) string {
	switch {
	case r.Start.IsZero():
		return ""
	case r.End.IsZero():
		return now.Sub(r.Start).Round(time.Millisecond).String() + " so far"
	}
	return r.End.Sub(r.Start).Round(time.Millisecond).String()
}

// outcomes reads an execution's history into what each state did,
// keyed by state name (unique across a machine, branches and item
// processors included). status is the execution's.
func outcomes(events []asl.Event, status asl.Status) map[string]*stateRun {
	runs := map[string]*stateRun{}
	byID := make(map[int64]*asl.Event, len(events))
	for i := range events {
		byID[events[i].ID] = &events[i]
	}
	// stateOf follows previousEventId back to the entry of the state an
	// event belongs to (branches interleave, so the list order does not
	// tell).
	stateOf := func(e *asl.Event) *stateRun {
		for seen := 0; e != nil && seen < len(events); seen++ {
			if d := e.StateEnteredEventDetails; d != nil {
				return runs[d.Name]
			}
			if d := e.StateExitedEventDetails; d != nil {
				return nil // an event after a state's exit belongs to none
			}
			e = byID[e.PreviousEventID]
		}
		return nil
	}
	for i := range events {
		e := &events[i]
		switch {
		case e.StateEnteredEventDetails != nil:
			d := e.StateEnteredEventDetails
			r := runs[d.Name]
			if r == nil {
				r = &stateRun{Name: d.Name, Type: strings.TrimSuffix(e.Type, "StateEntered"), Start: e.Timestamp}
				runs[d.Name] = r
			}
			r.Entered++
			r.Input, r.Output, r.lastFailed = d.Input, "", false
			if e.Type == "FailStateEntered" {
				r.Exited++
				r.End = e.Timestamp
			}
		case e.StateExitedEventDetails != nil:
			if r := runs[e.StateExitedEventDetails.Name]; r != nil {
				r.Exited++
				r.Output, r.End = e.StateExitedEventDetails.Output, e.Timestamp
			}
		default:
			r := stateOf(e)
			if r == nil {
				continue
			}
			if strings.HasSuffix(e.Type, "Scheduled") {
				r.Attempts++
			}
			if e.Type == "MapIterationStarted" {
				r.Iterations++
			}
			if errName, cause, ok := failure(e); ok {
				r.Failures++
				r.Error, r.Cause, r.lastFailed = errName, cause, true
			} else if strings.HasSuffix(e.Type, "Succeeded") && !strings.HasPrefix(e.Type, "MapIteration") {
				r.lastFailed = false
			}
		}
	}
	for _, r := range runs {
		r.Outcome = outcomeOf(r, status)
	}
	return runs
}

// outcomeOf colours a state that ran.
func outcomeOf(r *stateRun, status asl.Status) string {
	switch {
	case r.Type == "Fail":
		return failed
	case r.Exited < r.Entered && status == asl.StatusRunning:
		return running
	case r.Exited < r.Entered:
		return failed // the execution ended while the state ran: it failed, timed out or was stopped there
	case r.lastFailed:
		return caught
	case r.Failures > 0:
		return retried
	}
	return succeeded
}

// failure is the error and cause of a failure event (a task's, a Lambda
// function's, an activity's, a Map's or Parallel's).
func failure(e *asl.Event) (errName, cause string, ok bool) {
	for _, d := range []*asl.FailureDetails{e.LambdaFunctionFailedEventDetails, e.LambdaFunctionTimedOutEventDetails,
		e.ActivityFailedEventDetails, e.ActivityTimedOutEventDetails, e.ActivityScheduleFailedEventDetails, e.MapRunFailedEventDetails} {
		if d != nil {
			return d.Error, d.Cause, true
		}
	}
	for _, d := range []*asl.TaskFailureDetails{e.TaskFailedEventDetails, e.TaskTimedOutEventDetails} {
		if d != nil {
			return d.Error, d.Cause, true
		}
	}
	if strings.HasSuffix(e.Type, "StateFailed") || strings.HasSuffix(e.Type, "StateAborted") {
		return e.Type, "", true
	}
	return "", "", false
}

// outcomeRank orders outcomes by how much a person needs to see them: a
// state that ran in several child executions shows the highest.
var outcomeRank = map[string]int{succeeded: 1, retried: 2, caught: 3, failed: 4, running: 5}

// withChildren adds to runs what the states of a Distributed Map's item
// processor did in the map runs' child executions, which the parent's
// history does not hold: their entries, attempts and failures summed, the
// first start and last exit, the latest child's data, and the outcome
// that needs the most attention (one failed child makes the state
// failed, though the run may tolerate it).
func withChildren(runs map[string]*stateRun, children []asl.ChildExecution) {
	for _, child := range children {
		for name, c := range outcomes(child.Events, child.Status) {
			r := runs[name]
			if r == nil {
				runs[name] = c
				continue
			}
			r.Entered, r.Exited = r.Entered+c.Entered, r.Exited+c.Exited
			r.Attempts, r.Failures, r.Iterations = r.Attempts+c.Attempts, r.Failures+c.Failures, r.Iterations+c.Iterations
			if c.Start.Before(r.Start) {
				r.Start = c.Start
			}
			if !c.End.Before(r.End) {
				r.End = c.End
				r.Input, r.Output = c.Input, c.Output
			}
			if c.Error != "" {
				r.Error, r.Cause = c.Error, c.Cause
			}
			if outcomeRank[c.Outcome] > outcomeRank[r.Outcome] {
				r.Outcome = c.Outcome
			}
		}
	}
}
