package sfnapi

import (
	"context"
	"strings"

	"github.com/sfnkit/sfnkit/asl"
)

// mapRunOf finds a map run by the ARN in the request's mapRunArn: the
// engine names runs arn:...:mapRun:<machine>/<label>:<id>, so the machine
// tells which executions to look through.
func (s *Server) mapRunOf(r request) (*record, asl.MapRun, error) {
	arn, err := r.str("mapRunArn", true)
	if err != nil {
		return nil, asl.MapRun{}, err
	}
	slash := strings.Index(arn, "/")
	if !arnPattern.MatchString(arn) || !strings.Contains(arn, ":mapRun:") || slash < 0 || len(arn) > 2000 {
		return nil, asl.MapRun{}, fail("InvalidArn", "Invalid Arn: '%s'", arn)
	}
	machineArn := strings.Replace(arn[:slash], ":mapRun:", ":stateMachine:", 1)
	s.mu.Lock()
	var recs []*record
	if list := s.byMachine[machineArn]; list != nil {
		for _, rec := range list.recs {
			if !rec.gone {
				recs = append(recs, rec)
			}
		}
	}
	s.mu.Unlock()
	for i := len(recs) - 1; i >= 0; i-- {
		for _, run := range recs[i].x.MapRuns() {
			if run.Arn == arn {
				return recs[i], run, nil
			}
		}
	}
	return nil, asl.MapRun{}, fail("ResourceNotFound", "Resource not found: '%s'", arn)
}

// mapRunMachineArn is the ARN AWS gives a map run's child workflow:
// arn:...:stateMachine:<machine>/<label>.
func mapRunMachineArn(mapRunArn string) string {
	return strings.Replace(mapRunArn[:strings.LastIndex(mapRunArn, ":")], ":mapRun:", ":stateMachine:", 1)
}

func (s *Server) listMapRuns(_ context.Context, r request) (any, error) {
	rec, err := s.execution(r)
	if err != nil {
		return nil, err
	}
	runs := rec.x.MapRuns()
	page, next, err := paginate(r, len(runs))
	if err != nil {
		return nil, err
	}
	items := []any{}
	for _, run := range runs[page.from:page.to] {
		item := map[string]any{"executionArn": run.ExecutionArn, "mapRunArn": run.Arn, "stateMachineArn": mapRunMachineArn(run.Arn), "startDate": epoch(run.Start)}
		if !run.Stop.IsZero() {
			item["stopDate"] = epoch(run.Stop)
		}
		items = append(items, item)
	}
	return withToken(map[string]any{"mapRuns": items}, next), nil
}

func counts(c asl.MapRunCounts) map[string]any {
	return map[string]any{
		"pending": c.Pending, "running": c.Running, "succeeded": c.Succeeded, "failed": c.Failed,
		"timedOut": c.TimedOut, "aborted": c.Aborted, "total": c.Total, "resultsWritten": c.ResultsWritten,
		"failuresNotRedrivable": c.FailuresNotRedrivable, "pendingRedrive": c.PendingRedrive,
	}
}

func (s *Server) describeMapRun(_ context.Context, r request) (any, error) {
	_, run, err := s.mapRunOf(r)
	if err != nil {
		return nil, err
	}
	out := map[string]any{
		"mapRunArn": run.Arn, "executionArn": run.ExecutionArn, "status": run.Status, "startDate": epoch(run.Start),
		"maxConcurrency": run.MaxConcurrency, "toleratedFailurePercentage": run.ToleratedFailurePercentage,
		"toleratedFailureCount": run.ToleratedFailureCount, "itemCounts": counts(run.Items), "executionCounts": counts(run.Executions),
		"redriveCount": run.RedriveCount,
	}
	if !run.Stop.IsZero() {
		out["stopDate"] = epoch(run.Stop)
	}
	if !run.RedriveDate.IsZero() {
		out["redriveDate"] = epoch(run.RedriveDate)
	}
	return out, nil
}

func (s *Server) updateMapRun(_ context.Context, r request) (any, error) {
	rec, run, err := s.mapRunOf(r)
	if err != nil {
		return nil, err
	}
	var u asl.MapRunUpdate
	if r["maxConcurrency"] != nil {
		n, err := r.int("maxConcurrency", 0)
		if err != nil {
			return nil, err
		}
		if n < 0 {
			return nil, fail("ValidationException", "1 validation error detected: Value '%d' at 'maxConcurrency' failed to satisfy constraint: Member must have value greater than or equal to 0", n)
		}
		u.MaxConcurrency = &n
	}
	if r["toleratedFailureCount"] != nil {
		n, err := r.int("toleratedFailureCount", 0)
		if err != nil {
			return nil, err
		}
		if n < 0 {
			return nil, fail("ValidationException", "1 validation error detected: Value '%d' at 'toleratedFailureCount' failed to satisfy constraint: Member must have value greater than or equal to 0", n)
		}
		u.ToleratedFailureCount = &n
	}
	if v, ok := r["toleratedFailurePercentage"]; ok && v != nil {
		pct, ok := v.(float64)
		if !ok {
			return nil, fail("SerializationException", "toleratedFailurePercentage must be a number")
		}
		if pct < 0 || pct > 100 {
			return nil, fail("ValidationException", "1 validation error detected: Value '%v' at 'toleratedFailurePercentage' failed to satisfy constraint: Member must have value between 0 and 100", pct)
		}
		u.ToleratedFailurePercentage = &pct
	}
	if u == (asl.MapRunUpdate{}) {
		return nil, fail("ValidationException", "At least one of maxConcurrency, toleratedFailurePercentage or toleratedFailureCount must be provided")
	}
	if run.Status != asl.MapRunRunning {
		return nil, fail("ValidationException", "Map Run '%s' is %s; only a RUNNING Map Run can be updated", run.Arn, run.Status)
	}
	rec.x.UpdateMapRun(run.Arn, u)
	return map[string]any{}, nil
}

// listMapRunExecutions is ListExecutions by mapRunArn: the run's child
// executions that have ended, newest first; of a child run again by a
// redrive, its latest run.
func (s *Server) listMapRunExecutions(_ context.Context, r request) (any, error) {
	if r["stateMachineArn"] != nil {
		return nil, fail("ValidationException", "Cannot provide both a StateMachine ARN and a MapRun ARN")
	}
	if _, err := redriveFilter(r); err != nil {
		return nil, err
	}
	filter, err := r.str("statusFilter", false)
	if err != nil {
		return nil, err
	}
	if filter != "" && !statuses[filter] {
		return nil, fail("ValidationException", "1 validation error detected: Value '%s' at 'statusFilter' failed to satisfy constraint", filter)
	}
	rec, run, err := s.mapRunOf(r)
	if err != nil {
		return nil, err
	}
	latest := map[int]int{}
	var children []asl.ChildExecution
	for _, c := range rec.x.Children() {
		if c.MapRunArn != run.Arn {
			continue
		}
		if at, ok := latest[c.Index]; ok {
			children[at] = c
			continue
		}
		latest[c.Index] = len(children)
		children = append(children, c)
	}
	var matched []asl.ChildExecution
	for i := len(children) - 1; i >= 0; i-- {
		if filter == "" || string(children[i].Status) == filter {
			matched = append(matched, children[i])
		}
	}
	if f, _ := r.str("redriveFilter", false); f == "REDRIVEN" { // a child is never redriven by itself
		matched = nil
	}
	page, next, err := paginate(r, len(matched))
	if err != nil {
		return nil, err
	}
	childMachine := mapRunMachineArn(run.Arn)
	items := []any{}
	for _, c := range matched[page.from:page.to] {
		items = append(items, map[string]any{
			"executionArn":    strings.Replace(childMachine, ":stateMachine:", ":execution:", 1) + ":" + c.Name,
			"stateMachineArn": childMachine, "name": c.Name, "status": string(c.Status), "mapRunArn": run.Arn,
			"startDate": epoch(c.Start), "stopDate": epoch(c.Stop), "redriveCount": 0,
		})
	}
	return withToken(map[string]any{"executions": items}, next), nil
}
