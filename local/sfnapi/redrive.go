package sfnapi

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/sfnkit/sfnkit/asl"
)

// RedriveWindow is how long after its end an execution may be redriven,
// as in Step Functions.
const RedriveWindow = 14 * 24 * time.Hour

// redriveInfo is what an execution record keeps for RedriveExecution:
// the definition the execution runs (a redrive uses it, not a later
// update of the machine), the client tokens of its redrives (so a retried
// call does not redrive twice), and a channel that the watch closes once
// it has recorded the execution's end.
type redriveInfo struct {
	sm       *asl.StateMachine
	tokens   map[string]time.Time // guarded by Server.mu
	recorded chan struct{}        // guarded by Server.mu; replaced by a redrive
}

var clientTokenPattern = regexp.MustCompile(`^[!-~]{1,64}$`)

func (s *Server) redriveExecution(ctx context.Context, r request) (any, error) {
	rec, err := s.execution(r)
	if err != nil {
		return nil, err
	}
	token, err := r.str("clientToken", false)
	if err != nil {
		return nil, err
	}
	if token != "" && !clientTokenPattern.MatchString(token) {
		return nil, fail("ValidationException", "1 validation error detected: Value '%s' at 'clientToken' failed to satisfy constraint: Member must have length less than or equal to 64 and satisfy regular expression pattern: [!-~]+", token)
	}
	if rec.machine.Type == "EXPRESS" {
		return nil, fail(asl.CodeExecutionNotRedrivable, "Execution '%s' is an Express execution; only Standard executions can be redriven", rec.x.Arn)
	}
	// Wait, if need be, until the watch has recorded the end: from then on
	// the record is the redrive's to reopen.
	s.mu.Lock()
	if date, ok := rec.redrive.tokens[token]; ok && token != "" {
		s.mu.Unlock()
		return map[string]any{"redriveDate": epoch(date)}, nil
	}
	if !rec.closed && rec.x.Result().Status != asl.StatusRunning && rec.redrive.recorded != nil {
		ch := rec.redrive.recorded
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		s.mu.Lock()
	}
	defer s.mu.Unlock()
	if rec.gone {
		return nil, fail("ExecutionDoesNotExist", "Execution Does Not Exist: '%s'", rec.x.Arn)
	}
	if status := rec.x.Result().Status; status == asl.StatusRunning || status == asl.StatusSucceeded {
		return nil, fail(asl.CodeExecutionNotRedrivable, "Execution is %s and cannot be redriven", status)
	}
	clock := rec.machine.Engine.Clock()
	if clock.Now().Sub(rec.x.StopDate()) > RedriveWindow {
		return nil, fail(asl.CodeExecutionNotRedrivable, "Execution '%s' ended on %s, more than 14 days ago; it can no longer be redriven", rec.x.Arn, rec.x.StopDate().Format(time.RFC3339))
	}
	sm := rec.redrive.sm
	if sm == nil {
		sm = rec.machine.Parsed
	}
	if err := rec.machine.Engine.Redrive(context.WithoutCancel(ctx), rec.x, sm); err != nil {
		var api *asl.APIError
		if errors.As(err, &api) {
			return nil, fail(api.Code, "%s", api.Message)
		}
		return nil, err
	}
	date := rec.x.RedriveDate()
	if token != "" {
		if rec.redrive.tokens == nil {
			rec.redrive.tokens = map[string]time.Time{}
		}
		rec.redrive.tokens[token] = date
	}
	// The execution runs again: it no longer counts as closed.
	rec.closed = false
	for i, c := range s.closed {
		if c == rec {
			s.closed = append(s.closed[:i], s.closed[i+1:]...)
			break
		}
	}
	rec.redrive.recorded = make(chan struct{})
	go s.watch(rec)
	return map[string]any{"redriveDate": epoch(date)}, nil
}

// redriveFields adds DescribeExecution's redrive fields to out.
func redriveFields(rec *record, out map[string]any) {
	if rec.machine.Type == "EXPRESS" {
		return
	}
	out["redriveCount"] = rec.x.RedriveCount()
	if date := rec.x.RedriveDate(); !date.IsZero() {
		out["redriveDate"] = epoch(date)
	}
	status, reason := redrivable(rec)
	out["redriveStatus"] = status
	if reason != "" {
		out["redriveStatusReason"] = reason
	}
}

// redrivable is an execution's redriveStatus and its reason, as AWS
// words them.
func redrivable(rec *record) (status, reason string) {
	res := rec.x.Result()
	switch {
	case res.Status == asl.StatusRunning || res.Status == asl.StatusSucceeded:
		return "NOT_REDRIVABLE", fmt.Sprintf("Execution is %s and cannot be redriven", res.Status)
	case rec.x.RedriveCount() >= asl.MaxRedrives:
		return "NOT_REDRIVABLE", fmt.Sprintf("Execution has been redriven %d times, the maximum", asl.MaxRedrives)
	case rec.machine.Engine.Clock().Now().Sub(rec.x.StopDate()) > RedriveWindow:
		return "NOT_REDRIVABLE", "Execution ended more than 14 days ago"
	}
	return "REDRIVABLE", ""
}

// redriveFilter reads the redriveFilter of ListExecutions by mapRunArn.
func redriveFilter(r request) (func(*record) bool, error) {
	filter, err := r.str("redriveFilter", false)
	if err != nil {
		return nil, err
	}
	return redriveMatcher(filter)
}

// redriveMatcher is the match of a redriveFilter; an empty one matches
// every execution.
func redriveMatcher(filter string) (func(*record) bool, error) {
	switch filter {
	case "":
		return func(*record) bool { return true }, nil
	case "REDRIVEN":
		return func(rec *record) bool { return rec.x.RedriveCount() > 0 }, nil
	case "NOT_REDRIVEN":
		return func(rec *record) bool { return rec.x.RedriveCount() == 0 }, nil
	}
	return nil, fail("ValidationException", "1 validation error detected: Value '%s' at 'redriveFilter' failed to satisfy constraint: Member must satisfy enum value set: [REDRIVEN, NOT_REDRIVEN]", filter)
}
