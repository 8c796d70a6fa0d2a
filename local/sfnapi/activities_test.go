package sfnapi

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

func createActivity(t *testing.T, c *sfn.Client, name string) string {
	t.Helper()
	out, err := c.CreateActivity(context.Background(), &sfn.CreateActivityInput{Name: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.ActivityArn)
}

// activityMachine is a machine whose one Task state is the activity.
func activityMachine(activityArn string, heartbeat, timeout int) string {
	return fmt.Sprintf(`{"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": %q, "HeartbeatSeconds": %d, "TimeoutSeconds": %d,
	  "Parameters": {"job.$": "$.job"}, "ResultPath": "$.result", "End": true}}}`, activityArn, heartbeat, timeout)
}

// historyTypes lists an execution's event types.
func historyTypes(t *testing.T, c *sfn.Client, arn string) ([]string, []types.HistoryEvent) {
	t.Helper()
	h, err := c.GetExecutionHistory(context.Background(), &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range h.Events {
		names = append(names, string(e.Type))
	}
	return names, h.Events
}

func TestActivityLifecycle(t *testing.T) {
	ctx := context.Background()
	c := serve(t, New(Options{}))
	first, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("a1"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("x")}}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(first.ActivityArn), "arn:aws:states:us-east-1:123456789012:activity:a1"; got != want {
		t.Errorf("ActivityArn = %s, want %s", got, want)
	}
	again, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("a1"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("y")}}})
	if err != nil || aws.ToString(again.ActivityArn) != aws.ToString(first.ActivityArn) || !again.CreationDate.Equal(*first.CreationDate) {
		t.Errorf("creating a1 again = %+v, %v; want the same activity (CreateActivity is idempotent on the name)", again, err)
	}
	_, err = c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("a1"), EncryptionConfiguration: &types.EncryptionConfiguration{Type: types.EncryptionTypeCustomerManagedKmsKey, KmsKeyId: aws.String("k")}})
	if code(err) != "ActivityAlreadyExists" {
		t.Errorf("creating a1 with another encryption: %v, want ActivityAlreadyExists", err)
	}
	createActivity(t, c, "a2")
	createActivity(t, c, "a3")

	for _, name := range []string{"", "has space", "a/b", "x?", strings.Repeat("n", 81)} {
		if _, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String(name)}); code(err) != "InvalidName" {
			t.Errorf("CreateActivity(%q): %v, want InvalidName", name, err)
		}
	}
	tags := make([]types.Tag, 51)
	for i := range tags {
		tags[i] = types.Tag{Key: aws.String(fmt.Sprint("k", i)), Value: aws.String("v")}
	}
	if _, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("tagged"), Tags: tags}); code(err) != "TooManyTags" {
		t.Errorf("CreateActivity with 51 tags: %v, want TooManyTags", err)
	}

	d, err := c.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: first.ActivityArn})
	if err != nil || aws.ToString(d.Name) != "a1" || d.EncryptionConfiguration == nil || d.EncryptionConfiguration.Type != types.EncryptionTypeAwsOwnedKey {
		t.Errorf("DescribeActivity(a1) = %+v, %v", d, err)
	}
	for arn, want := range map[string]string{
		"arn:aws:states:us-east-1:123456789012:activity:nope":   "ActivityDoesNotExist",
		"arn:aws:states:us-east-1:123456789012:stateMachine:a1": "InvalidArn",
		"not-an-arn": "InvalidArn",
	} {
		if _, err := c.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: aws.String(arn)}); code(err) != want {
			t.Errorf("DescribeActivity(%s): %v, want %s", arn, err, want)
		}
	}

	var names []string
	in := &sfn.ListActivitiesInput{MaxResults: 2}
	for pages := 0; ; pages++ {
		out, err := c.ListActivities(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range out.Activities {
			names = append(names, aws.ToString(a.Name))
		}
		if out.NextToken == nil {
			if pages != 1 {
				t.Errorf("3 activities came in %d pages of 2, want 2", pages+1)
			}
			break
		}
		in.NextToken = out.NextToken
	}
	if strings.Join(names, ",") != "a1,a2,a3" {
		t.Errorf("ListActivities = %v, want a1,a2,a3", names)
	}
	if _, err := c.ListActivities(ctx, &sfn.ListActivitiesInput{NextToken: aws.String("made-up")}); code(err) != "InvalidToken" {
		t.Errorf("ListActivities with a made-up token: %v, want InvalidToken", err)
	}

	for range 2 { // deleting twice succeeds, as in AWS
		if _, err := c.DeleteActivity(ctx, &sfn.DeleteActivityInput{ActivityArn: first.ActivityArn}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: first.ActivityArn}); code(err) != "ActivityDoesNotExist" {
		t.Errorf("DescribeActivity after delete: %v, want ActivityDoesNotExist", err)
	}
	if _, err := c.DeleteActivity(ctx, &sfn.DeleteActivityInput{ActivityArn: aws.String("arn:aws:states:us-east-1:123456789012:execution:a:b")}); code(err) != "InvalidArn" {
		t.Errorf("DeleteActivity of an execution ARN: %v, want InvalidArn", err)
	}
}

// TestActivityWorkerSucceeds takes an activity task as a worker does,
// beats and answers it, and reads the history AWS writes for it.
func TestActivityWorkerSucceeds(t *testing.T) {
	ctx := context.Background()
	c := serve(t, New(Options{}))
	act := createActivity(t, c, "work")
	sm := create(t, c, "worker", activityMachine(act, 30, 60), "")
	x, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(sm), Input: aws.String(`{"job": 7}`)})
	if err != nil {
		t.Fatal(err)
	}
	task, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: aws.String(act), WorkerName: aws.String("w1")})
	if err != nil {
		t.Fatal(err)
	}
	if task.TaskToken == nil || aws.ToString(task.Input) != `{"job":7}` {
		t.Fatalf("GetActivityTask = token %v, input %s; want a token and the Parameters", task.TaskToken, aws.ToString(task.Input))
	}
	if _, err := c.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: task.TaskToken}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{"done": true}`)}); err != nil {
		t.Fatal(err)
	}
	d := wait(t, c, aws.ToString(x.ExecutionArn))
	if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `{"job":7,"result":{"done":true}}` {
		t.Errorf("execution = %s %s", d.Status, aws.ToString(d.Output))
	}
	if _, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{}`)}); code(err) != "TaskDoesNotExist" {
		t.Errorf("answering twice: %v, want TaskDoesNotExist", err)
	}
	names, events := historyTypes(t, c, aws.ToString(x.ExecutionArn))
	want := "ExecutionStarted,TaskStateEntered,ActivityScheduled,ActivityStarted,ActivitySucceeded,TaskStateExited,ExecutionSucceeded"
	if strings.Join(names, ",") != want {
		t.Fatalf("history = %v, want %s", names, want)
	}
	s := events[2].ActivityScheduledEventDetails
	if s == nil || aws.ToString(s.Resource) != act || aws.ToString(s.Input) != `{"job":7}` || aws.ToInt64(s.HeartbeatInSeconds) != 30 || aws.ToInt64(s.TimeoutInSeconds) != 60 {
		t.Errorf("ActivityScheduled details = %+v", s)
	}
	if w := events[3].ActivityStartedEventDetails; w == nil || aws.ToString(w.WorkerName) != "w1" {
		t.Errorf("ActivityStarted details = %+v, want workerName w1", w)
	}
	if o := events[4].ActivitySucceededEventDetails; o == nil || aws.ToString(o.Output) != `{"done":true}` {
		t.Errorf("ActivitySucceeded details = %+v", o)
	}
}

// TestActivityFailsAndTimesOut covers SendTaskFailure, a missed heartbeat
// and an activity that does not exist when the execution reaches it.
func TestActivityFailsAndTimesOut(t *testing.T) {
	ctx := context.Background()
	c := serve(t, New(Options{}))
	act := createActivity(t, c, "flaky")
	sm := create(t, c, "flaky", activityMachine(act, 1, 60), "")
	take := func() (string, *sfn.GetActivityTaskOutput) {
		t.Helper()
		x, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(sm), Input: aws.String(`{"job": 1}`)})
		if err != nil {
			t.Fatal(err)
		}
		task, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: aws.String(act)})
		if err != nil || task.TaskToken == nil {
			t.Fatalf("GetActivityTask = %+v, %v", task, err)
		}
		return aws.ToString(x.ExecutionArn), task
	}

	failed, task := take()
	if _, err := c.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: task.TaskToken, Error: aws.String("Broken"), Cause: aws.String("disk full")}); err != nil {
		t.Fatal(err)
	}
	if d := wait(t, c, failed); d.Status != types.ExecutionStatusFailed || aws.ToString(d.Error) != "Broken" || aws.ToString(d.Cause) != "disk full" {
		t.Errorf("failed execution = %s %s %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	if names, _ := historyTypes(t, c, failed); !strings.Contains(strings.Join(names, ","), "ActivityStarted,ActivityFailed,ExecutionFailed") {
		t.Errorf("history = %v, want ActivityFailed", names)
	}

	silent, task := take() // HeartbeatSeconds 1, and no heartbeat comes
	if d := wait(t, c, silent); d.Status != types.ExecutionStatusFailed || aws.ToString(d.Error) != "States.HeartbeatTimeout" {
		t.Errorf("silent execution = %s %s", d.Status, aws.ToString(d.Error))
	}
	_, events := historyTypes(t, c, silent)
	if e := events[len(events)-2]; e.Type != types.HistoryEventTypeActivityTimedOut || aws.ToString(e.ActivityTimedOutEventDetails.Error) != "States.HeartbeatTimeout" {
		t.Errorf("the event before ExecutionFailed is %s %+v, want ActivityTimedOut States.HeartbeatTimeout", e.Type, e.ActivityTimedOutEventDetails)
	}
	if _, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{}`)}); code(err) != "TaskTimedOut" {
		t.Errorf("answering a timed-out task: %v, want TaskTimedOut", err)
	}

	gone := "arn:aws:states:us-east-1:123456789012:activity:never-created"
	orphan := create(t, c, "orphan", activityMachine(gone, 1, 5), "")
	x, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(orphan), Input: aws.String(`{"job": 1}`)})
	if err != nil {
		t.Fatal(err)
	}
	if d := wait(t, c, aws.ToString(x.ExecutionArn)); d.Status != types.ExecutionStatusFailed || aws.ToString(d.Error) != "ActivityDoesNotExist" {
		t.Errorf("execution of a missing activity = %s %s %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	if names, _ := historyTypes(t, c, aws.ToString(x.ExecutionArn)); !strings.Contains(strings.Join(names, ","), "ActivityScheduled,ActivityScheduleFailed") {
		t.Errorf("history = %v, want ActivityScheduleFailed", names)
	}
}

// TestGetActivityTaskLongPoll ends polls by their timeout, the client
// leaving, the activity's deletion and the server's Close.
func TestGetActivityTaskLongPoll(t *testing.T) {
	ctx := context.Background()
	srv := New(Options{})
	c := serve(t, srv)
	act := createActivity(t, c, "idle")
	poll := func(ctx context.Context) (*sfn.GetActivityTaskOutput, error) {
		return c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: aws.String(act), WorkerName: aws.String("w")})
	}

	srv.acts.mu.Lock()
	srv.acts.pollTimeout = 20 * time.Millisecond
	srv.acts.mu.Unlock()
	if out, err := poll(ctx); err != nil || out.TaskToken != nil || out.Input != nil {
		t.Errorf("a poll with no work = %+v, %v; want no token and no input", out, err)
	}
	polling := make(chan string, 4)
	srv.acts.mu.Lock()
	srv.acts.pollTimeout = time.Minute // from here on, only the other ends may end a poll
	srv.acts.onPolling = func(arn string) { polling <- arn }
	srv.acts.mu.Unlock()

	for _, tc := range []struct {
		name string
		end  func(cancel context.CancelFunc)
	}{
		{"the client leaves", func(cancel context.CancelFunc) { cancel() }},
		{"the activity is deleted", func(context.CancelFunc) {
			c.DeleteActivity(ctx, &sfn.DeleteActivityInput{ActivityArn: aws.String(act)})
		}},
		{"the server closes", func(context.CancelFunc) { srv.Close() }},
	} {
		if tc.name == "the server closes" {
			act = createActivity(t, c, "idle")
		}
		pollCtx, cancel := context.WithCancel(ctx)
		ended := make(chan error, 1)
		go func() { _, err := poll(pollCtx); ended <- err }()
		if got := <-polling; got != act {
			t.Fatalf("%s: a poll waits on %s, want %s", tc.name, got, act)
		}
		tc.end(cancel)
		<-ended // a poll that never ends is caught by go test's -timeout
		cancel()
	}
	if out, err := poll(ctx); err != nil || out.TaskToken != nil {
		t.Errorf("a poll after Close = %+v, %v; want no task at once", out, err)
	}

	for arn, want := range map[string]string{
		"arn:aws:states:us-east-1:123456789012:activity:nope":  "ActivityDoesNotExist",
		"arn:aws:states:us-east-1:123456789012:stateMachine:x": "InvalidArn",
	} {
		if _, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: aws.String(arn)}); code(err) != want {
			t.Errorf("GetActivityTask(%s): %v, want %s", arn, err, want)
		}
	}
	if _, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: aws.String(act), WorkerName: aws.String(strings.Repeat("w", 81))}); code(err) != "ValidationException" {
		t.Errorf("an 81-character workerName: %v, want ValidationException", err)
	}
}

// TestActivityWorkerLimit refuses one poller past MaxActivityPollers.
func TestActivityWorkerLimit(t *testing.T) {
	srv := New(Options{})
	c := serve(t, srv)
	act := createActivity(t, c, "busy")
	srv.acts.mu.Lock()
	srv.acts.byArn[act].pollers = MaxActivityPollers
	srv.acts.mu.Unlock()
	_, err := c.GetActivityTask(context.Background(), &sfn.GetActivityTaskInput{ActivityArn: aws.String(act)})
	if code(err) != "ActivityWorkerLimitExceeded" {
		t.Errorf("poll past the limit: %v, want ActivityWorkerLimitExceeded", err)
	}
}

// TestActivityTasksGoToOneWorkerEach runs concurrent workers over many
// executions: each task is handed out once, and every execution succeeds.
func TestActivityTasksGoToOneWorkerEach(t *testing.T) {
	ctx := context.Background()
	srv := New(Options{})
	srv.acts.pollTimeout = 50 * time.Millisecond // workers see the end of the work soon
	c := serve(t, srv)
	act := createActivity(t, c, "shared")
	sm := create(t, c, "shared", activityMachine(act, 30, 60), "")
	const executions, workers = 30, 5
	var arns []string
	for i := range executions {
		x, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(sm), Input: aws.String(fmt.Sprintf(`{"job": %d}`, i))})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, aws.ToString(x.ExecutionArn))
	}
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for {
				mu.Lock()
				finished := len(seen) == executions
				mu.Unlock()
				if finished {
					return
				}
				task, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: aws.String(act), WorkerName: aws.String(fmt.Sprint("w", w))})
				if err != nil {
					t.Error(err)
					return
				}
				if task.TaskToken == nil {
					continue // the poll ended with no task; poll again
				}
				mu.Lock()
				dup := seen[*task.TaskToken]
				seen[*task.TaskToken] = true
				mu.Unlock()
				if dup {
					t.Errorf("task %s was handed out twice", *task.TaskToken)
				}
				if _, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: task.Input}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	for _, arn := range arns {
		if d := wait(t, c, arn); d.Status != types.ExecutionStatusSucceeded {
			t.Errorf("%s = %s", arn, d.Status)
		}
	}
}
