package sfnapi

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sfnkit/sfnkit/asl"
)

// TestClosedExecutionsAreBounded keeps 3 closed executions: the oldest
// closed ones are forgotten (ExecutionDoesNotExist, their names free
// again), and one waiting for its task token all along is kept.
func TestClosedExecutionsAreBounded(t *testing.T) {
	tokens := make(chan string, 1)
	srv := New(Options{MaxClosedExecutions: 3, Prepare: func(m *Machine) (Prepared, error) {
		tasks := asl.ResolverFunc(func(_, _ string, _ any) (asl.TaskHandler, bool) { return sent, true })
		return Prepared{Engine: asl.NewEngine(asl.Options{Clock: asl.RealClock{}, Tasks: tasks, StateMachineArn: m.Arn,
			OnTaskToken: func(p asl.PendingTask) { tokens <- p.Token }})}, nil
	}})
	closed := make(chan struct{}, 16)
	srv.onClosed = func() { closed <- struct{}{} }
	c := serve(t, srv)
	ctx := context.Background()
	arn := create(t, c, "Approval", `{"StartAt": "Route", "States": {
	  "Route": {"Type": "Choice", "Choices": [{"Variable": "$.ask", "BooleanEquals": true, "Next": "Ask"}], "Default": "Done"},
	  "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "TimeoutSeconds": 600,
	          "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": {"token.$": "$$.Task.Token"}}, "End": true},
	  "Done": {"Type": "Pass", "End": true}}}`, "")
	start := func(name, input string) string {
		out, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Name: aws.String(name), Input: aws.String(input)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.ExecutionArn)
	}
	recorded := func() {
		t.Helper()
		select {
		case <-closed:
		case <-time.After(10 * time.Second):
			t.Fatal("no execution closed in 10s")
		}
	}
	exists := func(x string) bool {
		t.Helper()
		_, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(x)})
		if err != nil && code(err) != "ExecutionDoesNotExist" {
			t.Fatal(err)
		}
		return err == nil
	}

	waiting := start("waiting", `{"ask": true}`)
	token := <-tokens
	var done []string
	for i := range 6 {
		done = append(done, start(fmt.Sprintf("done-%d", i), `{"ask": false}`))
		recorded()
	}
	for i, x := range done {
		if want := i >= 3; exists(x) != want {
			t.Errorf("done-%d exists: %v; want %v (3 closed executions are kept)", i, !want, want)
		}
	}
	if !exists(waiting) {
		t.Fatal("the waiting execution was forgotten")
	}
	if running, kept := srv.Executions(); running != 1 || kept != 3 {
		t.Errorf("%d running and %d closed executions kept; want 1 and 3", running, kept)
	}
	list, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(arn)})
	if err != nil || len(list.Executions) != 4 {
		t.Errorf("ListExecutions: %v, %v; want 4 executions", list, err)
	}

	// The waiting one closes last, so it outlives the older closed ones.
	if _, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{}`)}); err != nil {
		t.Fatal(err)
	}
	recorded()
	if exists(done[3]) || !exists(waiting) || !exists(done[5]) {
		t.Error("closing the waiting execution did not evict the oldest closed one alone")
	}

	// A forgotten name is free again, as after AWS's retention period.
	again := start("done-0", `{"ask": false}`)
	recorded()
	if d := wait(t, c, again); d.Status != types.ExecutionStatusSucceeded {
		t.Errorf("done-0 again: %s", d.Status)
	}
}
