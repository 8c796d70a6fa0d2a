package asl

import (
	"encoding/json"
	"fmt"
	"strings"
)

// task checks a Task state: its Resource, Credentials and timeouts, and
// its retriers and catchers.
func (v *validator) task(sm *StateMachine, st *State) {
	v.resource(st)
	v.credentials(st)
	timeout := numberField(st.TimeoutSeconds)
	heartbeat := numberField(st.HeartbeatSeconds)
	if st.QueryLanguage == JSONPath {
		for _, f := range []struct {
			name string
			raw  json.RawMessage
			n    float64
		}{{"TimeoutSeconds", st.TimeoutSeconds, timeout}, {"HeartbeatSeconds", st.HeartbeatSeconds, heartbeat}} {
			if f.raw != nil && (f.n < 1 || f.n > 99999999 || f.n != float64(int64(f.n))) {
				v.add("task-timeouts", f.name, "%s is not a whole number of seconds from 1 to 99999999", string(f.raw))
			}
		}
	}
	if timeout > 0 && heartbeat > 0 && heartbeat >= timeout {
		v.add("task-timeouts", "HeartbeatSeconds", "%v must be shorter than TimeoutSeconds %v", heartbeat, timeout)
	}
	v.retryCatch(sm, st)
}

func numberField(raw json.RawMessage) float64 {
	var n float64
	if raw != nil && json.Unmarshal(raw, &n) == nil {
		return n
	}
	return 0
}

func (v *validator) retryCatch(sm *StateMachine, st *State) {
	for i, r := range st.Retry {
		field := fmt.Sprintf("Retry[%d]", i)
		v.errorEquals(st, field, r.ErrorEquals, i == len(st.Retry)-1)
		if r.MaxAttempts != nil && (*r.MaxAttempts < 0 || *r.MaxAttempts > 99999999 || *r.MaxAttempts != float64(int64(*r.MaxAttempts))) {
			v.add("retrier-fields", field+".MaxAttempts", "%v must be a whole number from 0 to 99999999", *r.MaxAttempts)
		}
		if r.IntervalSeconds != nil && (*r.IntervalSeconds < 1 || *r.IntervalSeconds != float64(int64(*r.IntervalSeconds))) {
			v.add("retrier-fields", field+".IntervalSeconds", "%v must be a whole number of seconds, at least 1", *r.IntervalSeconds)
		}
		if r.BackoffRate != nil && *r.BackoffRate < 1 {
			v.add("retrier-fields", field+".BackoffRate", "%v must be at least 1.0", *r.BackoffRate)
		}
		if r.MaxDelaySeconds != nil && (*r.MaxDelaySeconds < 1 || *r.MaxDelaySeconds >= 31622401) {
			v.add("retrier-fields", field+".MaxDelaySeconds", "%v must be from 1 to 31622400 seconds", *r.MaxDelaySeconds)
		}
		if r.JitterStrategy != "" && r.JitterStrategy != "FULL" && r.JitterStrategy != "NONE" {
			v.add("retrier-fields", field+".JitterStrategy", "%q must be FULL or NONE", r.JitterStrategy)
		}
	}
	for i, c := range st.Catch {
		field := fmt.Sprintf("Catch[%d]", i)
		v.errorEquals(st, field, c.ErrorEquals, i == len(st.Catch)-1)
		if c.Next == "" {
			v.add("catch-next", field+".Next", "is missing: name the state that handles the error")
		}
		v.transition(sm, field+".Next", c.Next)
		if path, ok := c.ResultPath.Path(); ok && path != "$" {
			if err := checkResultPath(path); err != nil {
				v.add("catch-fields", field+".ResultPath", "%v", err)
			}
		}
		if st.QueryLanguage == JSONPath && c.Output != nil {
			v.add("catch-fields", field+".Output", "is a JSONata field; this state uses JSONPath")
		}
		if st.QueryLanguage == JSONata && c.ResultPath.IsSet() {
			v.add("catch-fields", field+".ResultPath", "is a JSONPath field; this state uses JSONata")
		}
		v.assignOutput(st, field, c.Assign, c.Output)
	}
}

// assignOutput checks the Assign and Output of a catcher or a choice rule
// (at field) in the state's query language.
func (v *validator) assignOutput(st *State, field string, assign, output json.RawMessage) {
	if st.QueryLanguage == JSONata {
		v.jsonata(field+".Assign", assign)
		v.jsonata(field+".Output", output)
		v.jsonataSemantics(st, field+".Assign", assign)
		v.jsonataSemantics(st, field+".Output", output)
	} else if assign != nil {
		v.template(field+".Assign", assign)
	}
}

// errorEquals checks one ErrorEquals: non-empty, and States.ALL alone in
// the last retrier or catcher.
func (v *validator) errorEquals(st *State, field string, names []string, last bool) {
	if len(names) == 0 {
		v.add("error-equals", field+".ErrorEquals", "is empty: list the errors it handles")
	}
	for _, n := range names {
		if n == ErrALL && (len(names) > 1 || !last) {
			v.add("error-equals", field+".ErrorEquals", "States.ALL must be the only error of the last retrier or catcher")
		}
		if strings.HasPrefix(n, "States.") && !predefinedErrors[n] {
			v.add("error-equals", field+".ErrorEquals", "%q is not a predefined error", n)
		}
	}
}

var predefinedErrors = map[string]bool{
	ErrALL: true, ErrHeartbeatTimeout: true, ErrTimeout: true, ErrTaskFailed: true, ErrPermissions: true,
	ErrResultPathMatchFailure: true, ErrParameterPathFailure: true, ErrQueryEvaluationError: true, ErrBranchFailed: true,
	ErrNoChoiceMatched: true, ErrIntrinsicFailure: true, ErrExceedToleratedFailure: true, ErrItemReaderFailed: true,
	ErrResultWriterFailed: true, ErrRuntime: true, ErrDataLimitExceeded: true, "States.Aborted": true,
}
