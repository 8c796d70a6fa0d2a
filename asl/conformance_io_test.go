package asl

// The conformance suite: one test per rule of the States Language spec's
// sections, with the expected results of the specification's and the
// Step Functions developer guide's own examples where they give one.

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// execute parses def, runs it with input and the handlers, and returns the
// result and history.
func execute(t testing.TB, def, input string, reg *Registry) (Result, []Event) {
	t.Helper()
	sm, err := Parse([]byte(def))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if reg == nil {
		reg = &Registry{}
	}
	e := NewEngine(Options{Tasks: reg, Clock: NewVirtualClock(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))})
	res, hist, err := e.Run(context.Background(), sm, []byte(input))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res, hist
}

func jsonValue(t testing.TB, s string) any {
	t.Helper()
	v, err := decodeJSON([]byte(s))
	if err != nil {
		t.Fatalf("bad JSON in test: %v: %s", err, s)
	}
	return v
}

// expectOutput runs and compares the output with want (JSON).
func expectOutput(t *testing.T, def, input, want string, reg *Registry) {
	t.Helper()
	res, _ := execute(t, def, input, reg)
	if res.Status != StatusSucceeded {
		t.Fatalf("status %s: %s: %s", res.Status, res.Error, res.Cause)
	}
	if !reflect.DeepEqual(res.Output, jsonValue(t, want)) {
		t.Errorf("output %s\n  want %s", toJSON(res.Output), want)
	}
}

// expectError runs and checks the execution failed with errName (and a
// cause containing causePart).
func expectError(t *testing.T, def, input, errName, causePart string, reg *Registry) {
	t.Helper()
	res, _ := execute(t, def, input, reg)
	if res.Status != StatusFailed || res.Error != errName || !strings.Contains(res.Cause, causePart) {
		t.Errorf("got %s %s (%s); want FAILED %s containing %q", res.Status, res.Error, res.Cause, errName, causePart)
	}
}

// returns is a task handler giving a fixed JSON result.
func returns(result string) TaskHandler {
	return TaskFunc(func(context.Context, TaskRequest) (any, error) { return decodeJSON([]byte(result)) })
}

// echo is a task handler returning its input.
var echo = TaskFunc(func(_ context.Context, req TaskRequest) (any, error) { return req.Input, nil })

const fn = "arn:aws:lambda:us-east-1:123456789012:function:F"

func task(fields string) string {
	return `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + fn + `",` + fields + `"End":true}}}`
}

func TestInputOutputProcessing(t *testing.T) {
	// Developer guide, "Example: Manipulating state data with paths".
	guideInput := `{"comment":"An input comment.","data":{"val1":23,"val2":17},"extra":"foo","lambda":{"who":"AWS Step Functions"}}`
	tests := []struct {
		name, def, input, want string
		handler                TaskHandler
	}{
		{"InputPath, ResultPath and OutputPath (developer guide)",
			task(`"InputPath":"$.lambda","ResultPath":"$.data.lambdaresult","OutputPath":"$.data",`), guideInput,
			`{"val1":23,"val2":17,"lambdaresult":"Hello, AWS Step Functions!"}`,
			TaskFunc(func(_ context.Context, r TaskRequest) (any, error) {
				return "Hello, " + r.Input.(map[string]any)["who"].(string) + "!", nil
			})},
		{"ResultPath $ replaces the input with the result", task(`"ResultPath":"$",`), `{"a":1}`, `{"r":2}`, returns(`{"r":2}`)},
		{"ResultPath absent means $", task(``), `{"a":1}`, `{"r":2}`, returns(`{"r":2}`)},
		{"ResultPath null discards the result", task(`"ResultPath":null,`), `{"a":1}`, `{"a":1}`, returns(`{"r":2}`)},
		{"ResultPath adds nested fields it needs", task(`"ResultPath":"$.x.y.z",`), `{"a":1}`, `{"a":1,"x":{"y":{"z":true}}}`, returns(`true`)},
		{"ResultPath applies to the raw input, not InputPath's", task(`"InputPath":"$.sub","ResultPath":"$.out",`), `{"sub":{"n":1},"keep":true}`,
			`{"sub":{"n":1},"keep":true,"out":{"n":1}}`, echo},
		{"InputPath null gives {}", task(`"InputPath":null,`), `{"a":1}`, `{}`, echo},
		{"OutputPath null gives {}", task(`"OutputPath":null,`), `{"a":1}`, `{}`, echo},
		{"Parameters with static and path values", task(`"Parameters":{"static":"v","n.$":"$.a","nested":{"deep.$":"$.b.c"},"list":[1,"two"]},`),
			`{"a":5,"b":{"c":"x"}}`, `{"static":"v","n":5,"nested":{"deep":"x"},"list":[1,"two"]}`, echo},
		{"Parameters read the context object", task(`"Parameters":{"name.$":"$$.State.Name","input.$":"$$.Execution.Input.a"},`),
			`{"a":7}`, `{"name":"T","input":7}`, echo},
		{"Parameters with a wildcard path give an array", task(`"Parameters":{"ids.$":"$.items[*].id"},`),
			`{"items":[{"id":1},{"id":2}]}`, `{"ids":[1,2]}`, echo},
		{"Parameters with a filter", task(`"Parameters":{"big.$":"$.items[?(@.n > 1)].n"},`),
			`{"items":[{"n":1},{"n":2},{"n":3}]}`, `{"big":[2,3]}`, echo},
		{"ResultSelector shapes the result (developer guide)",
			task(`"ResultSelector":{"ClusterId.$":"$.output.ClusterId","ResourceType.$":"$.resourceType"},"ResultPath":"$.EMROutput",`),
			`{"cluster":"x"}`, `{"cluster":"x","EMROutput":{"ClusterId":"AKIAIOSFODNN7EXAMPLE","ResourceType":"elasticmapreduce"}}`,
			returns(`{"resourceType":"elasticmapreduce","resource":"createCluster.sync","output":{"SdkHttpMetadata":{"HttpStatusCode":200},"ClusterId":"AKIAIOSFODNN7EXAMPLE"}}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectOutput(t, tt.def, tt.input, tt.want, (&Registry{}).HandleState("T", tt.handler))
		})
	}
}

func TestPassState(t *testing.T) {
	// The specification's Pass example.
	expectOutput(t, `{"StartAt":"No-op","States":{"No-op":{"Type":"Pass","Result":{"x-datum":0.381018,"y-datum":622.2269926397355},"ResultPath":"$.coords","End":true}}}`,
		`{"georefOf":"Home"}`, `{"georefOf":"Home","coords":{"x-datum":0.381018,"y-datum":622.2269926397355}}`, nil)
	expectOutput(t, `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`, `{"a":[1,2]}`, `{"a":[1,2]}`, nil)
	expectOutput(t, `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"b.$":"$.a[1]"},"End":true}}}`, `{"a":[1,2]}`, `{"b":2}`, nil)
	expectOutput(t, `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"b.$":"$.a"},"ResultPath":"$.copy","OutputPath":"$.copy","End":true}}}`, `{"a":3}`, `{"b":3}`, nil)
}

func TestPathFaults(t *testing.T) {
	expectError(t, `{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.missing","End":true}}}`, `{"a":1}`, ErrRuntime, "$.missing", nil)
	expectError(t, task(`"Parameters":{"x.$":"$.nope"},`), `{}`, ErrRuntime, "$.nope", (&Registry{}).HandleState("T", echo))
	expectError(t, `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":1,"ResultPath":"$.a.b","End":true}}}`, `{"a":"text"}`, ErrResultPathMatchFailure, "$.a.b", nil)
	expectError(t, `{"StartAt":"P","States":{"P":{"Type":"Pass","OutputPath":"$.gone","End":true}}}`, `{}`, ErrRuntime, "OutputPath", nil)
}

func TestPayloadLimit(t *testing.T) {
	big := `{"blob":"` + strings.Repeat("x", MaxPayloadBytes) + `"}`
	expectError(t, task(``), `{}`, ErrDataLimitExceeded, "at most 262144", (&Registry{}).HandleState("T", returns(big)))
	// A catcher of States.ALL does not catch it: the limit is terminal.
	def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + fn + `","Catch":[{"ErrorEquals":["States.ALL"],"Next":"Handled"}],"End":true},"Handled":{"Type":"Succeed"}}}`
	expectError(t, def, `{}`, ErrDataLimitExceeded, "", (&Registry{}).HandleState("T", returns(big)))
	sm, _ := Parse([]byte(`{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`))
	if _, err := NewEngine(Options{}).Start(context.Background(), sm, []byte(big), ""); err == nil {
		t.Error("an oversized execution input was accepted")
	}
}

func TestVariables(t *testing.T) {
	// Assign is evaluated all at once, before the state's own output
	// processing, and variables are visible to later states.
	def := `{"StartAt":"A","States":{
	  "A":{"Type":"Pass","Result":{"n":1},"Assign":{"count.$":"$.n","label":"first"},"Next":"B"},
	  "B":{"Type":"Pass","Parameters":{"c.$":"$count","l.$":"$label","f.$":"States.Format('{}-{}', $label, $count)"},"End":true}}}`
	expectOutput(t, def, `{}`, `{"c":1,"l":"first","f":"first-1"}`, nil)

	// A branch reads outer variables; what it assigns stays inside it.
	scoped := `{"StartAt":"A","States":{
	  "A":{"Type":"Pass","Assign":{"x":"outer"},"Next":"P"},
	  "P":{"Type":"Parallel","Branches":[{"StartAt":"In","States":{"In":{"Type":"Pass","Assign":{"x":"inner"},"Next":"Read"},"Read":{"Type":"Pass","Parameters":{"x.$":"$x"},"End":true}}}],"ResultPath":"$.branch","Next":"After"},
	  "After":{"Type":"Pass","Parameters":{"x.$":"$x","branch.$":"$.branch[0].x"},"End":true}}}`
	expectOutput(t, scoped, `{}`, `{"x":"outer","branch":"inner"}`, nil)
	expectError(t, `{"StartAt":"B","States":{"B":{"Type":"Pass","Parameters":{"c.$":"$undefined"},"End":true}}}`, `{}`, ErrRuntime, "not defined", nil)
}

func TestJSONata(t *testing.T) {
	def := `{"QueryLanguage":"JSONata","StartAt":"T","States":{
	  "T":{"Type":"Task","Resource":"` + fn + `","Arguments":{"sum":"{% $states.input.a + $states.input.b %}","who":"{% $states.context.State.Name %}"},
	       "Assign":{"doubled":"{% $states.result.sum * 2 %}"},"Output":{"result":"{% $states.result %}","input":"{% $states.input.a %}"},"Next":"C"},
	  "C":{"Type":"Choice","Choices":[{"Condition":"{% $doubled > 5 %}","Next":"Big"}],"Default":"Small"},
	  "Big":{"Type":"Pass","Output":{"size":"big","doubled":"{% $doubled %}","r":"{% $states.input.result.sum %}","at":"{% $lowercase($states.context.State.Name) %}"},"End":true},
	  "Small":{"Type":"Pass","Output":"small","End":true}}}`
	expectOutput(t, def, `{"a":2,"b":3}`, `{"size":"big","doubled":10,"r":5,"at":"big"}`, (&Registry{}).HandleState("T", echo))

	// Task output defaults to the result; Pass output to the input.
	expectOutput(t, `{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task","Resource":"`+fn+`","End":true}}}`,
		`{"in":1}`, `{"out":2}`, (&Registry{}).HandleState("T", returns(`{"out":2}`)))
	// A JSONata error raises States.QueryEvaluationError.
	expectError(t, `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $number('x') %}","End":true}}}`, `{}`, ErrQueryEvaluationError, "", nil)
	// Step Functions' own functions: $hash digests as States.Hash does;
	// an unknown algorithm is a query error.
	expectOutput(t, `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":{"h":"{% $hash('input data', 'SHA-1') %}","p":"{% $partition([1,2,3], 2) %}"},"End":true}}}`,
		`{}`, `{"h":"aaff4a450a104cd177d28d18d74485e8cae074b7","p":[[1,2],[3]]}`, nil)
	expectError(t, `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $hash('x', 'CRC32') %}","End":true}}}`, `{}`, ErrQueryEvaluationError, "", nil)
	// A state may use JSONata in a JSONPath machine.
	expectOutput(t, `{"StartAt":"P","States":{"P":{"Type":"Pass","QueryLanguage":"JSONata","Output":{"n":"{% $count($states.input.list) %}"},"End":true}}}`,
		`{"list":[1,2,3]}`, `{"n":3}`, nil)
	// Catch in JSONata: $states.errorOutput and Assign.
	catch := `{"QueryLanguage":"JSONata","StartAt":"T","States":{
	  "T":{"Type":"Task","Resource":"` + fn + `","Catch":[{"ErrorEquals":["Oops"],"Output":{"why":"{% $states.errorOutput.Cause %}"},"Assign":{"failed":true},"Next":"H"}],"End":true},
	  "H":{"Type":"Pass","Output":{"why":"{% $states.input.why %}","failed":"{% $failed %}"},"End":true}}}`
	expectOutput(t, catch, `{}`, `{"why":"bad","failed":true}`, (&Registry{}).HandleState("T", TaskFunc(func(context.Context, TaskRequest) (any, error) {
		return nil, &Failure{Name: "Oops", Cause: "bad"}
	})))
}

func TestContextObject(t *testing.T) {
	res, _ := execute(t, `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"ctx.$":"$$"},"End":true}}}`, `{"k":"v"}`, nil)
	ctx := res.Output.(map[string]any)["ctx"].(map[string]any)
	exec := ctx["Execution"].(map[string]any)
	state := ctx["State"].(map[string]any)
	if !strings.Contains(exec["Id"].(string), ":execution:") || !reflect.DeepEqual(exec["Input"], map[string]any{"k": "v"}) ||
		state["Name"] != "P" || state["RetryCount"] != 0.0 || ctx["StateMachine"] == nil {
		t.Errorf("context = %s", toJSON(ctx))
	}
	if _, err := time.Parse(time.RFC3339Nano, state["EnteredTime"].(string)); err != nil {
		t.Errorf("EnteredTime %v: %v", state["EnteredTime"], err)
	}
}

func TestHistoryShape(t *testing.T) {
	_, hist := execute(t, task(`"ResultPath":"$.r",`), `{}`, (&Registry{}).HandleState("T", returns(`1`)))
	var types []string
	for i, e := range hist {
		types = append(types, e.Type)
		if e.ID != int64(i+1) || (i > 0 && e.PreviousEventID != int64(i)) {
			t.Errorf("event %d has id %d, previous %d", i, e.ID, e.PreviousEventID)
		}
	}
	want := []string{"ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited", "ExecutionSucceeded"}
	if !reflect.DeepEqual(types, want) {
		t.Errorf("history %v\n  want %v", types, want)
	}
	b, _ := json.Marshal(hist[1])
	if !strings.Contains(string(b), `"stateEnteredEventDetails":{"name":"T","input":"{}"`) {
		t.Errorf("TaskStateEntered = %s", b)
	}
	b, _ = json.Marshal(hist[len(hist)-1])
	if !strings.Contains(string(b), `"executionSucceededEventDetails":{"output":"{\"r\":1}"`) {
		t.Errorf("ExecutionSucceeded = %s", b)
	}
}
