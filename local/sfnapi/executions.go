package sfnapi

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/sfnkit/sfnkit/asl"
)

// start starts an execution of a validated request.
func (s *Server) start(ctx context.Context, q *startExecutionRequest) (*record, error) {
	m, versionArn, aliasArn, err := s.target(*q.StateMachineArn)
	if err != nil {
		return nil, err
	}
	name, input := q.Name, *q.Input
	x, err := m.Engine.Start(context.WithoutCancel(ctx), m.Parsed, []byte(input), name)
	if err != nil {
		var api *asl.APIError
		if errors.As(err, &api) {
			return nil, fail(api.Code, "%s", api.Message)
		}
		return nil, fail("InvalidExecutionInput", "%v", err)
	}
	rec := &record{x: x, machine: m, versionArn: versionArn, aliasArn: aliasArn,
		redrive: redriveInfo{sm: m.Parsed, recorded: make(chan struct{})}}
	s.mu.Lock()
	if cur := s.machines[m.Arn]; cur == nil || cur.Engine != m.Engine { // deleted while the execution started
		s.mu.Unlock()
		x.Stop("", "")
		return nil, fail("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", m.Arn)
	}
	if prev, ok := s.executions[x.Arn]; ok { // an idempotent restart returned the running one
		s.mu.Unlock()
		return prev, nil
	}
	s.executions[x.Arn] = rec
	list := s.byMachine[m.Arn]
	if list == nil {
		list = &executionList{}
		s.byMachine[m.Arn] = list
	}
	list.recs = append(list.recs, rec)
	s.mu.Unlock()
	go s.watch(rec)
	return rec, nil
}

func (s *Server) startExecution(ctx context.Context, r request) (any, error) {
	q, err := validated[startExecutionRequest](r)
	if err != nil {
		return nil, err
	}
	rec, err := s.start(ctx, q)
	if err != nil {
		return nil, err
	}
	return startExecutionResponse{ExecutionArn: rec.x.Arn, StartDate: epoch(rec.x.StartTime)}, nil
}

func (s *Server) startSyncExecution(ctx context.Context, r request) (any, error) {
	q, err := validated[startExecutionRequest](r)
	if err != nil {
		return nil, err
	}
	m, _, _, err := s.target(*q.StateMachineArn)
	if err != nil {
		return nil, err
	}
	if m.Type != "EXPRESS" {
		return nil, fail("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine")
	}
	rec, err := s.start(ctx, q)
	if err != nil {
		return nil, err
	}
	if _, err := rec.x.Wait(ctx); err != nil {
		return nil, fail("InternalFailure", "%v", err)
	}
	out := describe(rec)
	out["stateMachineArn"] = m.Arn
	return out, nil
}

// execution finds the execution a request's executionArn names.
func (s *Server) execution(r request) (*record, error) {
	q, err := validated[executionRequest](r)
	if err != nil {
		return nil, err
	}
	return s.executionByArn(*q.ExecutionArn)
}

// executionByArn finds an execution by its validated ARN.
func (s *Server) executionByArn(arn string) (*record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.executions[arn]
	if !ok {
		return nil, fail("ExecutionDoesNotExist", "Execution Does Not Exist: '%s'", arn)
	}
	return rec, nil
}

func (s *Server) stopExecution(_ context.Context, r request) (any, error) {
	q, err := validated[stopExecutionRequest](r)
	if err != nil {
		return nil, err
	}
	rec, err := s.executionByArn(*q.ExecutionArn)
	if err != nil {
		return nil, err
	}
	rec.x.Stop(q.Error, q.Cause)
	<-rec.x.Done()
	return stopExecutionResponse{StopDate: epoch(rec.x.StopDate())}, nil
}

// describe is DescribeExecution's answer.
func describe(rec *record) map[string]any {
	res := rec.x.Result()
	input, _ := json.Marshal(rec.x.Input)
	out := map[string]any{
		"executionArn": rec.x.Arn, "stateMachineArn": rec.machine.Arn, "name": rec.x.Name,
		"status": string(res.Status), "startDate": epoch(rec.x.StartTime),
		"input": string(input), "inputDetails": map[string]any{"included": true},
	}
	if rec.versionArn != "" {
		out["stateMachineVersionArn"] = rec.versionArn
	}
	if rec.aliasArn != "" {
		out["stateMachineAliasArn"] = rec.aliasArn
	}
	if res.Status != asl.StatusRunning {
		out["stopDate"] = epoch(rec.x.StopDate())
	}
	if res.Status == asl.StatusSucceeded {
		output, _ := json.Marshal(res.Output)
		out["output"] = string(output)
		out["outputDetails"] = map[string]any{"included": true}
	}
	if res.Error != "" {
		out["error"] = res.Error
	}
	if res.Cause != "" {
		out["cause"] = res.Cause
	}
	redriveFields(rec, out)
	return out
}

func (s *Server) describeExecution(_ context.Context, r request) (any, error) {
	rec, err := s.execution(r)
	if err != nil {
		return nil, err
	}
	return describe(rec), nil
}

func (s *Server) listExecutions(ctx context.Context, r request) (any, error) {
	if r["mapRunArn"] != nil {
		return s.listMapRunExecutions(ctx, r)
	}
	q, err := validated[listExecutionsRequest](r)
	if err != nil {
		return nil, err
	}
	redriven, _ := redriveMatcher(q.RedriveFilter)
	m, of, err := s.executionsOf(*q.StateMachineArn)
	if err != nil {
		return nil, err
	}
	filter := q.StatusFilter
	s.mu.Lock()
	var all []*record
	if list := s.byMachine[m.Arn]; list != nil {
		all = make([]*record, 0, len(list.recs)-list.gone)
		for _, rec := range list.recs {
			if !rec.gone {
				all = append(all, rec)
			}
		}
	}
	s.mu.Unlock()
	var matched []*record
	for i := len(all) - 1; i >= 0; i-- { // newest first, as AWS lists them
		if (filter == "" || string(all[i].x.Result().Status) == filter) && of(all[i]) && redriven(all[i]) {
			matched = append(matched, all[i])
		}
	}
	page, next, err := q.page(len(matched))
	if err != nil {
		return nil, err
	}
	items := []any{}
	for _, rec := range matched[page.from:page.to] {
		d := describe(rec)
		item := map[string]any{"executionArn": d["executionArn"], "stateMachineArn": d["stateMachineArn"], "name": d["name"], "status": d["status"], "startDate": d["startDate"]}
		for _, k := range []string{"stopDate", "redriveCount", "redriveDate"} {
			if v, ok := d[k]; ok {
				item[k] = v
			}
		}
		items = append(items, item)
	}
	return withToken(map[string]any{"executions": items}, next), nil
}

func (s *Server) getExecutionHistory(_ context.Context, r request) (any, error) {
	q, err := validated[getExecutionHistoryRequest](r)
	if err != nil {
		return nil, err
	}
	rec, err := s.executionByArn(*q.ExecutionArn)
	if err != nil {
		return nil, err
	}
	events := rec.x.History()
	if q.ReverseOrder {
		for i, j := 0, len(events)-1; i < j; i, j = i+1, j-1 {
			events[i], events[j] = events[j], events[i]
		}
	}
	page, next, err := q.page(len(events))
	if err != nil {
		return nil, err
	}
	out := getExecutionHistoryResponse{Events: []map[string]any{}, NextToken: next}
	for _, e := range events[page.from:page.to] {
		out.Events = append(out.Events, wireEvent(e))
	}
	return out, nil
}

// wireEvent is a history event as the protocol writes it: the timestamp
// in epoch seconds.
func wireEvent(e asl.Event) map[string]any {
	data, _ := json.Marshal(e)
	var m map[string]any
	json.Unmarshal(data, &m)
	m["timestamp"] = epoch(e.Timestamp)
	return m
}

func (s *Server) sendTaskSuccess(_ context.Context, r request) (any, error) {
	q, err := validated[sendTaskSuccessRequest](r)
	if err != nil {
		return nil, err
	}
	token := *q.TaskToken
	return struct{}{}, s.eachEngine(token, func(e *asl.Engine) error { return e.SendTaskSuccess(token, []byte(*q.Output)) })
}

func (s *Server) sendTaskFailure(_ context.Context, r request) (any, error) {
	q, err := validated[sendTaskFailureRequest](r)
	if err != nil {
		return nil, err
	}
	token := *q.TaskToken
	return struct{}{}, s.eachEngine(token, func(e *asl.Engine) error { return e.SendTaskFailure(token, q.Error, q.Cause) })
}

func (s *Server) sendTaskHeartbeat(_ context.Context, r request) (any, error) {
	q, err := validated[taskTokenRequest](r)
	if err != nil {
		return nil, err
	}
	token := *q.TaskToken
	return struct{}{}, s.eachEngine(token, func(e *asl.Engine) error { return e.SendTaskHeartbeat(token) })
}

// eachEngine offers a task token to each machine's engine until one knows
// it: tokens are unique, and the token says nothing of its machine.
func (s *Server) eachEngine(token string, send func(*asl.Engine) error) error {
	s.mu.Lock()
	engines := make([]*asl.Engine, 0, len(s.machines))
	for _, m := range s.machines {
		engines = append(engines, m.Engine)
	}
	s.mu.Unlock()
	last := error(&asl.APIError{Code: asl.CodeTaskDoesNotExist, Message: "Task Does Not Exist"})
	for _, e := range engines {
		err := send(e)
		var api *asl.APIError
		if err == nil {
			return nil
		}
		if errors.As(err, &api) && api.Code == asl.CodeTaskDoesNotExist {
			continue
		}
		last = err
		break
	}
	var api *asl.APIError
	if errors.As(last, &api) {
		return fail(api.Code, "%s", api.Message)
	}
	return last
}
