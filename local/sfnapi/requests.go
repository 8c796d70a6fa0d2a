package sfnapi

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/sfnkit/sfnkit/asl"
)

// The typed requests of the state machine, execution and task token
// operations. Each validate method is the one place that operation's
// fields are checked, with AWS's error codes and messages; the handlers
// only look things up.

// pageRequest is the pagination of every List operation. If MaxResults
// is zero, a page holds 100 items; NextToken is the token of the previous
// page, empty for the first.
type pageRequest struct {
	MaxResults int    `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

// validate checks maxResults: 0 to 1000, as AWS allows.
func (p *pageRequest) validate() error {
	if p.MaxResults < 0 || p.MaxResults > 1000 {
		return fail("ValidationException", "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000", p.MaxResults)
	}
	return nil
}

// page is the span of a list of total items this request asks for, and
// the token of the next page (empty on the last). It checks maxResults
// itself: the handlers call it after their lookups, and an unknown
// resource is reported before a bad page size. A token is the offset
// of the next page, which a client must not make up: one that is not
// (or no longer fits the list) is InvalidToken.
func (p *pageRequest) page(total int) (span, string, error) {
	if err := p.validate(); err != nil {
		return span{}, "", err
	}
	max := p.MaxResults
	if max == 0 {
		max = 100
	}
	from := 0
	if p.NextToken != "" {
		raw, err := base64.RawURLEncoding.DecodeString(p.NextToken)
		n, err2 := strconv.Atoi(strings.TrimPrefix(string(raw), "offset:"))
		if err != nil || err2 != nil || !strings.HasPrefix(string(raw), "offset:") || n < 0 || n > total {
			return span{}, "", fail("InvalidToken", "Invalid Token: '%s'", p.NextToken)
		}
		from = n
	}
	to := min(from+max, total)
	next := ""
	if to < total {
		next = base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(to)))
	}
	return span{from, to}, next, nil
}

// createStateMachineRequest is CreateStateMachine's request; its tags
// are read by createTags. If Type is empty, the machine is STANDARD.
type createStateMachineRequest struct {
	Name       *string `json:"name"`
	Definition *string `json:"definition"`
	RoleArn    *string `json:"roleArn"`
	Type       string  `json:"type"`
	// Publish publishes the new machine as version 1 at once, described
	// by VersionDescription.
	Publish            bool    `json:"publish"`
	VersionDescription *string `json:"versionDescription"`
}

// validate checks the request as AWS does and fills in the type.
func (q *createStateMachineRequest) validate() error {
	switch {
	case q.Name == nil:
		return missing("name")
	case q.Definition == nil:
		return missing("definition")
	case q.RoleArn == nil:
		return missing("roleArn")
	}
	if q.Type == "" {
		q.Type = "STANDARD"
	}
	if q.VersionDescription != nil && !q.Publish {
		return fail("ValidationException", "Version description can only be set when publish is true")
	}
	if q.VersionDescription != nil && len(*q.VersionDescription) > 256 {
		return tooLong("versionDescription", *q.VersionDescription, 256)
	}
	if !namePattern.MatchString(*q.Name) {
		return fail("InvalidName", "Invalid Name: '%s'", *q.Name)
	}
	if !arnPattern.MatchString(*q.RoleArn) {
		return fail("InvalidArn", "Invalid Arn: '%s'", *q.RoleArn)
	}
	if q.Type != "STANDARD" && q.Type != "EXPRESS" {
		return fail("ValidationException", "1 validation error detected: Value '%s' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]", q.Type)
	}
	return nil
}

// stateMachineRequest is the request of the operations that name one
// state machine: DescribeStateMachine and DeleteStateMachine.
type stateMachineRequest struct {
	StateMachineArn *string `json:"stateMachineArn"`
}

// validate checks that the ARN is there and is a state machine's.
func (q *stateMachineRequest) validate() error {
	if q.StateMachineArn == nil {
		return missing("stateMachineArn")
	}
	return validateMachineArn(*q.StateMachineArn)
}

// validateMachineArn checks that arn is a state machine's ARN (of any
// revision: version and alias ARNs pass too).
func validateMachineArn(arn string) error {
	if !arnPattern.MatchString(arn) || !strings.Contains(arn, ":stateMachine:") {
		return fail("InvalidArn", "Invalid Arn: '%s'", arn)
	}
	return nil
}

// listStateMachinesRequest is ListStateMachines' request.
type listStateMachinesRequest struct {
	pageRequest
}

// createStateMachineResponse is CreateStateMachine's answer.
type createStateMachineResponse struct {
	StateMachineArn        string  `json:"stateMachineArn"`
	CreationDate           float64 `json:"creationDate"`
	StateMachineVersionArn string  `json:"stateMachineVersionArn,omitempty"`
}

// stateMachineListItem is a machine as ListStateMachines lists it.
type stateMachineListItem struct {
	StateMachineArn string  `json:"stateMachineArn"`
	Name            string  `json:"name"`
	Type            string  `json:"type"`
	CreationDate    float64 `json:"creationDate"`
}

// listStateMachinesResponse is ListStateMachines' answer.
type listStateMachinesResponse struct {
	StateMachines []stateMachineListItem `json:"stateMachines"`
	NextToken     string                 `json:"nextToken,omitempty"`
}

// startExecutionRequest is the request of StartExecution and
// StartSyncExecution. If Name is empty, the engine names the execution;
// if Input is absent or empty, the input is {}.
type startExecutionRequest struct {
	StateMachineArn *string `json:"stateMachineArn"`
	Name            string  `json:"name"`
	Input           *string `json:"input"`
}

// validate checks the request as AWS does and fills in the input.
func (q *startExecutionRequest) validate() error {
	if q.StateMachineArn == nil {
		return missing("stateMachineArn")
	}
	if _, _, err := qualified(*q.StateMachineArn); err != nil {
		return err
	}
	if q.Input == nil || *q.Input == "" {
		q.Input = str("{}")
	}
	if n := len(*q.Input); n > asl.MaxPayloadBytes {
		return fail("InvalidExecutionInput", "Invalid execution input: the input is %d bytes; at most %d are allowed", n, asl.MaxPayloadBytes)
	}
	if !json.Valid([]byte(*q.Input)) {
		return fail("InvalidExecutionInput", "Invalid State Machine Execution Input: 'the input is not JSON'")
	}
	if q.Name != "" && !namePattern.MatchString(q.Name) {
		return fail("InvalidName", "Invalid Name: '%s'", q.Name)
	}
	return nil
}

// str is a pointer to s, for the optional fields of requests.
func str(s string) *string { return &s }

// executionRequest is the request of the operations that name one
// execution: DescribeExecution, and the base of StopExecution's and
// GetExecutionHistory's.
type executionRequest struct {
	ExecutionArn *string `json:"executionArn"`
}

// validate checks that the ARN is there and is an execution's (Standard
// or Express).
func (q *executionRequest) validate() error {
	if q.ExecutionArn == nil {
		return missing("executionArn")
	}
	arn := *q.ExecutionArn
	if !arnPattern.MatchString(arn) || !strings.Contains(arn, ":execution:") && !strings.Contains(arn, ":express:") {
		return fail("InvalidArn", "Invalid Arn: '%s'", arn)
	}
	return nil
}

// stopExecutionRequest is StopExecution's request; Error and Cause may
// be empty.
type stopExecutionRequest struct {
	executionRequest
	Error string `json:"error"`
	Cause string `json:"cause"`
}

// getExecutionHistoryRequest is GetExecutionHistory's request. If
// ReverseOrder is false, the oldest event comes first.
type getExecutionHistoryRequest struct {
	executionRequest
	pageRequest
	ReverseOrder bool `json:"reverseOrder"`
}

// validate checks the ARN; page checks the page after the lookup.
func (q *getExecutionHistoryRequest) validate() error {
	return q.executionRequest.validate()
}

// statuses are the values of ListExecutions' statusFilter.
var statuses = map[string]bool{"RUNNING": true, "SUCCEEDED": true, "FAILED": true, "TIMED_OUT": true, "ABORTED": true, "PENDING_REDRIVE": true}

// listExecutionsRequest is ListExecutions' request by stateMachineArn
// (an unqualified, version or alias ARN); a request by mapRunArn is
// listMapRunExecutions'. Empty filters match every execution.
type listExecutionsRequest struct {
	StateMachineArn *string `json:"stateMachineArn"`
	MapRunArn       *string `json:"mapRunArn"`
	StatusFilter    string  `json:"statusFilter"`
	RedriveFilter   string  `json:"redriveFilter"`
	pageRequest
}

// validate checks the request as AWS does; page checks the page after
// the lookup.
func (q *listExecutionsRequest) validate() error {
	if q.StateMachineArn == nil {
		return fail("ValidationException", "Must provide a StateMachine ARN or MapRun ARN")
	}
	if _, err := redriveMatcher(q.RedriveFilter); err != nil {
		return err
	}
	if _, _, err := qualified(*q.StateMachineArn); err != nil {
		return err
	}
	if q.StatusFilter != "" && !statuses[q.StatusFilter] {
		return fail("ValidationException", "1 validation error detected: Value '%s' at 'statusFilter' failed to satisfy constraint", q.StatusFilter)
	}
	return nil
}

// startExecutionResponse is StartExecution's answer.
type startExecutionResponse struct {
	ExecutionArn string  `json:"executionArn"`
	StartDate    float64 `json:"startDate"`
}

// stopExecutionResponse is StopExecution's answer.
type stopExecutionResponse struct {
	StopDate float64 `json:"stopDate"`
}

// getExecutionHistoryResponse is GetExecutionHistory's answer.
type getExecutionHistoryResponse struct {
	Events    []map[string]any `json:"events"`
	NextToken string           `json:"nextToken,omitempty"`
}

// taskTokenRequest is SendTaskHeartbeat's request, and the base of
// SendTaskSuccess's and SendTaskFailure's.
type taskTokenRequest struct {
	TaskToken *string `json:"taskToken"`
}

// validate checks that the token is there; which engine knows it is
// eachEngine's to find.
func (q *taskTokenRequest) validate() error {
	if q.TaskToken == nil {
		return missing("taskToken")
	}
	return nil
}

// sendTaskSuccessRequest is SendTaskSuccess's request.
type sendTaskSuccessRequest struct {
	taskTokenRequest
	Output *string `json:"output"`
}

// validate checks that the token and the output are there.
func (q *sendTaskSuccessRequest) validate() error {
	if err := q.taskTokenRequest.validate(); err != nil {
		return err
	}
	if q.Output == nil {
		return missing("output")
	}
	return nil
}

// sendTaskFailureRequest is SendTaskFailure's request; Error and Cause
// may be empty.
type sendTaskFailureRequest struct {
	taskTokenRequest
	Error string `json:"error"`
	Cause string `json:"cause"`
}
