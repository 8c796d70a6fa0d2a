package sfnapi

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"github.com/sfnkit/sfnkit/asl"
)

// Go access to the server for tools that run in the same process (the
// web console of `sfnkit serve`): Invoke performs an operation exactly as
// a POST / does, and the read accessors return the records the operations
// describe, so a page can show what no single operation answers.

// Invoke runs the API operation action (such as "StartExecution") with
// req, any value that marshals to the operation's JSON request, through
// the same validation and handler as a POST / with X-Amz-Target
// AWSStepFunctions.<action>. If out is not nil, the answer is decoded into
// it. An error of the operation reads with ErrorCode.
func (s *Server) Invoke(ctx context.Context, action string, req, out any) error {
	body, err := json.Marshal(req)
	if err != nil {
		return fail("SerializationException", "the request does not encode as JSON: %v", err)
	}
	if len(body) > MaxRequestBytes {
		return fail("ValidationException", "the request body is over %d bytes", MaxRequestBytes)
	}
	answer, err := s.call(ctx, action, body)
	if err != nil || out == nil {
		return err
	}
	data, err := json.Marshal(answer)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, out)
}

// ErrorCode is the AWS error code and message of an error that Invoke
// returned (such as "ExecutionDoesNotExist"); ok is false for any other
// error.
func ErrorCode(err error) (code, message string, ok bool) {
	var e *apiError
	if !errors.As(err, &e) {
		return "", "", false
	}
	return e.code, e.message, true
}

// Page is the span [from, to) of a list of total items that a List
// operation's maxResults and nextToken ask for, and the token of the next
// page (empty on the last): the pagination of GetExecutionHistory and
// every List operation, for a caller that pages a list of its own (such
// as a history filtered by event type). A maxResults over 1000 or a token
// that does not fit the list is an error with AWS's code.
func Page(maxResults int, nextToken string, total int) (from, to int, next string, err error) {
	p := pageRequest{MaxResults: maxResults, NextToken: nextToken}
	sp, next, err := p.page(total)
	return sp.from, sp.to, next, err
}

// ExecutionRecord is an execution the server keeps and what it was
// started with.
type ExecutionRecord struct {
	// Execution is the running or ended execution: its history, result,
	// pending task tokens and map runs.
	Execution *asl.Execution
	// Machine is the state machine (or the version's snapshot of it) the
	// execution runs.
	Machine *Machine
	// MachineArn is the unqualified ARN of the machine.
	MachineArn string
	// VersionArn and AliasArn are the version it ran and the alias that
	// chose it; empty if started without them.
	VersionArn, AliasArn string
}

func exported(rec *record) ExecutionRecord {
	// A version's snapshot keeps the unqualified ARN.
	return ExecutionRecord{Execution: rec.x, Machine: rec.machine, MachineArn: rec.machine.Arn, VersionArn: rec.versionArn, AliasArn: rec.aliasArn}
}

// MachineByArn is the state machine of an unqualified ARN, if it exists.
func (s *Server) MachineByArn(arn string) (*Machine, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.machines[arn]
	return m, ok
}

// ExecutionByArn is the execution of arn, if the server keeps it (an
// evicted or deleted one answers false, as DescribeExecution answers
// ExecutionDoesNotExist).
func (s *Server) ExecutionByArn(arn string) (ExecutionRecord, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.executions[arn]
	if !ok {
		return ExecutionRecord{}, false
	}
	return exported(rec), true
}

// ExecutionsOf lists the executions the server keeps of the machine
// machineArn (unqualified: every version and alias), newest first, as
// ListExecutions lists them.
func (s *Server) ExecutionsOf(machineArn string) []ExecutionRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := s.byMachine[machineArn]
	if list == nil {
		return nil
	}
	out := make([]ExecutionRecord, 0, len(list.recs))
	for _, rec := range list.recs {
		if !rec.gone {
			out = append(out, exported(rec))
		}
	}
	slices.Reverse(out)
	return out
}
