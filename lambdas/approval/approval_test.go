package approval

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// recordingSFN records the callbacks and answers with err.
type recordingSFN struct {
	err       error
	success   []*sfn.SendTaskSuccessInput
	failure   []*sfn.SendTaskFailureInput
	heartbeat []*sfn.SendTaskHeartbeatInput
}

func (r *recordingSFN) SendTaskSuccess(_ context.Context, in *sfn.SendTaskSuccessInput, _ ...func(*sfn.Options)) (*sfn.SendTaskSuccessOutput, error) {
	r.success = append(r.success, in)
	return &sfn.SendTaskSuccessOutput{}, r.err
}

func (r *recordingSFN) SendTaskFailure(_ context.Context, in *sfn.SendTaskFailureInput, _ ...func(*sfn.Options)) (*sfn.SendTaskFailureOutput, error) {
	r.failure = append(r.failure, in)
	return &sfn.SendTaskFailureOutput{}, r.err
}

func (r *recordingSFN) SendTaskHeartbeat(_ context.Context, in *sfn.SendTaskHeartbeatInput, _ ...func(*sfn.Options)) (*sfn.SendTaskHeartbeatOutput, error) {
	r.heartbeat = append(r.heartbeat, in)
	return &sfn.SendTaskHeartbeatOutput{}, r.err
}

const approverARN = "arn:aws:iam::123456789012:user/alice"

func request(body string) events.APIGatewayProxyRequest {
	var req events.APIGatewayProxyRequest
	req.Body = body
	req.RequestContext.Identity.UserArn = approverARN
	return req
}

func TestApprove(t *testing.T) {
	sfnClient := &recordingSFN{}
	h := &Handler{StepFunctions: sfnClient}
	resp, err := h.Handle(context.Background(), request(`{"taskToken":"tok-1","decision":"approve","reason":"known customer"}`))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("resp = %+v, %v", resp, err)
	}
	var out Outcome
	if len(sfnClient.success) != 1 || json.Unmarshal([]byte(aws.ToString(sfnClient.success[0].Output)), &out) != nil {
		t.Fatalf("success calls = %+v", sfnClient.success)
	}
	if !out.Approved || out.Approver != approverARN || aws.ToString(sfnClient.success[0].TaskToken) != "tok-1" {
		t.Errorf("outcome = %+v", out)
	}
}

func TestRejectSendsTheWorkflowsErrorName(t *testing.T) {
	sfnClient := &recordingSFN{}
	h := &Handler{StepFunctions: sfnClient}
	resp, _ := h.Handle(context.Background(), request(`{"taskToken":"tok-1","decision":"reject","reason":"fraud check"}`))
	if resp.StatusCode != http.StatusOK || len(sfnClient.failure) != 1 {
		t.Fatalf("resp = %+v, failures %d", resp, len(sfnClient.failure))
	}
	f := sfnClient.failure[0]
	if aws.ToString(f.Error) != RejectedError || !strings.Contains(aws.ToString(f.Cause), "fraud check") {
		t.Errorf("failure = %s / %s", aws.ToString(f.Error), aws.ToString(f.Cause))
	}
}

func TestHeartbeat(t *testing.T) {
	sfnClient := &recordingSFN{}
	h := &Handler{StepFunctions: sfnClient}
	if resp, _ := h.Handle(context.Background(), request(`{"taskToken":"tok-1","decision":"heartbeat"}`)); resp.StatusCode != http.StatusOK || len(sfnClient.heartbeat) != 1 {
		t.Errorf("resp = %+v, heartbeats %d", resp, len(sfnClient.heartbeat))
	}
}

func TestRejectsBadRequests(t *testing.T) {
	tests := []struct {
		name string
		req  events.APIGatewayProxyRequest
		want int
	}{
		{"no identity", events.APIGatewayProxyRequest{Body: `{"taskToken":"t","decision":"approve"}`}, http.StatusForbidden},
		{"not json", request(`approve`), http.StatusBadRequest},
		{"json array", request(`[]`), http.StatusBadRequest},
		{"unknown field", request(`{"taskToken":"t","decision":"approve","approver":"mallory"}`), http.StatusBadRequest},
		{"no token", request(`{"decision":"approve"}`), http.StatusBadRequest},
		{"token too long", request(`{"taskToken":"` + strings.Repeat("t", 2049) + `","decision":"approve"}`), http.StatusBadRequest},
		{"bad decision", request(`{"taskToken":"t","decision":"maybe"}`), http.StatusBadRequest},
		{"reject without reason", request(`{"taskToken":"t","decision":"reject"}`), http.StatusBadRequest},
		{"huge body", request(`{"taskToken":"t","decision":"approve","reason":"` + strings.Repeat("r", 9000) + `"}`), http.StatusBadRequest},
		{"invalid utf8", request("{\"taskToken\":\"t\",\"decision\":\"approve\",\"reason\":\"\xff\"}"), http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sfnClient := &recordingSFN{}
			resp, err := (&Handler{StepFunctions: sfnClient}).Handle(context.Background(), tt.req)
			if err != nil || resp.StatusCode != tt.want {
				t.Errorf("status = %d (%s), err %v; want %d", resp.StatusCode, resp.Body, err, tt.want)
			}
			if len(sfnClient.success)+len(sfnClient.failure)+len(sfnClient.heartbeat) != 0 {
				t.Error("a refused request reached Step Functions")
			}
		})
	}
}

func TestMapsStepFunctionsErrors(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{&types.InvalidToken{}, http.StatusBadRequest},
		{&types.TaskDoesNotExist{}, http.StatusNotFound},
		{&types.TaskTimedOut{}, http.StatusGone},
		{errors.New("connection reset"), http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		h := &Handler{StepFunctions: &recordingSFN{err: tt.err}}
		resp, err := h.Handle(context.Background(), request(`{"taskToken":"t","decision":"approve"}`))
		if err != nil || resp.StatusCode != tt.want {
			t.Errorf("%T: status %d, err %v; want %d", tt.err, resp.StatusCode, err, tt.want)
		}
	}
}

func FuzzHandle(f *testing.F) {
	f.Add(`{"taskToken":"t","decision":"approve"}`)
	f.Add(`{"taskToken":"t","decision":"reject","reason":"x"}`)
	f.Fuzz(func(t *testing.T, body string) {
		resp, err := (&Handler{StepFunctions: &recordingSFN{}}).Handle(context.Background(), request(body))
		if err != nil || resp.StatusCode == 0 {
			t.Fatalf("resp %+v err %v", resp, err)
		}
	})
}
