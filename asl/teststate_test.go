package asl

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
)

// ptr is a pointer to v, for the optional fields of a response.
func ptr[T any](v T) *T { return &v }

// TestTestStateByStateType runs one state of each type through TestState
// at DEBUG and compares the whole response. The expected inspection data
// follow the responses AWS records for the same states (the developer
// guide's "Using inspection levels in TestState API").
func TestTestStateByStateType(t *testing.T) {
	cases := []struct {
		name string
		req  TestStateRequest
		want TestStateResponse
	}{{
		name: "Pass with InputPath, Parameters and ResultPath",
		req: TestStateRequest{
			Definition: `{"Type":"Pass","InputPath":"$.initialData","Parameters":{"staticValue":"some value","inputValue.$":"$.fieldFromInput"},"ResultPath":"$.modifiedData","Next":"After"}`,
			Input:      `{"initialData":{"fieldFromInput":"value from input","otherField":"other"},"unrelatedData":{"someOtherField":1234}}`,
		},
		want: TestStateResponse{
			Status:    TestSucceeded,
			NextState: "After",
			Output:    `{"initialData":{"fieldFromInput":"value from input","otherField":"other"},"modifiedData":{"inputValue":"value from input","staticValue":"some value"},"unrelatedData":{"someOtherField":1234}}`,
			InspectionData: &InspectionData{
				Input:               `{"initialData":{"fieldFromInput":"value from input","otherField":"other"},"unrelatedData":{"someOtherField":1234}}`,
				AfterInputPath:      `{"fieldFromInput":"value from input","otherField":"other"}`,
				AfterParameters:     `{"inputValue":"value from input","staticValue":"some value"}`,
				AfterResultSelector: `{"inputValue":"value from input","staticValue":"some value"}`,
				AfterResultPath:     `{"initialData":{"fieldFromInput":"value from input","otherField":"other"},"modifiedData":{"inputValue":"value from input","staticValue":"some value"},"unrelatedData":{"someOtherField":1234}}`,
			},
		},
	}, {
		name: "Pass with Result reports the result, not InputPath or Parameters",
		req:  TestStateRequest{Definition: `{"Type":"Pass","Result":{"resultKey":"result value"},"End":true}`, Input: `{"Value":"HelloWorld"}`},
		want: TestStateResponse{
			Status: TestSucceeded,
			Output: `{"resultKey":"result value"}`,
			InspectionData: &InspectionData{
				Input:               `{"Value":"HelloWorld"}`,
				Result:              `{"resultKey":"result value"}`,
				AfterResultSelector: `{"resultKey":"result value"}`,
				AfterResultPath:     `{"resultKey":"result value"}`,
			},
		},
	}, {
		name: "Task with a mocked result, ResultSelector, ResultPath and OutputPath",
		req: TestStateRequest{
			Definition: `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","InputPath":"$.order","Parameters":{"FunctionName":"charge","Payload.$":"$"},"ResultSelector":{"charged.$":"$.Payload.amount"},"ResultPath":"$.payment","OutputPath":"$.payment","Next":"Ship"}`,
			Input:      `{"order":{"id":"o-1"}}`,
			Mock:       &TestStateMock{Result: `{"StatusCode":200,"Payload":{"amount":42}}`},
		},
		want: TestStateResponse{
			Status:    TestSucceeded,
			NextState: "Ship",
			Output:    `{"charged":42}`,
			InspectionData: &InspectionData{
				Input:               `{"order":{"id":"o-1"}}`,
				AfterInputPath:      `{"id":"o-1"}`,
				AfterParameters:     `{"FunctionName":"charge","Payload":{"id":"o-1"}}`,
				Result:              `{"Payload":{"amount":42},"StatusCode":200}`,
				AfterResultSelector: `{"charged":42}`,
				AfterResultPath:     `{"order":{"id":"o-1"},"payment":{"charged":42}}`,
			},
		},
	}, {
		name: "Task with a mocked error and a Catch: CAUGHT_ERROR to the catcher's Next",
		req: TestStateRequest{
			Definition: `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"charge"},"Catch":[{"ErrorEquals":["Other"],"Next":"Nope"},{"ErrorEquals":["PaymentDeclined"],"ResultPath":"$.error","Next":"Refund"}],"Next":"Ship"}`,
			Input:      `{"id":1}`,
			Mock:       &TestStateMock{ErrorOutput: &TestStateMockError{Error: "PaymentDeclined", Cause: "card expired"}},
		},
		want: TestStateResponse{
			Status: TestCaughtError, NextState: "Refund", Error: "PaymentDeclined", Cause: "card expired",
			Output: `{"error":{"Cause":"card expired","Error":"PaymentDeclined"},"id":1}`,
			InspectionData: &InspectionData{
				Input: `{"id":1}`, AfterInputPath: `{"id":1}`, AfterParameters: `{"FunctionName":"charge"}`,
				ErrorDetails: &InspectionErrorDetails{CatchIndex: ptr(1)},
			},
		},
	}, {
		name: "Task with a mocked error and a Retry with attempts left: RETRIABLE with the backoff",
		req: TestStateRequest{
			Definition:         `{"QueryLanguage":"JSONata","Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"FunctionName":"foo","Payload":"bar"},"Retry":[{"ErrorEquals":["MockException"],"IntervalSeconds":1,"MaxAttempts":5,"BackoffRate":2.0}],"End":true}`,
			Input:              `{"Values":["first","second","third"]}`,
			Mock:               &TestStateMock{ErrorOutput: &TestStateMockError{Error: "MockException", Cause: "Mock the cause of the error."}},
			StateConfiguration: &TestStateConfiguration{RetrierRetryCount: ptr(4)},
		},
		want: TestStateResponse{
			Status: TestRetriable, Error: "MockException", Cause: "Mock the cause of the error.",
			InspectionData: &InspectionData{
				Input: `{"Values":["first","second","third"]}`, AfterArguments: `{"FunctionName":"foo","Payload":"bar"}`,
				ErrorDetails: &InspectionErrorDetails{RetryIndex: ptr(0), RetryBackoffIntervalSeconds: ptr(16)},
			},
		},
	}, {
		name: "Task whose retrier is spent and nothing catches: FAILED",
		req: TestStateRequest{
			Definition:         `{"QueryLanguage":"JSONata","Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"FunctionName":"foo","Payload":"bar"},"Retry":[{"ErrorEquals":["MockException"],"IntervalSeconds":1,"MaxAttempts":5,"BackoffRate":2.0}],"End":true}`,
			Input:              `{"Values":["first","second","third"]}`,
			Mock:               &TestStateMock{ErrorOutput: &TestStateMockError{Error: "MockException", Cause: "Mock the cause of the error."}},
			StateConfiguration: &TestStateConfiguration{RetrierRetryCount: ptr(5)},
		},
		want: TestStateResponse{
			Status: TestFailed, Error: "MockException", Cause: "Mock the cause of the error.",
			InspectionData: &InspectionData{
				Input: `{"Values":["first","second","third"]}`, AfterArguments: `{"FunctionName":"foo","Payload":"bar"}`,
				ErrorDetails: &InspectionErrorDetails{RetryIndex: ptr(0)},
			},
		},
	}, {
		name: "Choice reports the next state",
		req: TestStateRequest{
			Definition: `{"Type":"Choice","Choices":[{"Variable":"$.value","NumericGreaterThanEquals":20,"Next":"ValueInTwenties"}],"Default":"Other"}`,
			Input:      `{"type":"Private","value":22}`,
		},
		want: TestStateResponse{
			Status: TestSucceeded, NextState: "ValueInTwenties", Output: `{"type":"Private","value":22}`,
			InspectionData: &InspectionData{Input: `{"type":"Private","value":22}`, AfterInputPath: `{"type":"Private","value":22}`},
		},
	}, {
		name: "Fail reports its error and cause",
		req:  TestStateRequest{Definition: `{"Type":"Fail","Error":"SomeFailure","Cause":"This state raises 'SomeFailure'."}`, Input: `{"Value":"HelloWorld"}`},
		want: TestStateResponse{
			Status: TestFailed, Error: "SomeFailure", Cause: "This state raises 'SomeFailure'.",
			InspectionData: &InspectionData{Input: `{"Value":"HelloWorld"}`, AfterInputPath: `{"Value":"HelloWorld"}`},
		},
	}, {
		name: "Wait passes on virtual time",
		req:  TestStateRequest{Definition: `{"Type":"Wait","Seconds":86400,"InputPath":"$.a","Next":"Later"}`, Input: `{"a":{"b":1}}`},
		want: TestStateResponse{
			Status: TestSucceeded, NextState: "Later", Output: `{"b":1}`,
			InspectionData: &InspectionData{Input: `{"a":{"b":1}}`, AfterInputPath: `{"b":1}`},
		},
	}, {
		name: "Succeed has no next state",
		req:  TestStateRequest{Definition: `{"Type":"Succeed","OutputPath":"$.Value"}`, Input: `{"Value":"HelloWorld"}`},
		want: TestStateResponse{
			Status: TestSucceeded, Output: `"HelloWorld"`,
			InspectionData: &InspectionData{Input: `{"Value":"HelloWorld"}`, AfterInputPath: `{"Value":"HelloWorld"}`},
		},
	}, {
		name: "JSONata Task with Arguments, Output, Assign and request variables",
		req: TestStateRequest{
			Definition: `{"QueryLanguage":"JSONata","Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"FunctionName":"f","Payload":{"n":"{% $states.input.n * $factor %}"}},"Assign":{"last":"{% $states.result.Payload %}"},"Output":{"sum":"{% $states.result.Payload + 1 %}"},"Next":"Done"}`,
			Input:      `{"n":3}`,
			Variables:  `{"factor":2}`,
			Mock:       &TestStateMock{Result: `{"Payload":6}`},
		},
		want: TestStateResponse{
			Status: TestSucceeded, NextState: "Done", Output: `{"sum":7}`,
			InspectionData: &InspectionData{
				Input: `{"n":3}`, AfterArguments: `{"FunctionName":"f","Payload":{"n":6}}`, Result: `{"Payload":6}`,
				Variables: `{"factor":2,"last":6}`,
			},
		},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.req.InspectionLevel = InspectionDebug
			got, err := TestState(context.Background(), &c.req)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, c.want) {
				t.Errorf("got  %s\nwant %s", mustJSON(t, got), mustJSON(t, c.want))
			}
		})
	}
}

func mustJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
