package asl

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

// TestTestStateInfoOmitsInspectionData: at INFO (the default) the response
// has the status, output and next state, and no inspectionData, even when
// a catcher handled an error.
func TestTestStateInfoOmitsInspectionData(t *testing.T) {
	for _, level := range []InspectionLevel{"", InspectionInfo} {
		got, err := TestState(context.Background(), &TestStateRequest{
			Definition:      `{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","Catch":[{"ErrorEquals":["States.ALL"],"Next":"H"}],"End":true}`,
			InspectionLevel: level,
			Mock:            &TestStateMock{ErrorOutput: &TestStateMockError{Error: "SQS.Oops"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		want := TestStateResponse{Status: TestCaughtError, NextState: "H", Error: "SQS.Oops", Output: `{"Cause":"","Error":"SQS.Oops"}`}
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("level %q: got %s, want %s", level, mustJSON(t, got), mustJSON(t, want))
		}
	}
}

// TestTestStateMapAndParallel: Map and Parallel states run with their
// iterations or branches mocked; the Map reports its items, the inputs
// ItemSelector makes and its thresholds, and a failure count above the
// tolerated one fails it with States.ExceedToleratedFailureThreshold.
func TestTestStateMapAndParallel(t *testing.T) {
	mapDef := `{"Type":"Map","ItemsPath":"$.Values","ItemSelector":{"v.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index"},"MaxConcurrency":2,"ToleratedFailureCount":1,
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"HandleItem","States":{"HandleItem":{"Type":"Pass","End":true}}},
		"ResultPath":"$.results","Catch":[{"ErrorEquals":["States.ALL"],"Next":"HandleThreshold"}],"Next":"After"}`
	got, err := TestState(context.Background(), &TestStateRequest{
		Definition: mapDef, Input: `{"Values":["a","b"]}`, InspectionLevel: InspectionDebug,
		Mock: &TestStateMock{Result: `[1,2]`},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := TestStateResponse{
		Status: TestSucceeded, NextState: "After", Output: `{"Values":["a","b"],"results":[1,2]}`,
		InspectionData: &InspectionData{
			Input: `{"Values":["a","b"]}`, AfterInputPath: `{"Values":["a","b"]}`, AfterItemsPath: `["a","b"]`,
			AfterItemSelector: `[{"i":0,"v":"a"},{"i":1,"v":"b"}]`,
			Result:            `[1,2]`, AfterResultSelector: `[1,2]`, AfterResultPath: `{"Values":["a","b"],"results":[1,2]}`,
			MaxConcurrency: ptr(2), ToleratedFailureCount: ptr(1),
		},
	}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("Map: got  %s\nwant %s", mustJSON(t, got), mustJSON(t, want))
	}

	got, err = TestState(context.Background(), &TestStateRequest{
		Definition: mapDef, Input: `{"Values":["a","b"]}`,
		Mock:               &TestStateMock{Result: `[0,0]`},
		StateConfiguration: &TestStateConfiguration{MapIterationFailureCount: ptr(2)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != TestCaughtError || got.Error != ErrExceedToleratedFailure || got.NextState != "HandleThreshold" {
		t.Errorf("Map over its tolerated failures: got %s", mustJSON(t, got))
	}

	got, err = TestState(context.Background(), &TestStateRequest{
		Definition: `{"Type":"Parallel","Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}],
			"ResultSelector":{"first.$":"$[0]"},"End":true}`,
		Mock:               &TestStateMock{ErrorOutput: &TestStateMockError{Error: "BranchBroke", Cause: "in B"}},
		StateConfiguration: &TestStateConfiguration{ErrorCausedByState: "B"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != TestFailed || got.Error != "BranchBroke" || got.Cause != "in B" {
		t.Errorf("Parallel with a mocked error: got %s", mustJSON(t, got))
	}
}

// TestTestStateInMachine: with stateName the definition is a whole state
// machine, and the named state (at any depth) is tested; the context
// parameter reaches $$.
func TestTestStateInMachine(t *testing.T) {
	def := `{"StartAt":"Fanout","States":{"Fanout":{"Type":"Parallel","Branches":[{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"w","retry.$":"$$.State.RetryCount","name.$":"$$.Execution.Name"},"End":true}}}],"End":true}}}`
	got, err := TestState(context.Background(), &TestStateRequest{
		Definition: def, StateName: "Work", InspectionLevel: InspectionTrace,
		Mock:               &TestStateMock{Result: `{}`},
		Context:            `{"Execution":{"Name":"exec-7"}}`,
		StateConfiguration: &TestStateConfiguration{RetrierRetryCount: ptr(2)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"FunctionName":"w","name":"exec-7","retry":2}`; got.InspectionData == nil || got.InspectionData.AfterParameters != want {
		t.Errorf("afterParameters: got %s, want %s", mustJSON(t, got), want)
	}
}

// TestTestStateRefusals: requests the API refuses return its error codes,
// with a message that says what to change.
func TestTestStateRefusals(t *testing.T) {
	task := `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}`
	cases := []struct {
		name       string
		req        TestStateRequest
		code, text string
	}{
		{"no definition", TestStateRequest{}, CodeValidationException, "definition is required"},
		{"bad level", TestStateRequest{Definition: task, InspectionLevel: "ALL"}, CodeValidationException, "use INFO, DEBUG or TRACE"},
		{"invalid state", TestStateRequest{Definition: `{"Type":"Pass","ResultSelector":{},"End":true}`}, CodeInvalidDefinition, "ResultSelector"},
		{"machine without stateName", TestStateRequest{Definition: `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`}, CodeValidationException, "stateName"},
		{"unknown stateName", TestStateRequest{Definition: `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`, StateName: "B"}, CodeValidationException, "its states are A"},
		{"mock on a Pass state", TestStateRequest{Definition: `{"Type":"Pass","End":true}`, Mock: &TestStateMock{Result: `1`}}, CodeValidationException, "State type 'Pass' is not supported when a mock is specified"},
		{"Task without a mock", TestStateRequest{Definition: task}, CodeValidationException, "give mock.result"},
		{"Map without a mock", TestStateRequest{Definition: `{"Type":"Map","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}`}, CodeValidationException, "only with a mock"},
		{"result and error", TestStateRequest{Definition: task, Mock: &TestStateMock{Result: `1`, ErrorOutput: &TestStateMockError{Error: "E"}}}, CodeValidationException, "give one"},
		{"result not JSON", TestStateRequest{Definition: task, Mock: &TestStateMock{Result: `{`}}, CodeValidationException, "mock.result is not JSON"},
		{"context without a mock", TestStateRequest{Definition: `{"Type":"Pass","End":true}`, Context: `{}`}, CodeValidationException, "only together with a mock"},
		{"variables not an object", TestStateRequest{Definition: `{"Type":"Pass","End":true}`, Variables: `[1]`}, CodeValidationException, "variables must be a JSON object"},
		{"input not JSON", TestStateRequest{Definition: `{"Type":"Pass","End":true}`, Input: `{x`}, CodeValidationException, "input is not JSON"},
		{"errorCausedByState outside", TestStateRequest{Definition: `{"Type":"Parallel","Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}],"End":true}`, Mock: &TestStateMock{ErrorOutput: &TestStateMockError{Error: "E"}}, StateConfiguration: &TestStateConfiguration{ErrorCausedByState: "Z"}}, CodeValidationException, `"Z" is not a state inside`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := TestState(context.Background(), &c.req)
			if !IsAPIError(err, c.code) || !strings.Contains(err.Error(), c.text) {
				t.Errorf("got %v, want %s containing %q", err, c.code, c.text)
			}
		})
	}
}

// TestTestStateWithResolver: a Task without a mock runs the request's
// resolver, as the harness runs the project's handlers.
func TestTestStateWithResolver(t *testing.T) {
	tasks := (&Registry{}).HandleState(testStateName, TaskFunc(func(_ context.Context, req TaskRequest) (any, error) {
		return map[string]any{"echo": req.Input}, nil
	}))
	got, err := TestState(context.Background(), &TestStateRequest{
		Definition: `{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:echo","End":true}`,
		Input:      `{"a":1}`, Tasks: tasks,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != TestSucceeded || got.Output != `{"echo":{"a":1}}` {
		t.Errorf("got %s", mustJSON(t, got))
	}
}
