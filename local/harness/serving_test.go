package harness

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/internal/gobuild"
	"github.com/sfnkit/sfnkit/local/sfnapi"
)

// probeDefinition calls lambdart's probe function with the execution's
// input: {"op": "sleep", "sleepMs": n} keeps its process busy.
const probeDefinition = `{"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Probe", "TimeoutSeconds": 120, "End": true}}}`

// probeAssembly is a one-stack assembly: a state machine calling a
// function whose main package is lambdart's probe.
func probeAssembly(t *testing.T) *cfn.Assembly {
	t.Helper()
	tpl, err := cfn.Parse([]byte(`{"Resources": {
	  "Probe": {"Type": "AWS::Lambda::Function", "Properties": {"Timeout": 120, "Environment": {"Variables": {"GREETING": "hello"}}},
	            "Metadata": {"` + gobuild.PackageMetadataKey + `": "./local/lambdart/testdata/probe"}},
	  "Machine": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString": ` + quote(probeDefinition) + `}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	return &cfn.Assembly{Stacks: []*cfn.AssemblyStack{{Name: "Probe", Template: tpl}}}
}

func quote(s string) string {
	data, _ := json.Marshal(s)
	return string(data)
}

// TestDeleteClosesTheMachinesProcesses runs three rounds of create, run
// and delete under `sfnkit serve`'s Serving, with an execution still in
// its function when the machine is deleted: each delete leaves no Env and
// no function process behind, and the deleted execution is gone.
func TestDeleteClosesTheMachinesProcesses(t *testing.T) {
	serving := &Serving{Assembly: probeAssembly(t), Options: Options{Clock: asl.RealClock{}, Runtime: Processes}}
	defer serving.Close()
	ts := httptest.NewServer(sfnapi.New(sfnapi.Options{Prepare: serving.Prepare}))
	defer ts.Close()
	c := sfn.New(sfn.Options{Region: "us-east-1", Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1}, sfnapi.LocalEndpoint(ts.URL))
	ctx := context.Background()
	for round := range 3 {
		created, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("Probe"), Definition: aws.String(probeDefinition), RoleArn: aws.String("arn:aws:iam::123456789012:role/R")})
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		arn := created.StateMachineArn
		quick, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: arn, Input: aws.String(`{"value": 1}`)})
		if err != nil {
			t.Fatal(err)
		}
		if d := ended(t, c, quick.ExecutionArn); d.Status != types.ExecutionStatusSucceeded {
			t.Fatalf("round %d: the probe execution ended %s: %s", round, d.Status, aws.ToString(d.Cause))
		}
		busy, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: arn, Input: aws.String(`{"op": "sleep", "sleepMs": 60000}`)})
		if err != nil {
			t.Fatal(err)
		}
		inFunction(t, c, busy.ExecutionArn)
		if envs, procs := serving.Running(); envs != 1 || procs != 1 {
			t.Fatalf("round %d: %d Envs and %d function processes before the delete; want 1 and 1", round, envs, procs)
		}
		if _, err := c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: arn}); err != nil {
			t.Fatal(err)
		}
		if envs, procs := serving.Running(); envs != 0 || procs != 0 {
			t.Errorf("round %d: %d Envs and %d function processes left after DeleteStateMachine; want none", round, envs, procs)
		}
		if _, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: busy.ExecutionArn}); err == nil {
			t.Errorf("round %d: the deleted machine's execution still answers", round)
		}
	}
}

// inFunction waits, with a bound, until the execution has invoked its
// function.
func inFunction(t *testing.T, c *sfn.Client, arn *string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		h, err := c.GetExecutionHistory(context.Background(), &sfn.GetExecutionHistoryInput{ExecutionArn: arn})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range h.Events {
			if e.Type == types.HistoryEventTypeLambdaFunctionStarted {
				return
			}
		}
	}
	t.Fatalf("%s did not invoke its function in 30s", aws.ToString(arn))
}

// ended polls DescribeExecution, with a bound, until the execution ends.
func ended(t *testing.T, c *sfn.Client, arn *string) *sfn.DescribeExecutionOutput {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		d, err := c.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: arn})
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != types.ExecutionStatusRunning {
			return d
		}
	}
	t.Fatalf("%s did not end in 60s", aws.ToString(arn))
	return nil
}
