package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/local/sfnapi"
)

// approval waits for a person's answer, who must send a heartbeat at least
// once a minute.
const approval = `{"StartAt": "Approve", "States": {
	"Approve": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "HeartbeatSeconds": 60,
		"Parameters": {"MessageBody": {"token.$": "$$.Task.Token", "order.$": "$.order"}}, "End": true}}}`

// waitingFixture is a console over a server whose machine Approval has
// one execution waiting at Approve, on a virtual clock held so that time
// passes only when the test advances it.
func waitingFixture(t *testing.T) (*fixture, *asl.VirtualClock) {
	t.Helper()
	clock := asl.NewVirtualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	clock.Hold()
	t.Cleanup(clock.Release)
	sent := asl.TaskFunc(func(context.Context, asl.TaskRequest) (any, error) { return map[string]any{"MessageId": "m-1"}, nil })
	api := sfnapi.New(sfnapi.Options{Clock: clock, Prepare: func(m *sfnapi.Machine) (sfnapi.Prepared, error) {
		return sfnapi.Prepared{Engine: asl.NewEngine(asl.Options{Clock: clock, StateMachineArn: m.Arn, Type: asl.WorkflowType(m.Type),
			Tasks: asl.ResolverFunc(func(string, string, any) (asl.TaskHandler, bool) { return sent, true })})}, nil
	}})
	t.Cleanup(api.Close)
	ctx := context.Background()
	if err := api.Invoke(ctx, "CreateStateMachine", map[string]any{"name": "Approval", "definition": approval, "roleArn": "arn:aws:iam::123456789012:role/R"}, nil); err != nil {
		t.Fatal(err)
	}
	var started struct{ ExecutionArn string }
	if err := api.Invoke(ctx, "StartExecution", map[string]any{"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Approval",
		"input": `{"order": "<b>o-1</b>"}`}, &started); err != nil {
		t.Fatal(err)
	}
	f := &fixture{api: api, handler: New(api, Options{}).Mount(api), exec: started.ExecutionArn}
	f.until(t, "the task waits for its token", func(page string) bool { return strings.Contains(page, `data-waiting="Approve"`) })
	return f, clock
}

// until polls the execution's page until done holds.
func (f *fixture) until(t *testing.T, what string, done func(page string) bool) string {
	t.Helper()
	var page string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if _, page = f.get(t, "/console/execution?arn="+url.QueryEscape(f.exec)); done(page) {
			return page
		}
	}
	t.Fatalf("never: %s", what)
	return ""
}

// answer posts a waiting task's form with the page's CSRF token.
func (f *fixture) answer(t *testing.T, kind string, form url.Values) (int, string) {
	t.Helper()
	_, page := f.get(t, "/console/execution?arn="+url.QueryEscape(f.exec))
	form.Set("csrf", csrfField.FindStringSubmatch(page)[1])
	form.Set("executionArn", f.exec)
	form.Set("state", "Approve")
	code, body, location := f.post(t, "/console/task/"+kind, form, nil)
	if code == http.StatusSeeOther && location != "/console/execution?arn="+url.QueryEscape(f.exec) {
		t.Errorf("%s goes to %s; want the execution's page", kind, location)
	}
	return code, body
}

func (f *fixture) describe(t *testing.T) map[string]any {
	t.Helper()
	var d map[string]any
	if err := f.api.Invoke(context.Background(), "DescribeExecution", map[string]any{"executionArn": f.exec}, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestHeartbeatKeepsTheTaskWaiting: each heartbeat the console sends
// restarts the task's HeartbeatSeconds, as SendTaskHeartbeat does; without
// one the task times out.
func TestHeartbeatKeepsTheTaskWaiting(t *testing.T) {
	f, clock := waitingFixture(t)
	for range 3 { // three minutes in all, the heartbeat every 40 seconds
		clock.Advance(40 * time.Second)
		if code, page := f.answer(t, "heartbeat", url.Values{}); code != http.StatusSeeOther {
			t.Fatalf("heartbeat: %d\n%s", code, page)
		}
	}
	// The engine restarts the 60 s when it notices a heartbeat, which may
	// be after the next Advance: the timeout is due 60 to 100 s after the
	// last heartbeat.
	clock.Advance(40 * time.Second)
	time.Sleep(50 * time.Millisecond) // a timeout would have ended the execution by now
	if d := f.describe(t); d["status"] != "RUNNING" {
		t.Fatalf("after heartbeats every 40 s the execution is %v (%v); want RUNNING", d["status"], d["error"])
	}
	clock.Advance(70 * time.Second) // 110 s since the last heartbeat
	page := f.until(t, "the task times out", func(page string) bool { return strings.Contains(page, `data-status="FAILED"`) })
	if d := f.describe(t); d["error"] != "States.HeartbeatTimeout" || !strings.Contains(page, "States.HeartbeatTimeout") {
		t.Errorf("without a heartbeat: %v; want States.HeartbeatTimeout on the page", d["error"])
	}
	if code, _ := f.answer(t, "heartbeat", url.Values{}); code != http.StatusConflict {
		t.Errorf("a heartbeat for a task that timed out: %d; want 409", code)
	}
}

// TestRejectSendsTheErrorAndCause: the Reject form fails the task with
// the error and cause typed, through SendTaskFailure.
func TestRejectSendsTheErrorAndCause(t *testing.T) {
	f, _ := waitingFixture(t)
	_, page := f.get(t, "/console/execution?arn="+url.QueryEscape(f.exec))
	if strings.Contains(page, "<b>o-1") || !strings.Contains(page, "&lt;b&gt;o-1&lt;/b&gt;") {
		t.Error("the waiting task's request is not escaped")
	}
	code, body := f.answer(t, "failure", url.Values{"error": {"Rejected"}, "cause": {"<i>no stock</i>"}})
	if code != http.StatusSeeOther {
		t.Fatalf("reject: %d\n%s", code, body)
	}
	page = f.until(t, "the execution fails", func(page string) bool { return strings.Contains(page, `data-status="FAILED"`) })
	if d := f.describe(t); d["error"] != "Rejected" || d["cause"] != "<i>no stock</i>" {
		t.Errorf("after Reject: %v, %v; want Rejected and the cause typed", d["error"], d["cause"])
	}
	if strings.Contains(page, "<i>no stock") || !strings.Contains(page, "&lt;i&gt;no stock&lt;/i&gt;") {
		t.Error("the cause is not escaped on the page")
	}
	if code, body := f.answer(t, "failure", url.Values{"error": {"Rejected"}}); code != http.StatusConflict || !strings.Contains(body, "TaskDoesNotExist") {
		t.Errorf("rejecting again: %d; want 409 TaskDoesNotExist", code)
	}
}
