package sfnapi

import (
	"context"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sfnkit/sfnkit/asl"
)

// serve starts srv and returns a Go SDK client for it.
func serve(t *testing.T, srv *Server) *sfn.Client {
	t.Helper()
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return serving(t, sfn.New(sfn.Options{Region: "us-east-1", Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1}, LocalEndpoint(ts.URL)), srv)
}

// TestPrepareDoesNotBlockOtherCalls holds one machine's Prepare (as a
// handler build would) while other calls, a create included, complete.
func TestPrepareDoesNotBlockOtherCalls(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	var releaseOnce sync.Once
	unblock := func() { releaseOnce.Do(func() { close(release) }) }
	var slowPrepares atomic.Int32
	c := serve(t, New(Options{Prepare: func(m *Machine) (Prepared, error) {
		if m.Name == "Slow" && slowPrepares.Add(1) == 1 {
			close(entered)
			<-release
		}
		return Prepared{Engine: asl.NewEngine(asl.Options{Clock: asl.RealClock{}, Tasks: asl.ResolverFunc(func(_, _ string, _ any) (asl.TaskHandler, bool) { return double, true }), StateMachineArn: m.Arn})}, nil
	}}))
	t.Cleanup(unblock) // before the server closes (cleanups run last first), so a failing test ends
	fast := create(t, c, "Fast", doubler, "")
	slow := make(chan string, 2)
	for range 2 { // the second create of the same name waits for the first
		go func() {
			out, err := c.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{Name: aws.String("Slow"), Definition: aws.String(doubler), RoleArn: aws.String(role)})
			if err != nil {
				slow <- err.Error()
				return
			}
			slow <- aws.ToString(out.StateMachineArn)
		}()
	}
	<-entered
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	list, err := c.ListStateMachines(ctx, &sfn.ListStateMachinesInput{})
	if err != nil || len(list.StateMachines) != 1 {
		t.Fatalf("ListStateMachines while a Prepare runs: %v, %v", list, err)
	}
	if _, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(fast), Input: aws.String(`{"n": 1}`)}); err != nil {
		t.Fatalf("StartExecution while a Prepare runs: %v", err)
	}
	if _, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("Other"), Definition: aws.String(doubler), RoleArn: aws.String(role)}); err != nil {
		t.Fatalf("CreateStateMachine while another's Prepare runs: %v", err)
	}
	if _, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(slowArn)}); code(err) != "StateMachineDoesNotExist" {
		t.Errorf("a machine whose Prepare runs is described: %v", err)
	}
	unblock()
	if a, b := <-slow, <-slow; a != slowArn || b != slowArn {
		t.Errorf("the two creates of Slow gave %s and %s", a, b)
	}
	if n := slowPrepares.Load(); n != 1 {
		t.Errorf("Slow was prepared %d times; want once", n)
	}
}

const slowArn = "arn:aws:states:us-east-1:123456789012:stateMachine:Slow"

// routed waits in its Hold task when the input says so, else ends at once.
const routed = `{"StartAt": "Route", "States": {
  "Route": {"Type": "Choice", "Choices": [{"Variable": "$.hold", "BooleanEquals": true, "Next": "Hold"}], "Default": "Done"},
  "Hold": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:hold", "TimeoutSeconds": 600, "End": true},
  "Done": {"Type": "Pass", "End": true}}}`

// TestDeleteStopsReleasesAndForgets deletes a machine with a running and
// a finished execution: the running one is stopped, the engine's
// resources released, both executions forgotten; the same definition can
// be created again and runs cleanly.
func TestDeleteStopsReleasesAndForgets(t *testing.T) {
	holding, stopped := make(chan struct{}, 1), make(chan struct{}, 1)
	hold := asl.TaskFunc(func(ctx context.Context, _ asl.TaskRequest) (any, error) {
		holding <- struct{}{}
		<-ctx.Done()
		stopped <- struct{}{}
		return nil, ctx.Err()
	})
	var prepares, closes atomic.Int32
	c := serve(t, New(Options{Prepare: func(m *Machine) (Prepared, error) {
		prepares.Add(1)
		tasks := asl.ResolverFunc(func(_, _ string, _ any) (asl.TaskHandler, bool) { return hold, true })
		return Prepared{
			Engine: asl.NewEngine(asl.Options{Clock: asl.RealClock{}, Tasks: tasks, StateMachineArn: m.Arn}),
			Close:  func() error { closes.Add(1); return nil },
		}, nil
	}}))
	ctx := context.Background()
	arn := create(t, c, "Routed", routed, "")
	start := func(name, input string) string {
		out, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Name: aws.String(name), Input: aws.String(input)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.ExecutionArn)
	}
	finished := start("finished", `{"hold": false}`)
	if d := wait(t, c, finished); d.Status != "SUCCEEDED" {
		t.Fatalf("finished ended %s: %s", d.Status, aws.ToString(d.Cause))
	}
	running := start("running", `{"hold": true}`)
	<-holding

	if _, err := c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	// The execution was aborted before the delete answered; its task
	// handler sees the cancellation on its own goroutine, which the engine
	// does not wait for (as AWS does not wait for an invoked function).
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Error("the delete did not cancel the running execution's task")
	}
	if n := closes.Load(); n != 1 {
		t.Errorf("the machine's resources were released %d times; want once", n)
	}
	for _, x := range []string{finished, running} {
		if _, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(x)}); code(err) != "ExecutionDoesNotExist" {
			t.Errorf("DescribeExecution of %s after the delete: %v", x, err)
		}
		if _, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(x)}); code(err) != "ExecutionDoesNotExist" {
			t.Errorf("GetExecutionHistory of %s after the delete: %v", x, err)
		}
	}
	if _, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(arn)}); code(err) != "StateMachineDoesNotExist" {
		t.Errorf("ListExecutions of the deleted machine: %v", err)
	}
	if _, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn)}); code(err) != "StateMachineDoesNotExist" {
		t.Errorf("StartExecution of the deleted machine: %v", err)
	}
	if _, err := c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(arn)}); err != nil {
		t.Errorf("deleting it again (AWS answers success): %v", err)
	}

	if again := create(t, c, "Routed", routed, ""); again != arn {
		t.Fatalf("re-created as %s", again)
	}
	if d := wait(t, c, start("finished", `{"hold": false}`)); d.Status != "SUCCEEDED" {
		t.Errorf("the re-created machine's execution ended %s", d.Status)
	}
	if p, n := prepares.Load(), closes.Load(); p != 2 || n != 1 {
		t.Errorf("%d prepares and %d releases; want 2 and 1", p, n)
	}
}
