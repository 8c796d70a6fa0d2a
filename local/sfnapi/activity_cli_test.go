package sfnapi

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// awsCLI runs one AWS CLI call with a runner of cliRunner, fails the test
// if it fails, and decodes its JSON answer into out (if not nil).
func awsCLI(t *testing.T, aws func(args ...string) (map[string]any, error), out any, args ...string) {
	t.Helper()
	answer, err := aws(args...)
	if err != nil {
		t.Fatalf("aws stepfunctions %v: %v", args, err)
	}
	if out != nil {
		data, _ := json.Marshal(answer)
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("aws stepfunctions %v answered %s: %v", args, data, err)
		}
	}
}

// TestActivityWorkerThroughTheAWSCLI runs an activity worker loop with the
// AWS CLI: it creates the activity, takes each execution's task, beats
// and answers it.
func TestActivityWorkerThroughTheAWSCLI(t *testing.T) {
	ctx := context.Background()
	srv := New(Options{})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	c := serving(t, sfn.New(sfn.Options{Region: "us-east-1", Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1}, LocalEndpoint(ts.URL)), srv)

	cli := cliRunner(t, ts.URL)
	var created struct{ ActivityArn string }
	awsCLI(t, cli, &created, "create-activity", "--name", "cli-work")
	sm := create(t, c, "cli-worker", activityMachine(created.ActivityArn, 30, 60), "")
	var executions []string
	for _, job := range []string{`{"job": 1}`, `{"job": 2}`} {
		x, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(sm), Input: aws.String(job)})
		if err != nil {
			t.Fatal(err)
		}
		executions = append(executions, aws.ToString(x.ExecutionArn))
	}

	for range executions { // the worker loop
		var task struct{ TaskToken, Input string }
		awsCLI(t, cli, &task, "get-activity-task", "--activity-arn", created.ActivityArn, "--worker-name", "cli-worker")
		var in struct{ Job int }
		if err := json.Unmarshal([]byte(task.Input), &in); err != nil || task.TaskToken == "" {
			t.Fatalf("get-activity-task gave token %q, input %q", task.TaskToken, task.Input)
		}
		awsCLI(t, cli, nil, "send-task-heartbeat", "--task-token", task.TaskToken)
		out, _ := json.Marshal(map[string]int{"squared": in.Job * in.Job})
		awsCLI(t, cli, nil, "send-task-success", "--task-token", task.TaskToken, "--task-output", string(out))
	}
	for i, arn := range executions {
		d := wait(t, c, arn)
		want := map[int]string{0: `{"job":1,"result":{"squared":1}}`, 1: `{"job":2,"result":{"squared":4}}`}[i]
		if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != want {
			t.Errorf("execution %d = %s %s, want SUCCEEDED %s", i+1, d.Status, aws.ToString(d.Output), want)
		}
	}
	var listed struct{ Activities []struct{ Name string } }
	awsCLI(t, cli, &listed, "list-activities")
	awsCLI(t, cli, nil, "delete-activity", "--activity-arn", created.ActivityArn)
	if len(listed.Activities) != 1 || listed.Activities[0].Name != "cli-work" {
		t.Errorf("list-activities = %+v, want cli-work", listed.Activities)
	}
}
