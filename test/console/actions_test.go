package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	order "github.com/sfnkit/sfnkit/workflows/orderfulfillment/contract"
)

// waiting starts an order over the approval threshold as the execution
// name and waits until the console's page offers its RequestApproval
// answers.
func (s *site) waiting(t *testing.T, name string) (arn, page string) {
	t.Helper()
	arn = s.startAs(t, "order/approved", name)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if page = s.page(t, executionPath(arn)); strings.Contains(page, `data-waiting="`+order.StateRequestApproval+`"`) {
			return arn, page
		}
	}
	t.Fatalf("%s never waited at %s", arn, order.StateRequestApproval)
	return "", ""
}

func (s *site) describe(t *testing.T, arn string) *sfn.DescribeExecutionOutput {
	t.Helper()
	d, err := s.client.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// seeOther checks that a form's answer sends the browser to the
// execution's page.
func seeOther(t *testing.T, what string, code int, page, location, arn string) {
	t.Helper()
	if code != http.StatusSeeOther || location != "/console/"+executionPath(arn) {
		t.Fatalf("%s: %d to %q; want 303 to the execution's page\n%s", what, code, location, text(page))
	}
}

// TestStopARunningExecution: the Stop button's form stops the waiting
// order with its error and cause, as StopExecution does.
func TestStopARunningExecution(t *testing.T) {
	s := serve(t)
	arn, page := s.waiting(t, "to-stop")
	if !strings.Contains(page, `id="stop"`) {
		t.Fatal("a running execution's page has no Stop button")
	}
	code, page, location := s.post(t, "stop", url.Values{"executionArn": {arn}, "error": {"Operator"}, "cause": {`<b>wrong address</b>`}})
	seeOther(t, "stop", code, page, location, arn)
	d := s.describe(t, arn)
	if d.Status != types.ExecutionStatusAborted || aws.ToString(d.Error) != "Operator" || aws.ToString(d.Cause) != "<b>wrong address</b>" {
		t.Errorf("after Stop: %s, %q, %q; want ABORTED, Operator, the cause", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	page = s.page(t, executionPath(arn))
	if !strings.Contains(page, `data-status="ABORTED"`) || strings.Contains(page, `id="stop"`) || strings.Contains(page, `data-waiting=`) {
		t.Error("the stopped execution's page still offers Stop or the approval's answers, or is not ABORTED")
	}
	if strings.Contains(page, "<b>wrong") || text(between(page, `id="exec-cause">`, "</pre>")) != "<b>wrong address</b>" {
		t.Errorf("the cause is not shown as text: %q", between(page, `id="exec-cause">`, "</pre>"))
	}
	if got := outcomeOf(page, order.StateRequestApproval); got != "failed" {
		t.Errorf("%s, where the execution was stopped, is %s; want failed", order.StateRequestApproval, got)
	}
	gone := strings.Replace(arn, ":execution:", ":execution:Gone", 1)
	if code, page, _ := s.post(t, "stop", url.Values{"executionArn": {gone}}); code != http.StatusNotFound || !strings.Contains(page, "ExecutionDoesNotExist") {
		t.Errorf("stopping an execution that does not exist: %d; want 404 ExecutionDoesNotExist", code)
	}
}

// TestRedriveAFailedExecution: a failed ETL run (Standard) offers
// Redrive, and the form redrives it as RedriveExecution does.
func TestRedriveAFailedExecution(t *testing.T) {
	s := serve(t)
	arn := s.start(t, "etl/poor-quality")
	if d := s.await(t, arn); d.Status != types.ExecutionStatusFailed || d.RedriveStatus != types.ExecutionRedriveStatusRedrivable {
		t.Fatalf("etl/poor-quality ended %s, %s; want FAILED and REDRIVABLE", d.Status, d.RedriveStatus)
	}
	code, page, location := s.post(t, "redrive", url.Values{"executionArn": {arn}})
	seeOther(t, "redrive", code, page, location, arn)
	d := s.await(t, arn)
	if d.RedriveCount == nil || *d.RedriveCount != 1 || d.RedriveDate == nil {
		t.Fatalf("after Redrive: redriveCount %v, date %v; want 1 and a date", d.RedriveCount, d.RedriveDate)
	}
	page = s.page(t, executionPath(arn))
	if !strings.Contains(text(page), "Redriven 1 times") || !strings.Contains(page, `data-status="`+string(d.Status)+`"`) {
		t.Errorf("the page does not show the redrive and the status %s", d.Status)
	}
	s.historyMatches(t, arn)
	var redriven bool
	for _, row := range table(page, "events") {
		redriven = redriven || row[1] == "ExecutionRedriven"
	}
	if !redriven {
		t.Error("the history table has no ExecutionRedriven event")
	}

	// An Express execution cannot be redriven: the page offers nothing
	// and a forged form gets the API's refusal.
	photo := s.start(t, "image/foreign-key")
	s.await(t, photo)
	if strings.Contains(s.page(t, executionPath(photo)), `id="redrive"`) {
		t.Error("an Express execution's page offers Redrive")
	}
	if code, page, _ := s.post(t, "redrive", url.Values{"executionArn": {photo}}); code != http.StatusBadRequest || !strings.Contains(page, "ExecutionNotRedrivable") {
		t.Errorf("redriving an Express execution: %d; want 400 ExecutionNotRedrivable", code)
	}
}

// TestRejectAndHeartbeat: the waiting order's Heartbeat form keeps the
// task waiting (SendTaskHeartbeat), and its Reject form fails the task
// with the error and cause typed (SendTaskFailure), which the workflow
// catches as a rejected order.
func TestRejectAndHeartbeat(t *testing.T) {
	s := serve(t)
	arn, _ := s.waiting(t, "to-reject")
	answer := url.Values{"executionArn": {arn}, "state": {order.StateRequestApproval}}
	code, page, location := s.post(t, "task/heartbeat", answer)
	seeOther(t, "heartbeat", code, page, location, arn)
	if d := s.describe(t, arn); d.Status != types.ExecutionStatusRunning {
		t.Fatalf("after a heartbeat the order is %s; want RUNNING", d.Status)
	}
	if page := s.page(t, executionPath(arn)); !strings.Contains(page, `data-waiting="`+order.StateRequestApproval+`"`) {
		t.Error("after a heartbeat the page no longer offers the approval's answers")
	}

	reject := url.Values{"executionArn": {arn}, "state": {order.StateRequestApproval}, "error": {order.ErrorApprovalRejected}, "cause": {`{"approver": "<i>ops</i>"}`}}
	code, page, location = s.post(t, "task/failure", reject)
	seeOther(t, "reject", code, page, location, arn)
	d := s.await(t, arn)
	history, err := s.client.GetExecutionHistory(context.Background(), &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var failed *types.TaskFailedEventDetails
	for _, e := range history.Events {
		if e.TaskFailedEventDetails != nil {
			failed = e.TaskFailedEventDetails
		}
	}
	if failed == nil || aws.ToString(failed.Error) != order.ErrorApprovalRejected || aws.ToString(failed.Cause) != reject.Get("cause") {
		t.Fatalf("the history's TaskFailed: %+v; want the error and cause sent", failed)
	}
	page = s.page(t, executionPath(arn))
	if !strings.Contains(page, `data-status="`+string(d.Status)+`"`) || strings.Contains(page, "data-waiting=") {
		t.Errorf("after Reject the page is not %s, or still offers the answers", d.Status)
	}
	if got := outcomeOf(page, order.StateRequestApproval); got != "caught" {
		t.Errorf("%s after Reject is %s; want caught", order.StateRequestApproval, got)
	}
	panel := text(between(page, `data-for="`+order.StateRequestApproval+`" hidden>`, "</div>"))
	if !strings.Contains(panel, order.ErrorApprovalRejected) || !strings.Contains(panel, "<i>ops</i>") || strings.Contains(page, "<i>ops") {
		t.Errorf("the %s panel does not show the rejection as text: %s", order.StateRequestApproval, panel)
	}
	s.historyMatches(t, arn)
	if code, page, _ := s.post(t, "task/failure", reject); code != http.StatusConflict || !strings.Contains(page, "TaskDoesNotExist") {
		t.Errorf("rejecting an answered task: %d; want 409 TaskDoesNotExist", code)
	}
}
