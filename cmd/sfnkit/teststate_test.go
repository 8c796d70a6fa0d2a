package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/local/sfnapi"
)

// TestTestStateCommand runs `sfnkit test-state` on a Task with a mocked
// error its Catch handles, and checks the exit status and the response.
func TestTestStateCommand(t *testing.T) {
	dir := t.TempDir()
	def := filepath.Join(dir, "state.json")
	if err := os.WriteFile(def, []byte(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"pay"},"Catch":[{"ErrorEquals":["Declined"],"ResultPath":"$.error","Next":"Refund"}],"Next":"Ship"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"test-state", "--definition", def, "--input", "-", "--inspection-level", "DEBUG", "--mock-error", "Declined", "--mock-cause", "expired"},
		strings.NewReader(`{"id":1}`), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr.String())
	}
	var resp asl.TestStateResponse
	if err := json.Unmarshal(stdout.Bytes(), &resp); err != nil {
		t.Fatalf("stdout is not the response: %v\n%s", err, stdout.String())
	}
	if resp.Status != asl.TestCaughtError || resp.NextState != "Refund" || resp.InspectionData == nil || resp.InspectionData.AfterParameters != `{"FunctionName":"pay"}` {
		t.Errorf("response: %s", stdout.String())
	}
}

// TestTestStateCommandRefuses: unusable flags and definitions exit 2 with
// a message, and print no response.
func TestTestStateCommandRefuses(t *testing.T) {
	dir := t.TempDir()
	pass := filepath.Join(dir, "pass.json")
	if err := os.WriteFile(pass, []byte(`{"Type":"Pass","End":true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"test-state"},
		{"test-state", "--definition", filepath.Join(dir, "missing.json")},
		{"test-state", "--definition", pass, "--mock-result", "1"},
		{"test-state", "--definition", pass, "--inspection-level", "VERBOSE"},
		{"test-state", "--definition", pass, "--mock-cause", "why"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, strings.NewReader(""), &stdout, &stderr); code != 2 || stdout.Len() != 0 || stderr.Len() == 0 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2, nothing, a message", args, code, stdout.String(), stderr.String())
		}
	}
}

// TestTestStateThroughSDK sends a TestState request with the AWS SDK's
// sfn client to a server that decodes it strictly into asl.TestStateRequest
// and answers with asl.TestStateResponse: the SDK's serializer and
// deserializer agree with the library's field names.
func TestTestStateThroughSDK(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if target := r.Header.Get("X-Amz-Target"); target != "AWSStepFunctions.TestState" {
			http.Error(w, "unexpected target "+target, http.StatusBadRequest)
			return
		}
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		var req asl.TestStateRequest
		if err := dec.Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		resp, err := asl.TestState(r.Context(), &req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_ = json.NewEncoder(w).Encode(resp)
	}))
	defer srv.Close()
	// TestState, like StartSyncExecution, goes to the "sync-" host in AWS;
	// LocalEndpoint drops that prefix, which no local host has.
	client := sfn.New(sfn.Options{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", ""),
	}, sfnapi.LocalEndpoint(srv.URL))
	out, err := client.TestState(context.Background(), &sfn.TestStateInput{
		Definition:      aws.String(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f","v.$":"$$.Execution.Name"},"Retry":[{"ErrorEquals":["Flaky"],"MaxAttempts":3}],"Next":"N"}`),
		Input:           aws.String(`{"a":1}`),
		InspectionLevel: types.InspectionLevelTrace,
		Variables:       aws.String(`{"x":1}`),
		RoleArn:         aws.String("arn:aws:iam::123456789012:role/R"),
		RevealSecrets:   true,
		Context:         aws.String(`{"Execution":{"Name":"run-1"}}`),
		Mock: &types.MockInput{
			ErrorOutput:         &types.MockErrorOutput{Error: aws.String("Flaky"), Cause: aws.String("try again")},
			FieldValidationMode: types.MockResponseValidationModeNone,
		},
		StateConfiguration: &types.TestStateConfiguration{RetrierRetryCount: aws.Int32(1)},
	})
	if err != nil {
		t.Fatal(err)
	}
	d := out.InspectionData
	if out.Status != types.TestExecutionStatusRetriable || aws.ToString(out.Error) != "Flaky" || aws.ToString(out.Cause) != "try again" || d == nil {
		t.Fatalf("response: status %s error %q cause %q data %+v", out.Status, aws.ToString(out.Error), aws.ToString(out.Cause), d)
	}
	if aws.ToString(d.Input) != `{"a":1}` || aws.ToString(d.AfterParameters) != `{"FunctionName":"f","v":"run-1"}` || aws.ToString(d.Variables) != `{"x":1}` {
		t.Errorf("inspection data: input %q, afterParameters %q, variables %q", aws.ToString(d.Input), aws.ToString(d.AfterParameters), aws.ToString(d.Variables))
	}
	if e := d.ErrorDetails; e == nil || aws.ToInt32(e.RetryIndex) != 0 || aws.ToInt32(e.RetryBackoffIntervalSeconds) != 2 {
		t.Errorf("error details: %+v", e)
	}
}
