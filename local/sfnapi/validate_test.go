package sfnapi

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

func TestValidateStateMachineDefinition(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	ok, err := c.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(doubler)})
	if err != nil || ok.Result != types.ValidateStateMachineDefinitionResultCodeOk || len(ok.Diagnostics) != 0 || aws.ToBool(ok.Truncated) {
		t.Errorf("a valid definition: %+v, %v", ok, err)
	}

	// Three states pointing nowhere: three errors, cut to maxResults.
	broken := `{"StartAt": "A", "States": {
	  "A": {"Type": "Pass", "Next": "X"}, "B": {"Type": "Pass", "Next": "Y"}, "C": {"Type": "Pass", "Next": "Z"}}}`
	bad, err := c.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(broken), MaxResults: 1})
	if err != nil || bad.Result != types.ValidateStateMachineDefinitionResultCodeFail || len(bad.Diagnostics) != 1 || !aws.ToBool(bad.Truncated) {
		t.Fatalf("a broken definition, 1 result: %+v, %v", bad, err)
	}
	if d := bad.Diagnostics[0]; d.Severity != types.ValidateStateMachineDefinitionSeverityError || aws.ToString(d.Code) == "" || aws.ToString(d.Message) == "" {
		t.Errorf("a diagnostic: %+v", d)
	}

	// An Express machine may not wait for a callback.
	if out, err := c.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(approval), Type: types.StateMachineTypeExpress}); err != nil || out.Result != types.ValidateStateMachineDefinitionResultCodeFail {
		t.Errorf("a callback in an Express machine: %+v, %v", out, err)
	}
	if out, err := c.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(approval), Type: types.StateMachineTypeStandard, Severity: types.ValidateStateMachineDefinitionSeverityWarning}); err != nil || out.Result != types.ValidateStateMachineDefinitionResultCodeOk {
		t.Errorf("a callback in a Standard machine: %+v, %v", out, err)
	}

	for _, in := range []sfn.ValidateStateMachineDefinitionInput{
		{Definition: aws.String("")},
		{Definition: aws.String(strings.Repeat(" ", MaxDefinitionBytes+1))},
		{Definition: aws.String(doubler), Type: "BATCH"},
		{Definition: aws.String(doubler), Severity: "INFO"},
		{Definition: aws.String(doubler), MaxResults: 101},
	} {
		if _, err := c.ValidateStateMachineDefinition(ctx, &in); code(err) != "ValidationException" {
			t.Errorf("ValidateStateMachineDefinition(type %q, severity %q, max %d): %v; want ValidationException", in.Type, in.Severity, in.MaxResults, err)
		}
	}
}

func TestTestState(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	pass := `{"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.a, $.b)"}, "Next": "After"}`
	out, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(pass), Input: aws.String(`{"a": 2, "b": 3}`), InspectionLevel: types.InspectionLevelDebug})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != types.TestExecutionStatusSucceeded || aws.ToString(out.Output) != `{"sum":5}` || aws.ToString(out.NextState) != "After" || out.InspectionData == nil {
		t.Errorf("TestState of a Pass: %s %s %s %+v", out.Status, aws.ToString(out.Output), aws.ToString(out.NextState), out.InspectionData)
	}

	// A mocked Task error that a catcher handles.
	task := `{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
	  "Catch": [{"ErrorEquals": ["Boom"], "Next": "Handle"}], "End": true}`
	caught, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(task), Mock: &types.MockInput{ErrorOutput: &types.MockErrorOutput{Error: aws.String("Boom"), Cause: aws.String("bad")}}})
	if err != nil || caught.Status != types.TestExecutionStatusCaughtError || aws.ToString(caught.NextState) != "Handle" || aws.ToString(caught.Error) != "Boom" {
		t.Errorf("TestState of a caught error: %+v, %v", caught, err)
	}

	for _, bad := range []struct {
		in   sfn.TestStateInput
		want string
	}{
		{sfn.TestStateInput{Definition: aws.String("")}, "ValidationException"},
		{sfn.TestStateInput{Definition: aws.String(pass), InspectionLevel: "LOUD"}, "ValidationException"},
		{sfn.TestStateInput{Definition: aws.String(pass), RoleArn: aws.String("role")}, "InvalidArn"},
		{sfn.TestStateInput{Definition: aws.String(`{"Type": "Nope"}`)}, "InvalidDefinition"},
	} {
		if _, err := c.TestState(ctx, &bad.in); code(err) != bad.want {
			t.Errorf("TestState(%.30s, %s): %v; want %s", aws.ToString(bad.in.Definition), bad.in.InspectionLevel, err, bad.want)
		}
	}
}
