package asl

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// The JSONata functions Step Functions adds, with the developer guide's
// examples ("Transforming data with JSONata in Step Functions", section
// "JSONata functions provided by Step Functions") and their errors, and
// the reserved variable $states.

// jsonataPass is a JSONata machine whose one Pass state outputs
// {"v": expr}.
func jsonataPass(expr string) string {
	return `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":{"v":"{% ` + strings.ReplaceAll(expr, `"`, `\"`) + ` %}"},"End":true}}}`
}

func TestStepFunctionsJSONataFunctions(t *testing.T) {
	tests := []struct {
		name, expr, input, want string
	}{
		// "$partition([1,2,3,4], $states.input.chunkSize)": the last chunk
		// may be shorter.
		{"partition", `$partition([1,2,3,4], $states.input.chunkSize)`, `{"chunkSize":3}`, `[[1,2,3],[4]]`},
		{"partition of an empty array", `$partition([], 2)`, `{}`, `[]`},
		// "Built-in JSONata functions that require integer values as
		// parameters will automatically round down any non-integer numbers".
		{"partition rounds the chunk size down", `$partition([1,2,3,4,5], 2.9)`, `{}`, `[[1,2],[3,4],[5]]`},
		// "$range(0, 10, 2)"; the delta "can be positive or negative".
		{"range", `$range(0, 10, 2)`, `{}`, `[0,2,4,6,8,10]`},
		{"range downwards", `$range(10, 0, -3)`, `{}`, `[10,7,4,1]`},
		{"range rounds down", `$range(0.5, 4.9, 1.7)`, `{}`, `[0,1,2,3,4]`},
		// "The hashing algorithm must be one of the following values:
		// "MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"".
		{"hash MD5", `$hash('input data', 'MD5')`, `{}`, `"812f45842bc6d66ee14572ce20db8e86"`},
		{"hash SHA-1", `$hash($states.input.content, 'SHA-1')`, `{"content":"input data"}`, `"aaff4a450a104cd177d28d18d74485e8cae074b7"`},
		{"hash SHA-256", `$hash('input data', 'SHA-256')`, `{}`, `"b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3"`},
		{"hash SHA-384", `$hash('input data', 'SHA-384')`, `{}`, `"d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562"`},
		{"hash SHA-512", `$hash('input data', 'SHA-512')`, `{}`, `"6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4"`},
		// "$parse($states.input.json_string)".
		{"parse an object", `$parse($states.input.json_string)`, `{"json_string":"{\"a\":[1,null]}"}`, `{"a":[1,null]}`},
		{"parse a number", `$parse('42')`, `{}`, `42`},
		// The same seed gives the same number, whatever the seed's form.
		{"random seeded", `$random(7) = $random(7) and $random(7) = $random(7.9)`, `{}`, `true`},
		{"random seeds differ", `$random(7) != $random(8)`, `{}`, `true`},
		{"random in [0,1)", `$random() >= 0 and $random() < 1 and $random(-3) >= 0 and $random(-3) < 1`, `{}`, `true`},
		// JSONata 2.0.6 built-ins work beside them.
		{"built-ins", `$sum($map($range(1, 3, 1), function($v) { $v * 2 }))`, `{}`, `12`},
		{"a null in the input stays null", `{'x': $states.input.x, 'exists': $exists($states.input.x)}`, `{"x":null}`, `{"x":null,"exists":true}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectOutput(t, jsonataPass(tt.expr), tt.input, `{"v":`+tt.want+`}`, nil)
		})
	}
}

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestJSONataRandomAndUUID checks what varies: $uuid() is a v4 UUID, new
// at each call; $random() without a seed varies; $random(seed) is the
// same number in every execution, whatever the engine's Seed.
func TestJSONataRandomAndUUID(t *testing.T) {
	def := `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":{"u1":"{% $uuid() %}","u2":"{% $uuid() %}","r1":"{% $random() %}","r2":"{% $random() %}","s":"{% $random(42) %}"},"End":true}}}`
	sm, err := Parse([]byte(def))
	if err != nil {
		t.Fatal(err)
	}
	var seeded []any
	for _, seed := range []int64{1, 2} {
		res, _, err := NewEngine(Options{Seed: seed}).Run(context.Background(), sm, []byte(`{}`))
		if err != nil || res.Status != StatusSucceeded {
			t.Fatalf("seed %d: %v %v", seed, err, res)
		}
		out := res.Output.(map[string]any)
		u1, u2 := out["u1"].(string), out["u2"].(string)
		if !uuidV4.MatchString(u1) || !uuidV4.MatchString(u2) || u1 == u2 {
			t.Errorf("$uuid() gave %q and %q; want two different v4 UUIDs", u1, u2)
		}
		if r1, r2 := out["r1"].(float64), out["r2"].(float64); r1 == r2 || r1 < 0 || r1 >= 1 {
			t.Errorf("$random() gave %v and %v; want two numbers in [0,1)", r1, r2)
		}
		seeded = append(seeded, out["s"])
	}
	if seeded[0] != seeded[1] {
		t.Errorf("$random(42) gave %v and %v in two executions; want the same number", seeded[0], seeded[1])
	}
}

// TestJSONataErrors checks that each failure is States.QueryEvaluationError
// with AWS's wording: the expression and the field, named as AWS names
// it ("Output/v").
func TestJSONataErrors(t *testing.T) {
	tests := []struct{ expr, cause string }{
		// "Failure to return a result": JSON cannot represent undefined.
		{`$states.input.missing`, `The JSONata expression '$states.input.missing' specified for the field 'Output/v' returned nothing (undefined).`},
		// "Type error".
		{`$states.input.a + 'x'`, `The JSONata expression '$states.input.a + 'x'' specified for the field 'Output/v' threw an error: `},
		{`$partition([1,2])`, `$partition: takes 2 arguments, got 1`},
		{`$partition('abc', 2)`, `$partition: the first argument must be an array`},
		{`$partition([1,2], 0)`, `$partition: the chunk size must be a positive integer`},
		{`$range(1, 5)`, `$range: takes 3 arguments, got 2`},
		{`$range(1, 5, 0)`, `$range: step must not be 0`},
		{`$range('a', 5, 1)`, `$range: start must be an integer`},
		{`$hash('x')`, `$hash takes the string to hash and an algorithm, got 1 arguments`},
		{`$hash(1, 'MD5')`, `$hash: the data to hash must be a string, not number`},
		{`$hash('x', 'CRC32')`, `$hash: algorithm "CRC32" is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512`},
		{`$random('seed')`, `$random: the seed must be an integer, not string`},
		{`$random(1, 2)`, `$random takes at most one argument, the seed; got 2`},
		{`$uuid('x')`, `$uuid takes no arguments, got 1`},
		{`$parse('{bad')`, `$parse: the string is not JSON`},
		{`$parse(1)`, `$parse: the first argument must be a string`},
		{`$parse()`, `$parse: takes 1 arguments, got 0`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			expectError(t, jsonataPass(tt.expr), `{"a":1}`, ErrQueryEvaluationError, tt.cause, nil)
		})
	}
	// $eval is not available in Step Functions: the validator refuses it
	// (see validationCases), and so does the engine, however the
	// expression reaches it.
	for _, expr := range []string{`$eval('1 + 1')`, `($f := $eval; $f('1'))`} {
		sm, err := Decode([]byte(jsonataPass(expr)))
		if err != nil {
			t.Fatal(err)
		}
		res, _, _ := NewEngine(Options{}).Run(context.Background(), sm, []byte(`{}`))
		if res.Error != ErrQueryEvaluationError || !strings.Contains(res.Cause, "$eval is not supported in Step Functions: deserialize a JSON string with $parse instead") {
			t.Errorf("%s: %s %s; want $eval refused", expr, res.Error, res.Cause)
		}
	}
	// An undefined value deep in a template is named by its path.
	expectError(t, `{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task","Resource":"`+fn+`","Arguments":{"Input":{"list":[1,"{% $states.input.nope %}"]}},"End":true}}}`,
		`{}`, ErrQueryEvaluationError, `specified for the field 'Arguments/Input/list[1]' returned nothing (undefined).`, (&Registry{}).HandleState("T", echo))
	// The error is caught like any other.
	caught := `{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + fn + `","Output":"{% $states.result.nope %}",
	  "Catch":[{"ErrorEquals":["States.QueryEvaluationError"],"Output":"{% $states.errorOutput.Error %}","Next":"C"}],"End":true},"C":{"Type":"Succeed"}}}`
	expectOutput(t, caught, `{}`, `"States.QueryEvaluationError"`, (&Registry{}).HandleState("T", returns(`{}`)))
}

// TestJSONataStatesVariable checks the reserved variable $states: input
// (the state's original input), result (a Task's raw result, in Output
// and Assign), errorOutput (in a Catch) and context (the context object).
func TestJSONataStatesVariable(t *testing.T) {
	def := `{"QueryLanguage":"JSONata","StartAt":"T","States":{
	  "T":{"Type":"Task","Resource":"` + fn + `","Arguments":{"n":"{% $states.input.n %}"},
	       "Assign":{"fromResult":"{% $states.result.n %}"},
	       "Output":{"input":"{% $states.input %}","result":"{% $states.result %}"},"Next":"F"},
	  "F":{"Type":"Task","Resource":"` + fn + `","Catch":[{"ErrorEquals":["States.ALL"],
	       "Output":{"errorOutput":"{% $states.errorOutput %}","input":"{% $states.input %}","assigned":"{% $fromResult %}"},"Next":"Ctx"}],"End":true},
	  "Ctx":{"Type":"Pass","Output":{"context":"{% $states.context %}","caught":"{% $states.input %}"},"End":true}}}`
	reg := (&Registry{}).HandleState("T", TaskFunc(func(_ context.Context, req TaskRequest) (any, error) {
		return map[string]any{"n": req.Input.(map[string]any)["n"].(float64) + 1}, nil
	})).HandleState("F", TaskFunc(func(context.Context, TaskRequest) (any, error) {
		return nil, &Failure{Name: "Boom", Cause: "it broke"}
	}))
	res, _ := execute(t, def, `{"n":1}`, reg)
	if res.Status != StatusSucceeded {
		t.Fatalf("%s %s: %s", res.Status, res.Error, res.Cause)
	}
	ctx := res.Output.(map[string]any)["context"].(map[string]any)
	exec, _ := ctx["Execution"].(map[string]any)
	state, _ := ctx["State"].(map[string]any)
	machine, _ := ctx["StateMachine"].(map[string]any)
	if !strings.Contains(fmt.Sprint(exec["Id"]), ":execution:StateMachine:") || exec["Name"] == nil || exec["StartTime"] == nil || exec["RoleArn"] == nil ||
		!reflect.DeepEqual(exec["Input"], map[string]any{"n": 1.0}) || state["Name"] != "Ctx" || state["EnteredTime"] == nil || state["RetryCount"] != 0.0 ||
		machine["Name"] != "StateMachine" || machine["Id"] == nil {
		t.Errorf("$states.context = %s", toJSON(ctx))
	}

	// The Catch output of F: errorOutput, and F's own input (T's output).
	want := `{"errorOutput":{"Error":"Boom","Cause":"it broke"},"input":{"input":{"n":1},"result":{"n":2}},"assigned":2}`
	res.Output = res.Output.(map[string]any)["caught"]
	if !reflect.DeepEqual(res.Output, jsonValue(t, want)) {
		t.Errorf("output %s\n  want %s", toJSON(res.Output), want)
	}
}
