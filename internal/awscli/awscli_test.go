package awscli

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCommandsRunThroughTheCLI: successive commands in one process, each
// with its own output and exit status, as `aws` prints them.
func TestCommandsRunThroughTheCLI(t *testing.T) {
	if !Installed() {
		t.Skip("the AWS CLI v1 is not installed for python3 (pip install awscli)")
	}
	// A Step Functions endpoint that knows one machine and refuses the rest.
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		if r.Header.Get("X-Amz-Target") == "AWSStepFunctions.ListStateMachines" {
			w.Write([]byte(`{"stateMachines":[{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:One","name":"One","type":"STANDARD","creationDate":1}]}`))
			return
		}
		w.WriteHeader(400)
		w.Write([]byte(`{"__type":"com.amazonaws.swf.service.v2.model#StateMachineDoesNotExist","message":"no such machine"}`))
	}))
	defer server.Close()
	cli, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	for range 2 {
		out, err := cli.JSON("stepfunctions", "list-state-machines", "--endpoint-url", server.URL, "--output", "json")
		if err != nil {
			t.Fatal(err)
		}
		if machines, _ := out["stateMachines"].([]any); len(machines) != 1 {
			t.Errorf("list-state-machines printed %v", out)
		}
	}
	_, err = cli.Run("stepfunctions", "describe-state-machine", "--state-machine-arn", "arn:aws:states:us-east-1:123456789012:stateMachine:Two", "--endpoint-url", server.URL)
	var cliErr *Error
	if !errors.As(err, &cliErr) || cliErr.Code != 255 || !strings.Contains(cliErr.Stderr, "StateMachineDoesNotExist") {
		t.Errorf("describe-state-machine of an unknown machine: %v", err)
	}
	if _, err := cli.Run("stepfunctions", "no-such-command"); err == nil {
		t.Error("an unknown command succeeded")
	}
	if _, err := cli.JSON("stepfunctions", "list-state-machines", "--endpoint-url", server.URL, "--output", "json"); err != nil {
		t.Errorf("after two failures the CLI no longer runs: %v", err)
	}
}
