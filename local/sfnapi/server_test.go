package sfnapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"

	"github.com/sfnkit/sfnkit/asl"
)

// double is a task handler: {"n": x} gives {"n": 2x}.
var double = asl.TaskFunc(func(_ context.Context, req asl.TaskRequest) (any, error) {
	in, _ := req.Input.(map[string]any)
	n, _ := in["n"].(float64)
	return map[string]any{"n": 2 * n}, nil
})

// sent answers the sending half of a .waitForTaskToken task.
var sent = asl.TaskFunc(func(context.Context, asl.TaskRequest) (any, error) { return map[string]any{}, nil })

// newClient starts a server and returns a Go SDK client for it.
func newClient(t *testing.T) (*sfn.Client, *httptest.Server) {
	t.Helper()
	srv := New(Options{Prepare: func(m *Machine) (Prepared, error) {
		tasks := asl.ResolverFunc(func(_, resource string, _ any) (asl.TaskHandler, bool) {
			if strings.Contains(resource, "waitForTaskToken") {
				return sent, true
			}
			return double, true
		})
		return Prepared{Engine: asl.NewEngine(asl.Options{Clock: asl.RealClock{}, Tasks: tasks, StateMachineArn: m.Arn})}, nil
	}})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	client := sfn.New(sfn.Options{Region: "us-east-1", Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1}, LocalEndpoint(ts.URL))
	return serving(t, client, srv), ts
}

const role = "arn:aws:iam::123456789012:role/StepFunctions"

const doubler = `{"StartAt": "Double", "States": {"Double": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:double", "TimeoutSeconds": 5, "End": true}}}`

const approval = `{"StartAt": "Ask", "States": {
  "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "HeartbeatSeconds": 60, "TimeoutSeconds": 600,
          "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": {"token.$": "$$.Task.Token"}},
          "Catch": [{"ErrorEquals": ["Rejected"], "ResultPath": "$.error", "Next": "No"}], "End": true},
  "No": {"Type": "Fail", "Error": "Rejected", "CausePath": "$.error.Cause"}}}`

func create(t *testing.T, c *sfn.Client, name, definition string, typ types.StateMachineType) string {
	t.Helper()
	out, err := c.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{Name: aws.String(name), Definition: aws.String(definition), RoleArn: aws.String(role), Type: typ})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.StateMachineArn)
}

// servers maps each test's client to the server it talks to, so a test
// can wait on the engine's own signals instead of polling the API.
var servers sync.Map // *sfn.Client → *Server

// serving records that c talks to srv, until the test ends, and returns c.
func serving(t *testing.T, c *sfn.Client, srv *Server) *sfn.Client {
	t.Helper()
	servers.Store(c, srv)
	t.Cleanup(func() { servers.Delete(c) })
	return c
}

// ended blocks until the execution arn, on the server c talks to, ends:
// the engine's Done, not a poll. A run that never ends is caught by
// go test's -timeout, which prints every goroutine.
func ended(t *testing.T, c *sfn.Client, arn string) {
	t.Helper()
	srv, ok := servers.Load(c)
	if !ok {
		t.Fatal("the client was not made by newClient, serve or a call of serving")
	}
	rec, err := srv.(*Server).executionByArn(arn)
	if err != nil {
		t.Fatal(err)
	}
	<-rec.x.Done()
}

// wait blocks until the execution ends and returns what DescribeExecution
// then says, which must no longer be RUNNING.
func wait(t *testing.T, c *sfn.Client, arn string) *sfn.DescribeExecutionOutput {
	t.Helper()
	ended(t, c, arn)
	d, err := c.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if d.Status == types.ExecutionStatusRunning {
		t.Fatalf("%s ended, but DescribeExecution says RUNNING", arn)
	}
	return d
}

// code is the AWS error code of err.
func code(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return fmt.Sprint(err)
}

func TestStateMachineLifecycle(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	arn := create(t, c, "Doubler", doubler, "")
	if again := create(t, c, "Doubler", doubler, ""); again != arn {
		t.Errorf("creating the same machine again gave %s", again)
	}
	for _, bad := range []struct {
		name, definition, role, want string
	}{
		{"Doubler", `{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}`, role, "StateMachineAlreadyExists"},
		{"has space", doubler, role, "InvalidName"},
		{"Bad", `{"StartAt": "Nowhere", "States": {}}`, role, "InvalidDefinition"},
		{"Bad", `{not json`, role, "InvalidDefinition"},
		{"Bad", doubler, "not-an-arn", "InvalidArn"},
	} {
		_, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(bad.name), Definition: aws.String(bad.definition), RoleArn: aws.String(bad.role)})
		if code(err) != bad.want {
			t.Errorf("CreateStateMachine(%s, %.30s): %v; want %s", bad.name, bad.definition, err, bad.want)
		}
	}
	d, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	if err != nil || aws.ToString(d.Definition) != doubler || d.Type != types.StateMachineTypeStandard || d.Status != types.StateMachineStatusActive {
		t.Errorf("DescribeStateMachine: %+v, %v", d, err)
	}
	create(t, c, "Second", doubler, "")
	create(t, c, "Third", doubler, types.StateMachineTypeExpress)
	var names []string
	var token *string
	for pages := 0; ; pages++ {
		out, err := c.ListStateMachines(ctx, &sfn.ListStateMachinesInput{MaxResults: 2, NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range out.StateMachines {
			names = append(names, aws.ToString(m.Name))
		}
		if token = out.NextToken; token == nil {
			if pages != 1 {
				t.Errorf("%d pages of 2 for 3 machines", pages+1)
			}
			break
		}
	}
	if strings.Join(names, ",") != "Doubler,Second,Third" {
		t.Errorf("ListStateMachines: %v", names)
	}
	if _, err := c.ListStateMachines(ctx, &sfn.ListStateMachinesInput{NextToken: aws.String("made-up")}); code(err) != "InvalidToken" {
		t.Errorf("a made-up token: %v", err)
	}
	if _, err := c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)}); code(err) != "StateMachineDoesNotExist" {
		t.Errorf("describing a deleted machine: %v", err)
	}
	if _, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String("nonsense")}); code(err) != "InvalidArn" {
		t.Errorf("describing nonsense: %v", err)
	}
}

func TestExecutions(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	arn := create(t, c, "Doubler", doubler, "")
	started, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Name: aws.String("first"), Input: aws.String(`{"n": 21}`)})
	if err != nil {
		t.Fatal(err)
	}
	d := wait(t, c, aws.ToString(started.ExecutionArn))
	if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `{"n":42}` || aws.ToString(d.Name) != "first" || d.StopDate == nil {
		t.Errorf("DescribeExecution: %s %s %s", d.Status, aws.ToString(d.Output), aws.ToString(d.Name))
	}
	for _, bad := range []struct {
		in   sfn.StartExecutionInput
		want string
	}{
		{sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Name: aws.String("first")}, "ExecutionAlreadyExists"},
		{sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String("{nope")}, "InvalidExecutionInput"},
		{sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(`{"big":"` + strings.Repeat("x", 256*1024) + `"}`)}, "InvalidExecutionInput"},
		{sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Name: aws.String("a/b")}, "InvalidName"},
		{sfn.StartExecutionInput{StateMachineArn: aws.String(arn + "Gone")}, "StateMachineDoesNotExist"},
	} {
		if _, err := c.StartExecution(ctx, &bad.in); code(err) != bad.want {
			t.Errorf("StartExecution(%+v): %v; want %s", bad.in.Name, err, bad.want)
		}
	}
	if _, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(strings.Replace(aws.ToString(started.ExecutionArn), "first", "nope", 1))}); code(err) != "ExecutionDoesNotExist" {
		t.Errorf("an unknown execution: %v", err)
	}

	// The history, whole and by pages, forwards and backwards.
	whole, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: started.ExecutionArn})
	if err != nil {
		t.Fatal(err)
	}
	var paged []types.HistoryEvent
	var token *string
	for {
		page, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: started.ExecutionArn, MaxResults: 2, NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, page.Events...)
		if token = page.NextToken; token == nil {
			break
		}
	}
	if len(whole.Events) < 6 || len(paged) != len(whole.Events) {
		t.Fatalf("%d events whole, %d by pages", len(whole.Events), len(paged))
	}
	first, last := whole.Events[0], whole.Events[len(whole.Events)-1]
	if first.Type != types.HistoryEventTypeExecutionStarted || last.Type != types.HistoryEventTypeExecutionSucceeded ||
		aws.ToString(last.ExecutionSucceededEventDetails.Output) != `{"n":42}` || first.Timestamp.IsZero() {
		t.Errorf("history from %s to %s", first.Type, last.Type)
	}
	for i, e := range paged {
		if e.Id != whole.Events[i].Id || e.Type != whole.Events[i].Type {
			t.Errorf("page event %d is %d %s; want %d %s", i, e.Id, e.Type, whole.Events[i].Id, whole.Events[i].Type)
		}
	}
	reversed, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: started.ExecutionArn, ReverseOrder: true, MaxResults: 1})
	if err != nil || reversed.Events[0].Type != types.HistoryEventTypeExecutionSucceeded {
		t.Errorf("reverse order: %v", err)
	}
	var lambda bool
	for _, e := range whole.Events {
		lambda = lambda || e.Type == types.HistoryEventTypeLambdaFunctionSucceeded
	}
	if !lambda {
		t.Error("no LambdaFunctionSucceeded event")
	}
}

func TestTaskTokensAndStop(t *testing.T) {
	// The sending half of the task hands each token to the test as well,
	// so the test waits for it instead of polling the history.
	type message struct{ execution, token string }
	messages := make(chan message, 4)
	srv := New(Options{Prepare: func(m *Machine) (Prepared, error) {
		send := asl.TaskFunc(func(ctx context.Context, req asl.TaskRequest) (any, error) {
			messages <- message{req.ExecutionArn, req.TaskToken}
			return sent(ctx, req)
		})
		tasks := asl.ResolverFunc(func(_, _ string, _ any) (asl.TaskHandler, bool) { return send, true })
		return Prepared{Engine: asl.NewEngine(asl.Options{Clock: asl.RealClock{}, Tasks: tasks, StateMachineArn: m.Arn})}, nil
	}})
	c := serve(t, srv)
	ctx := context.Background()
	arn := create(t, c, "Approval", approval, "")
	// tokenOf waits for the execution's message, then checks once that the
	// history shows the token in the task's parameters.
	tokenOf := func(execution string) string {
		t.Helper()
		m := <-messages
		if m.execution != execution || m.token == "" {
			t.Fatalf("a message from %s with token %q; want one from %s with a token", m.execution, m.token, execution)
		}
		h, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(execution)})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range h.Events {
			if e.TaskScheduledEventDetails != nil {
				var p struct{ MessageBody struct{ Token string } }
				json.Unmarshal([]byte(aws.ToString(e.TaskScheduledEventDetails.Parameters)), &p)
				if p.MessageBody.Token == m.token {
					return m.token
				}
			}
		}
		t.Fatalf("the history of %s has no TaskScheduled event whose parameters carry the token %s", execution, m.token)
		return ""
	}
	start := func(name string) string {
		out, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Name: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.ExecutionArn)
	}

	yes := start("yes")
	token := tokenOf(yes)
	if _, err := c.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: aws.String(token)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{"approved":true}`)}); err != nil {
		t.Fatal(err)
	}
	if d := wait(t, c, yes); d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `{"approved":true}` {
		t.Errorf("approved: %s %s", d.Status, aws.ToString(d.Output))
	}
	if _, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{}`)}); code(err) != "TaskDoesNotExist" {
		t.Errorf("answering twice: %v", err)
	}

	no := start("no")
	if _, err := c.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: aws.String(tokenOf(no)), Error: aws.String("Rejected"), Cause: aws.String("too expensive")}); err != nil {
		t.Fatal(err)
	}
	if d := wait(t, c, no); d.Status != types.ExecutionStatusFailed || aws.ToString(d.Error) != "Rejected" || aws.ToString(d.Cause) != "too expensive" {
		t.Errorf("rejected: %s %s %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}

	stopped := start("stopped")
	tokenOf(stopped)
	if _, err := c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(stopped), Error: aws.String("Operator"), Cause: aws.String("not needed")}); err != nil {
		t.Fatal(err)
	}
	if d := wait(t, c, stopped); d.Status != types.ExecutionStatusAborted || aws.ToString(d.Error) != "Operator" {
		t.Errorf("stopped: %s %s", d.Status, aws.ToString(d.Error))
	}
	if _, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String("tok-unknown"), Output: aws.String(`{}`)}); code(err) != "TaskDoesNotExist" {
		t.Errorf("an unknown token: %v", err)
	}

	list, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(arn), StatusFilter: types.ExecutionStatusFailed})
	if err != nil || len(list.Executions) != 1 || aws.ToString(list.Executions[0].Name) != "no" {
		t.Errorf("failed executions: %+v, %v", list, err)
	}
}

func TestStartSyncExecution(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background() // LocalEndpoint turns off the sync- host prefix
	express := create(t, c, "Express", doubler, types.StateMachineTypeExpress)
	out, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(express), Input: aws.String(`{"n": 2}`)})
	if err != nil || out.Status != types.SyncExecutionStatusSucceeded || aws.ToString(out.Output) != `{"n":4}` {
		t.Errorf("StartSyncExecution: %+v, %v", out, err)
	}
	standard := create(t, c, "Standard", doubler, "")
	if _, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(standard)}); code(err) != "StateMachineTypeNotSupported" {
		t.Errorf("StartSyncExecution on a Standard machine: %v", err)
	}
}

// TestProtocolErrors sends what an SDK never would.
func TestProtocolErrors(t *testing.T) {
	_, ts := newClient(t)
	post := func(target, body string) (int, map[string]string) {
		req, _ := http.NewRequest(http.MethodPost, ts.URL, bytes.NewBufferString(body))
		if target != "" {
			req.Header.Set("X-Amz-Target", target)
		}
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]string
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	for _, c := range []struct{ target, body, want string }{
		{"AWSStepFunctions.Explode", `{}`, "UnknownOperationException"},
		{"", `{}`, "UnknownOperationException"},
		{"AWSStepFunctions.StartExecution", `{"stateMachineArn":`, "SerializationException"},
		{"AWSStepFunctions.StartExecution", `{"stateMachineArn": 7}`, "SerializationException"},
		{"AWSStepFunctions.StartExecution", `{}`, "ValidationException"},
		{"AWSStepFunctions.ListExecutions", `{"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:x", "maxResults": 5000}`, "StateMachineDoesNotExist"},
	} {
		status, body := post(c.target, c.body)
		if status != http.StatusBadRequest || body["__type"] != c.want || body["message"] == "" {
			t.Errorf("%s %s: %d %v; want 400 %s", c.target, c.body, status, body, c.want)
		}
	}
}

// TestThousandConcurrentExecutions starts 1,000 executions at once, each
// waiting a second: every one ends SUCCEEDED with its own output, and is
// listed exactly once.
func TestThousandConcurrentExecutions(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	arn := create(t, c, "Slow", `{"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 1, "Next": "Double"},
	  "Double": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:double", "TimeoutSeconds": 5, "End": true}}}`, "")
	const n = 1000
	arns := make([]string, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Name: aws.String(fmt.Sprintf("run-%04d", i)), Input: aws.String(fmt.Sprintf(`{"n": %d}`, i))})
			if err != nil {
				errs <- err
				return
			}
			arns[i] = aws.ToString(out.ExecutionArn)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, a := range arns {
		ended(t, c, a)
	}
	running, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(arn), StatusFilter: types.ExecutionStatusRunning, MaxResults: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range running.Executions {
		t.Fatalf("every execution ended, yet ListExecutions with the RUNNING filter lists %s, status %s", aws.ToString(e.Name), e.Status)
	}
	seen := map[string]int{}
	var token *string
	for {
		page, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(arn), MaxResults: 1000, NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Executions {
			seen[aws.ToString(e.ExecutionArn)]++
			if e.Status != types.ExecutionStatusSucceeded {
				t.Errorf("%s ended %s", aws.ToString(e.Name), e.Status)
			}
		}
		if token = page.NextToken; token == nil {
			break
		}
	}
	if len(seen) != n {
		t.Fatalf("%d executions listed; want %d", len(seen), n)
	}
	for i, a := range arns {
		if seen[a] != 1 {
			t.Errorf("%s listed %d times", a, seen[a])
		}
		if i%97 == 0 { // a sample: each output is its own input doubled
			d := wait(t, c, a)
			if want := fmt.Sprintf(`{"n":%d}`, 2*i); aws.ToString(d.Output) != want {
				t.Errorf("%s output %s; want %s", a, aws.ToString(d.Output), want)
			}
		}
	}
}

// FuzzRequests sends arbitrary actions and bodies: every answer is a 200
// or an AWS error with a code, never a 500 or a crash.
func FuzzRequests(f *testing.F) {
	srv := New(Options{Clock: asl.NewVirtualClock(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))})
	seed := func(action, body string) { f.Add(action, body) }
	seed("CreateStateMachine", `{"name":"m","definition":"{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}","roleArn":"`+role+`"}`)
	seed("StartExecution", `{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:m","input":"{}"}`)
	seed("GetExecutionHistory", `{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:m:x","maxResults":1,"nextToken":"b2Zmc2V0OjE"}`)
	seed("ListExecutions", `{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:m","statusFilter":"RUNNING"}`)
	seed("SendTaskSuccess", `{"taskToken":"","output":"{}"}`)
	seed("DescribeExecution", `[]`)
	f.Fuzz(func(t *testing.T, action, body string) {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set("X-Amz-Target", "AWSStepFunctions."+action)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
			t.Fatalf("%s %q: status %d %s", action, body, rec.Code, rec.Body.String())
		}
		if rec.Code == http.StatusBadRequest {
			var e map[string]string
			if json.Unmarshal(rec.Body.Bytes(), &e) != nil || e["__type"] == "" {
				t.Fatalf("%s %q: error body %s", action, body, rec.Body.String())
			}
		}
	})
}
