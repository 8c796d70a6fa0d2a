package sfnapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sfnkit/sfnkit/local/sfnapi"
)

// work is an activity worker: it takes the activity's tasks one at a time
// and answers each, until ctx is done.
func work(ctx context.Context, client *sfn.Client, activityArn string) error {
	for ctx.Err() == nil {
		task, err := client.GetActivityTask(ctx, &sfn.GetActivityTaskInput{
			ActivityArn: aws.String(activityArn), WorkerName: aws.String("greeter-1"),
		})
		if err != nil {
			return err
		}
		if task.TaskToken == nil {
			continue // no task within 60 seconds: poll again
		}
		var in struct{ Name string }
		if err := json.Unmarshal([]byte(*task.Input), &in); err != nil || in.Name == "" {
			_, err = client.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{
				TaskToken: task.TaskToken, Error: aws.String("NoName"), Cause: aws.String("the input has no name"),
			})
			if err != nil {
				return err
			}
			continue
		}
		out, _ := json.Marshal(map[string]string{"greeting": "Hello, " + in.Name})
		_, err = client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(string(out))})
		if err != nil {
			return err
		}
	}
	return nil
}

// Example_activityWorker runs an execution whose Task state is an
// activity, answered by the worker above through the SDK.
func Example_activityWorker() {
	srv := sfnapi.New(sfnapi.Options{})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close()
	ctx := context.Background()
	client := sfn.New(sfn.Options{Region: "us-east-1", Credentials: aws.AnonymousCredentials{}}, sfnapi.LocalEndpoint(ts.URL))

	act, err := client.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("greet")})
	if err != nil {
		panic(err)
	}
	definition := fmt.Sprintf(`{"StartAt": "Greet", "States": {"Greet": {"Type": "Task", "Resource": %q, "HeartbeatSeconds": 30, "TimeoutSeconds": 300, "End": true}}}`, *act.ActivityArn)
	sm, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("greeter"), Definition: aws.String(definition), RoleArn: aws.String("arn:aws:iam::123456789012:role/greeter")})
	if err != nil {
		panic(err)
	}
	x, err := client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: aws.String(`{"Name": "Ada"}`)})
	if err != nil {
		panic(err)
	}

	workerCtx, stop := context.WithCancel(ctx)
	worker := make(chan error, 1)
	go func() { worker <- work(workerCtx, client, *act.ActivityArn) }()
	for {
		d, err := client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: x.ExecutionArn})
		if err != nil {
			panic(err)
		}
		if d.Status != types.ExecutionStatusRunning {
			fmt.Println(d.Status, *d.Output)
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	<-worker // the cancelled poll's error: the worker was told to stop
	// Output: SUCCEEDED {"greeting":"Hello, Ada"}
}
