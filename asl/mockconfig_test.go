package asl

import (
	"context"
	"strings"
	"testing"
)

const mockFile = `{
  "StateMachines": {
    "Orders": {
      "TestCases": {
        "RetryThenPay": {"Pay": "FlakyPay", "Approve": "Approved"},
        "Declined": {"Approve": "Approved", "Pay": "Declined"}
      }
    }
  },
  "MockedResponses": {
    "FlakyPay": {"0-1": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "hiccup"}}, "2": {"Return": {"paid": true}}},
    "Declined": {"0": {"Throw": {"Error": "PaymentDeclined", "Cause": "card"}}},
    "Approved": {"0": {"Return": {"approved": true}}}
  }
}`

const mockedMachine = `{"StartAt":"Approve","States":{
  "Approve":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"t.$":"$$.Task.Token"},"ResultPath":"$.approval","Next":"Pay"},
  "Pay":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:Pay","Retry":[{"ErrorEquals":["Lambda.ServiceException"],"MaxAttempts":3}],"ResultPath":"$.payment","End":true}}}`

func runMocked(t *testing.T, testCase string) (Result, []Event) {
	t.Helper()
	cfg, err := ParseMockConfig([]byte(mockFile))
	if err != nil {
		t.Fatal(err)
	}
	mocks, err := cfg.TestCase("", testCase)
	if err != nil {
		t.Fatal(err)
	}
	sm, _ := Parse([]byte(mockedMachine))
	approve := (&Registry{}).HandleState("Approve", returns(`{"approved":"by a handler"}`))
	res, hist, err := NewEngine(Options{Tasks: mocks.Fallback(approve)}).Run(context.Background(), sm, []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	return res, hist
}

func TestMockConfigRangesAndCallbacks(t *testing.T) {
	res, hist := runMocked(t, "RetryThenPay")
	want := `{"approval":{"approved":true},"payment":{"paid":true}}`
	if res.Status != StatusSucceeded || toJSON(res.Output) != want {
		t.Fatalf("%+v", res)
	}
	failures := 0
	for _, e := range hist {
		if e.Type == "LambdaFunctionFailed" {
			failures++
		}
	}
	if failures != 2 {
		t.Errorf("%d failed attempts, want the two mocked throws", failures)
	}
	res, _ = runMocked(t, "Declined")
	if res.Error != "PaymentDeclined" {
		t.Errorf("%+v", res)
	}
}

func TestMockConfigErrors(t *testing.T) {
	bad := map[string]string{
		`{}`: "StateMachines is empty",
		`{"StateMachines":{"M":{"TestCases":{"C":{"S":"Missing"}}}},"MockedResponses":{}}`:                       `names the mocked response "Missing"`,
		`{"StateMachines":{"M":{"TestCases":{}}},"MockedResponses":{"R":{"x":{"Return":1}}}}`:                    `"x" is not an invocation number`,
		`{"StateMachines":{"M":{"TestCases":{}}},"MockedResponses":{"R":{"0":{}}}}`:                              "needs Return or Throw",
		`{"StateMachines":{"M":{"TestCases":{}}},"MockedResponses":{"R":{"0-2":{"Return":1},"1":{"Return":2}}}}`: "overlap",
		`{"StateMachines":{"M":{"TestCases":{}}},"Extra":1}`:                                                     "unknown field",
	}
	for file, want := range bad {
		if _, err := ParseMockConfig([]byte(file)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", file, err, want)
		}
	}
	cfg, _ := ParseMockConfig([]byte(mockFile))
	if _, err := cfg.TestCase("Orders", "Nope"); err == nil || !strings.Contains(err.Error(), "Declined, RetryThenPay") {
		t.Errorf("unknown test case: %v", err)
	}
	if _, err := cfg.TestCase("Other", "Declined"); err == nil {
		t.Error("unknown state machine accepted")
	}
}
