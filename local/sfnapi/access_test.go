package sfnapi

import (
	"context"
	"testing"
)

// TestInvokeIsTheAPI: Invoke answers as POST / does, with AWS's error
// codes, and the read accessors see what the operations made.
func TestInvokeIsTheAPI(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	ctx := context.Background()
	def := `{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}`
	var created struct{ StateMachineArn string }
	if err := s.Invoke(ctx, "CreateStateMachine", map[string]any{"name": "M", "definition": def, "roleArn": "arn:aws:iam::123456789012:role/R"}, &created); err != nil {
		t.Fatal(err)
	}
	if m, ok := s.MachineByArn(created.StateMachineArn); !ok || m.Name != "M" {
		t.Fatalf("MachineByArn(%s) = %v, %v", created.StateMachineArn, m, ok)
	}
	var started struct{ ExecutionArn string }
	if err := s.Invoke(ctx, "StartExecution", map[string]any{"stateMachineArn": created.StateMachineArn, "name": "e1"}, &started); err != nil {
		t.Fatal(err)
	}
	rec, ok := s.ExecutionByArn(started.ExecutionArn)
	if !ok || rec.MachineArn != created.StateMachineArn || len(s.ExecutionsOf(created.StateMachineArn)) != 1 {
		t.Fatalf("ExecutionByArn = %+v, %v; ExecutionsOf = %v", rec, ok, s.ExecutionsOf(created.StateMachineArn))
	}
	err := s.Invoke(ctx, "StartExecution", map[string]any{"stateMachineArn": created.StateMachineArn, "input": "{"}, nil)
	if code, _, ok := ErrorCode(err); !ok || code != "InvalidExecutionInput" {
		t.Errorf("input that is not JSON: %v; want InvalidExecutionInput", err)
	}
	if code, _, _ := ErrorCode(s.Invoke(ctx, "NoSuchAction", map[string]any{}, nil)); code != "UnknownOperationException" {
		t.Errorf("an unknown action: %s", code)
	}
	from, to, next, err := Page(2, "", 5)
	if err != nil || from != 0 || to != 2 || next == "" {
		t.Fatalf("Page(2, \"\", 5) = %d, %d, %q, %v", from, to, next, err)
	}
	if from, to, last, err := Page(2, next, 3); err != nil || from != 2 || to != 3 || last != "" {
		t.Errorf("the next page of 3 = %d, %d, %q, %v", from, to, last, err)
	}
	if _, _, _, err := Page(2, "made-up", 5); err == nil {
		t.Error("a made-up token was accepted")
	}
}
