package asl

import (
	"context"
	"fmt"
	"time"
)

// TestStateRequest is a request of Step Functions' TestState action, with
// the API's field names (AWS JSON 1.0), so a server can decode the body of
// the action into it. The fields are those of TestStateInput in the AWS
// SDK for Go v2 (service/sfn).
type TestStateRequest struct {
	// Definition is the state under test (a single state object) or, with
	// StateName, a whole state machine.
	Definition string `json:"definition"`
	// StateName names the state to test in a whole state machine. If
	// empty, Definition is one state.
	StateName string `json:"stateName,omitempty"`
	// Input is the state's input, JSON. If empty, {}.
	Input string `json:"input,omitempty"`
	// InspectionLevel is INFO (the default when empty), DEBUG or TRACE.
	InspectionLevel InspectionLevel `json:"inspectionLevel,omitempty"`
	// Variables is a JSON object of workflow variables visible to the
	// state, as if earlier states had assigned them.
	Variables string `json:"variables,omitempty"`
	// Mock stands in for the work of a Task, Map or Parallel state.
	Mock *TestStateMock `json:"mock,omitempty"`
	// Context is a JSON object laid over the state's context object ($$).
	// As in AWS, it is accepted only with a Mock.
	Context string `json:"context,omitempty"`
	// StateConfiguration sets the retry count, the Map's failed iterations
	// and item reader data, and the state an error is mocked in.
	StateConfiguration *TestStateConfiguration `json:"stateConfiguration,omitempty"`
	// RoleArn appears in $$.Execution.RoleArn; nothing checks permissions.
	// If empty, a placeholder in account 123456789012.
	RoleArn string `json:"roleArn,omitempty"`
	// RevealSecrets is accepted for compatibility. The engine sends no
	// HTTP request, so there is no connection secret to reveal.
	RevealSecrets bool `json:"revealSecrets,omitempty"`

	// Tasks runs a Task state that has no Mock (AWS would call the real
	// service). If nil, such a request is refused with ValidationException.
	Tasks Resolver `json:"-"`
}

// TestStateMock is the mock parameter of TestState: a result or an error.
type TestStateMock struct {
	// Result is the JSON the state's work returns: a Task's result, the
	// array of a Map's iterations or of a Parallel's branches.
	Result string `json:"result,omitempty"`
	// ErrorOutput is the error the state's work fails with.
	ErrorOutput *TestStateMockError `json:"errorOutput,omitempty"`
	// FieldValidationMode is STRICT (the default), PRESENT or NONE. The
	// engine holds no service API models, so every mode validates as NONE.
	FieldValidationMode string `json:"fieldValidationMode,omitempty"`
}

// TestStateMockError is a mocked error: its name and cause.
type TestStateMockError struct {
	Error string `json:"error"`
	Cause string `json:"cause,omitempty"`
}

// TestStateConfiguration is the stateConfiguration parameter of TestState.
type TestStateConfiguration struct {
	// RetrierRetryCount is how many retries have already happened, which
	// decides whether a matching retrier still retries. If nil, 0.
	RetrierRetryCount *int `json:"retrierRetryCount,omitempty"`
	// ErrorCausedByState names the state inside a Map or Parallel where a
	// mocked error happens.
	ErrorCausedByState string `json:"errorCausedByState,omitempty"`
	// MapIterationFailureCount is how many of a Map's iterations failed,
	// checked against its tolerated failure threshold.
	MapIterationFailureCount *int `json:"mapIterationFailureCount,omitempty"`
	// MapItemReaderData is what a Map's ItemReader reads: a JSON array.
	MapItemReaderData string `json:"mapItemReaderData,omitempty"`
}

// InspectionLevel is how much TestState reports.
type InspectionLevel string

// Inspection levels. INFO reports the status, output, next state and
// error; DEBUG adds inspectionData; TRACE adds an HTTP Task's request and
// response, which the engine does not send, so it reports what DEBUG does.
const (
	InspectionInfo  InspectionLevel = "INFO"
	InspectionDebug InspectionLevel = "DEBUG"
	InspectionTrace InspectionLevel = "TRACE"
)

// TestStatus is how the state under test ended.
type TestStatus string

// TestState statuses.
const (
	// TestSucceeded: the state produced its output.
	TestSucceeded TestStatus = "SUCCEEDED"
	// TestFailed: the state failed and no retrier or catcher handles it.
	TestFailed TestStatus = "FAILED"
	// TestRetriable: a retrier with attempts left matches the error.
	TestRetriable TestStatus = "RETRIABLE"
	// TestCaughtError: a catcher handles the error; NextState is its Next.
	TestCaughtError TestStatus = "CAUGHT_ERROR"
)

// TestStateResponse is TestState's response, with the API's field names.
type TestStateResponse struct {
	// Output is the state's output (JSON), also a caught error's.
	Output string `json:"output,omitempty"`
	// Error and Cause are set unless the status is SUCCEEDED.
	Error string `json:"error,omitempty"`
	Cause string `json:"cause,omitempty"`
	// InspectionData is nil at level INFO.
	InspectionData *InspectionData `json:"inspectionData,omitempty"`
	// NextState is empty for a terminal state and a failure.
	NextState string     `json:"nextState,omitempty"`
	Status    TestStatus `json:"status"`
}

// InspectionData is the data of each processing step of the state, as
// JSON text. Steps that do not apply (a JSONPath field of a JSONata state,
// a Map field of a Task) are empty.
type InspectionData struct {
	Input                      string                  `json:"input,omitempty"`
	AfterInputPath             string                  `json:"afterInputPath,omitempty"`
	AfterParameters            string                  `json:"afterParameters,omitempty"`
	AfterArguments             string                  `json:"afterArguments,omitempty"`
	AfterItemsPath             string                  `json:"afterItemsPath,omitempty"`
	AfterItemSelector          string                  `json:"afterItemSelector,omitempty"`
	Result                     string                  `json:"result,omitempty"`
	AfterResultSelector        string                  `json:"afterResultSelector,omitempty"`
	AfterResultPath            string                  `json:"afterResultPath,omitempty"`
	MaxConcurrency             *int                    `json:"maxConcurrency,omitempty"`
	ToleratedFailureCount      *int                    `json:"toleratedFailureCount,omitempty"`
	ToleratedFailurePercentage *float64                `json:"toleratedFailurePercentage,omitempty"`
	ErrorDetails               *InspectionErrorDetails `json:"errorDetails,omitempty"`
	// Variables is every workflow variable after the state, those of the
	// request included; empty when there are none.
	Variables string `json:"variables,omitempty"`
}

// InspectionErrorDetails says which retrier or catcher handled an error.
type InspectionErrorDetails struct {
	CatchIndex                  *int `json:"catchIndex,omitempty"`
	RetryIndex                  *int `json:"retryIndex,omitempty"`
	RetryBackoffIntervalSeconds *int `json:"retryBackoffIntervalSeconds,omitempty"`
}

// Codes of TestState's errors, as the API returns them.
const (
	CodeValidationException = "ValidationException"
	CodeInvalidDefinition   = "InvalidDefinition"
)

// testStateName is the state's name in $$.State.Name when the definition
// is a single state, as AWS reports it.
const testStateName = "StateName"

// TestState runs one state once, as Step Functions' TestState action does:
// the state's input and output processing on req.Input, a Task's, Map's or
// Parallel's work replaced by req.Mock, and, when the work fails, the
// decision the state's Retry and Catch make (RETRIABLE, CAUGHT_ERROR with
// the catcher's next state and output, or FAILED). Time is virtual: a Wait
// state returns at once.
//
// A request the API would refuse returns an *APIError with Code
// ValidationException, or InvalidDefinition for a definition Step
// Functions rejects; a state that fails is a response with status FAILED,
// not an error.
func TestState(ctx context.Context, req *TestStateRequest) (*TestStateResponse, error) {
	t, err := newStateTest(req)
	if err != nil {
		return nil, err
	}
	return t.run(ctx)
}

// invalid is a ValidationException.
func invalid(format string, args ...any) error {
	return &APIError{Code: CodeValidationException, Message: fmt.Sprintf(format, args...)}
}

// level checks the inspection level.
func (req *TestStateRequest) level() (InspectionLevel, error) {
	switch req.InspectionLevel {
	case "":
		return InspectionInfo, nil
	case InspectionInfo, InspectionDebug, InspectionTrace:
		return req.InspectionLevel, nil
	}
	return "", invalid("inspectionLevel is %q; use INFO, DEBUG or TRACE", req.InspectionLevel)
}

// jsonParam decodes a JSON parameter of the request; def when empty.
func jsonParam(name, text string, def any) (any, error) {
	if text == "" {
		return def, nil
	}
	if len(text) > MaxPayloadBytes {
		return nil, invalid("%s is %d bytes; Step Functions accepts at most %d", name, len(text), MaxPayloadBytes)
	}
	v, err := decodeJSON([]byte(text))
	if err != nil {
		return nil, invalid("%s is not JSON: %v", name, err)
	}
	return v, nil
}

// objectParam decodes a JSON parameter that must be an object.
func objectParam(name, text string) (map[string]any, error) {
	v, err := jsonParam(name, text, nil)
	if err != nil || v == nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, invalid("%s must be a JSON object, not %s", name, truncateJSON(v, 80))
	}
	return m, nil
}

// durationSeconds is a retry's backoff in whole seconds, as the API reports it.
func durationSeconds(d time.Duration) int { return int(d / time.Second) }
