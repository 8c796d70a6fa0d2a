package sfnapi

import (
	"errors"
	"strings"
	"testing"
)

// validator is a typed request.
type validator interface{ validate() error }

// validateCase is a request and the AWS error code (and a part of the
// message) its validate method answers; an empty code means it passes.
type validateCase struct {
	name    string
	request validator
	code    string
	message string
}

const machineArn = "arn:aws:states:us-east-1:123456789012:stateMachine:m"

func runValidateCases(t *testing.T, cases []validateCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.request.validate()
			if c.code == "" {
				if err != nil {
					t.Fatalf("validate() = %v, want no error", err)
				}
				return
			}
			var api *apiError
			if !errors.As(err, &api) || api.code != c.code || !strings.Contains(api.message, c.message) {
				t.Fatalf("validate() = %v, want %s containing %q", err, c.code, c.message)
			}
		})
	}
}

func TestPageRequestValidate(t *testing.T) {
	runValidateCases(t, []validateCase{
		{"zero means the default", &pageRequest{}, "", ""},
		{"the largest page", &pageRequest{MaxResults: 1000}, "", ""},
		{"one past the largest", &pageRequest{MaxResults: 1001}, "ValidationException", "'1001' at 'maxResults'"},
		{"negative", &pageRequest{MaxResults: -1}, "ValidationException", "'-1' at 'maxResults'"},
	})
}

func TestPageRequestPage(t *testing.T) {
	first := pageRequest{MaxResults: 2}
	got, next, err := first.page(5)
	if err != nil || got != (span{0, 2}) || next == "" {
		t.Fatalf("first page = %v, %q, %v; want 0-2 and a token", got, next, err)
	}
	second := pageRequest{MaxResults: 2, NextToken: next}
	if got, _, err := second.page(5); err != nil || got != (span{2, 4}) {
		t.Fatalf("second page = %v, %v; want 2-4", got, err)
	}
	if got, next, err := (&pageRequest{}).page(150); err != nil || got != (span{0, 100}) || next == "" {
		t.Fatalf("default page = %v, %q, %v; want 100 items and a token", got, next, err)
	}
	var api *apiError
	if _, _, err := (&pageRequest{MaxResults: 5000}).page(5); !errors.As(err, &api) || api.code != "ValidationException" {
		t.Errorf("page of 5000 = %v, want ValidationException", err)
	}
	for _, token := range []string{"not base64!", "b2Zmc2V0Oi0x" /* offset:-1 */, "b2Zmc2V0Ojk" /* offset:9, past the end */, "aGVsbG8" /* hello */} {
		q := pageRequest{NextToken: token}
		var api *apiError
		if _, _, err := q.page(5); !errors.As(err, &api) || api.code != "InvalidToken" {
			t.Errorf("page with token %q = %v, want InvalidToken", token, err)
		}
	}
}

func TestStateMachineRequestsValidate(t *testing.T) {
	create := func(name, role, typ string) *createStateMachineRequest {
		return &createStateMachineRequest{Name: str(name), Definition: str("{}"), RoleArn: str(role), Type: typ}
	}
	role := "arn:aws:iam::123456789012:role/r"
	runValidateCases(t, []validateCase{
		{"create", create("m", role, ""), "", ""},
		{"create express", create("m", role, "EXPRESS"), "", ""},
		{"create with an 80-character name", create(strings.Repeat("a", 80), role, ""), "", ""},
		{"create with an 81-character name", create(strings.Repeat("a", 81), role, ""), "InvalidName", "Invalid Name"},
		{"create with an empty name", create("", role, ""), "InvalidName", "Invalid Name: ''"},
		{"create with a space in the name", create("a b", role, ""), "InvalidName", "'a b'"},
		{"create without a name", &createStateMachineRequest{Definition: str("{}"), RoleArn: str(role)}, "ValidationException", "at 'name'"},
		{"create without a definition", &createStateMachineRequest{Name: str("m"), RoleArn: str(role)}, "ValidationException", "at 'definition'"},
		{"create without a role", &createStateMachineRequest{Name: str("m"), Definition: str("{}")}, "ValidationException", "at 'roleArn'"},
		{"create with a role that is no ARN", create("m", "role", ""), "InvalidArn", "Invalid Arn: 'role'"},
		{"create with an unknown type", create("m", role, "standard"), "ValidationException", "[STANDARD, EXPRESS]"},
		{"describe", &stateMachineRequest{StateMachineArn: str(machineArn)}, "", ""},
		{"describe a version", &stateMachineRequest{StateMachineArn: str(machineArn + ":1")}, "", ""},
		{"describe without an ARN", &stateMachineRequest{}, "ValidationException", "at 'stateMachineArn'"},
		{"describe an activity", &stateMachineRequest{StateMachineArn: str("arn:aws:states:us-east-1:123456789012:activity:a")}, "InvalidArn", "activity:a"},
		{"describe a name", &stateMachineRequest{StateMachineArn: str("m")}, "InvalidArn", "Invalid Arn: 'm'"},
		{"list with too large a page", &listStateMachinesRequest{pageRequest{MaxResults: 5000}}, "ValidationException", "'5000' at 'maxResults'"},
	})
	q := create("m", role, "")
	if q.validate(); q.Type != "STANDARD" {
		t.Errorf("an empty type became %q, want STANDARD", q.Type)
	}
}

func TestExecutionRequestsValidate(t *testing.T) {
	const execution = "arn:aws:states:us-east-1:123456789012:execution:m:x"
	start := func(arn, name, input string) *startExecutionRequest {
		return &startExecutionRequest{StateMachineArn: str(arn), Name: name, Input: str(input)}
	}
	big := `"` + strings.Repeat("a", 256*1024) + `"`
	runValidateCases(t, []validateCase{
		{"start", start(machineArn, "x", `{"a":1}`), "", ""},
		{"start a version", start(machineArn+":1", "", ""), "", ""},
		{"start an alias", start(machineArn+":prod", "", ""), "", ""},
		{"start without a machine", &startExecutionRequest{}, "ValidationException", "at 'stateMachineArn'"},
		{"start an activity", start("arn:aws:states:us-east-1:123456789012:activity:a", "", ""), "InvalidArn", "activity:a"},
		{"start a name", start("m", "", ""), "InvalidArn", "Invalid Arn: 'm'"},
		{"start with input that is not JSON", start(machineArn, "", "{"), "InvalidExecutionInput", "not JSON"},
		{"start with input over 256 KiB", start(machineArn, "", big), "InvalidExecutionInput", "at most 262144"},
		{"start with a name of 81 characters", start(machineArn, strings.Repeat("a", 81), ""), "InvalidName", "Invalid Name"},
		{"start with a slash in the name", start(machineArn, "a/b", ""), "InvalidName", "'a/b'"},
		{"describe", &executionRequest{ExecutionArn: str(execution)}, "", ""},
		{"describe an Express execution", &executionRequest{ExecutionArn: str("arn:aws:states:us-east-1:123456789012:express:m:x:y")}, "", ""},
		{"describe without an ARN", &executionRequest{}, "ValidationException", "at 'executionArn'"},
		{"describe a machine", &executionRequest{ExecutionArn: str(machineArn)}, "InvalidArn", machineArn},
		{"stop", &stopExecutionRequest{executionRequest: executionRequest{ExecutionArn: str(execution)}, Error: "E"}, "", ""},
		{"stop without an ARN", &stopExecutionRequest{Cause: "c"}, "ValidationException", "at 'executionArn'"},
		{"history", &getExecutionHistoryRequest{executionRequest: executionRequest{ExecutionArn: str(execution)}, ReverseOrder: true}, "", ""},
		{"history of no ARN", &getExecutionHistoryRequest{executionRequest: executionRequest{ExecutionArn: str("x")}}, "InvalidArn", "Invalid Arn: 'x'"},
		{"list", &listExecutionsRequest{StateMachineArn: str(machineArn), StatusFilter: "PENDING_REDRIVE", RedriveFilter: "REDRIVEN"}, "", ""},
		{"list by alias", &listExecutionsRequest{StateMachineArn: str(machineArn + ":prod")}, "", ""},
		{"list without a machine", &listExecutionsRequest{}, "ValidationException", "Must provide a StateMachine ARN or MapRun ARN"},
		{"list by an unknown status", &listExecutionsRequest{StateMachineArn: str(machineArn), StatusFilter: "DONE"}, "ValidationException", "'DONE' at 'statusFilter'"},
		{"list by an unknown redrive filter", &listExecutionsRequest{StateMachineArn: str(machineArn), RedriveFilter: "SOMETIMES"}, "ValidationException", "[REDRIVEN, NOT_REDRIVEN]"},
		{"list by an execution ARN", &listExecutionsRequest{StateMachineArn: str(execution)}, "InvalidArn", execution},
	})
	q := start(machineArn, "", "")
	if q.validate(); *q.Input != "{}" {
		t.Errorf("an empty input became %q, want {}", *q.Input)
	}
}

func TestTaskTokenRequestsValidate(t *testing.T) {
	token := taskTokenRequest{TaskToken: str("t")}
	runValidateCases(t, []validateCase{
		{"heartbeat", &token, "", ""},
		{"heartbeat without a token", &taskTokenRequest{}, "ValidationException", "at 'taskToken'"},
		{"success", &sendTaskSuccessRequest{taskTokenRequest: token, Output: str("{}")}, "", ""},
		{"success without a token", &sendTaskSuccessRequest{Output: str("{}")}, "ValidationException", "at 'taskToken'"},
		{"success without an output", &sendTaskSuccessRequest{taskTokenRequest: token}, "ValidationException", "at 'output'"},
		{"failure without error or cause", &sendTaskFailureRequest{taskTokenRequest: token}, "", ""},
		{"failure without a token", &sendTaskFailureRequest{Error: "E"}, "ValidationException", "at 'taskToken'"},
	})
}
