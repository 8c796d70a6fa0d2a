package console

import (
	"context"
	"testing"
	"time"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/local/sfnapi"
)

// retryThenCatch has a Parallel whose branch fails with Boom: it is
// retried once, fails again and is caught into a Pass state and then a
// Fail state; Skip is never reached.
const retryThenCatch = `{"StartAt": "Charge", "States": {
	"Charge": {"Type": "Parallel", "Branches": [{"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "Boom"}}}],
		"Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 1, "IntervalSeconds": 1}],
		"Catch": [{"ErrorEquals": ["Boom"], "Next": "Undo"}], "Next": "Skip"},
	"Skip": {"Type": "Succeed"},
	"Undo": {"Type": "Pass", "Next": "Failed"},
	"Failed": {"Type": "Fail", "Error": "ChargeFailed"}}}`

func TestOutcomesReadTheHistory(t *testing.T) {
	api := sfnapi.New(sfnapi.Options{Clock: asl.NewVirtualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	defer api.Close()
	ctx := context.Background()
	if err := api.Invoke(ctx, "CreateStateMachine", map[string]any{"name": "Charges", "definition": retryThenCatch, "roleArn": "arn:aws:iam::123456789012:role/R"}, nil); err != nil {
		t.Fatal(err)
	}
	var started struct{ ExecutionArn string }
	if err := api.Invoke(ctx, "StartExecution", map[string]any{"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Charges"}, &started); err != nil {
		t.Fatal(err)
	}
	rec, _ := api.ExecutionByArn(started.ExecutionArn)
	<-rec.Execution.Done()
	runs := outcomes(rec.Execution.History(), rec.Execution.Result().Status)
	for state, want := range map[string]string{"Charge": caught, "Undo": succeeded, "Failed": failed} {
		if runs[state] == nil || runs[state].Outcome != want {
			t.Errorf("%s: %+v; want %s", state, runs[state], want)
		}
	}
	if runs["Skip"] != nil {
		t.Errorf("Skip never ran but has %+v", runs["Skip"])
	}
	if c := runs["Charge"]; c.Failures != 2 {
		t.Errorf("Charge: %d failed attempts; want 2", c.Failures)
	}
}

func TestOutcomeOf(t *testing.T) {
	for _, c := range []struct {
		run    stateRun
		status asl.Status
		want   string
	}{
		{stateRun{Type: "Task", Entered: 1, Exited: 1, Attempts: 2, Failures: 1}, asl.StatusSucceeded, retried},
		{stateRun{Type: "Task", Entered: 1, Exited: 1, Attempts: 1}, asl.StatusSucceeded, succeeded},
		{stateRun{Type: "Task", Entered: 1, Attempts: 1}, asl.StatusRunning, running},
		{stateRun{Type: "Task", Entered: 1, Attempts: 1, Failures: 1, lastFailed: true}, asl.StatusFailed, failed},
		{stateRun{Type: "Wait", Entered: 1}, asl.StatusAborted, failed},
	} {
		if got := outcomeOf(&c.run, c.status); got != c.want {
			t.Errorf("%+v in a %s execution: %s; want %s", c.run, c.status, got, c.want)
		}
	}
}

// itemsMap is a Distributed Map over its input's items whose processor
// fails the item 2; one failure is tolerated.
const itemsMap = `{"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.items", "ToleratedFailureCount": 1,
	"ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Check", "States": {
		"Check": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "Bad"}], "Default": "Good"},
		"Good": {"Type": "Pass", "End": true},
		"Bad": {"Type": "Fail", "Error": "BadItem"}}}, "End": true}}}`

// TestOutcomesOfAnItemProcessor: the states of a Distributed Map's item
// processor ran in the map run's child executions, not in the parent's
// history; the page counts them from the children.
func TestOutcomesOfAnItemProcessor(t *testing.T) {
	api := sfnapi.New(sfnapi.Options{Clock: asl.NewVirtualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	defer api.Close()
	ctx := context.Background()
	if err := api.Invoke(ctx, "CreateStateMachine", map[string]any{"name": "Items", "definition": itemsMap, "roleArn": "arn:aws:iam::123456789012:role/R"}, nil); err != nil {
		t.Fatal(err)
	}
	var started struct{ ExecutionArn string }
	if err := api.Invoke(ctx, "StartExecution", map[string]any{"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Items", "input": `{"items": [1, 2, 3]}`}, &started); err != nil {
		t.Fatal(err)
	}
	rec, _ := api.ExecutionByArn(started.ExecutionArn)
	<-rec.Execution.Done()
	x := rec.Execution
	if x.Result().Status != asl.StatusSucceeded {
		t.Fatalf("the execution is %s (%s)", x.Result().Status, x.Result().Error)
	}
	runs := outcomes(x.History(), x.Result().Status)
	if runs["Good"] != nil {
		t.Fatalf("the parent's history holds the item processor's states: %+v", runs["Good"])
	}
	withChildren(runs, x.Children())
	for state, want := range map[string]struct {
		outcome string
		entered int
	}{"Each": {succeeded, 1}, "Check": {succeeded, 3}, "Good": {succeeded, 2}, "Bad": {failed, 1}} {
		if r := runs[state]; r == nil || r.Outcome != want.outcome || r.Entered != want.entered {
			t.Errorf("%s: %+v; want %s, entered %d times", state, r, want.outcome, want.entered)
		}
	}
	if r := runs["Good"]; r.Start.IsZero() || r.End.Before(r.Start) || r.Output == "" {
		t.Errorf("Good's timing or data were not taken from the children: %+v", r)
	}
}
