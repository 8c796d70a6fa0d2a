package asl

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

func TestJSONataNames(t *testing.T) {
	for expr, want := range map[string][]string{
		`$states.input.a & $x`:                           {"states", "x"},
		`$merge([$states.input, {"b": $states.result}])`: {"merge", "states"},
		`"$notAVar" & 'neither $this' & $.a`:             nil,
		"`$field`.x + $y":                                {"y"},
		`function($v){ $v * $k }($ü)`:                    {"v", "k", "ü"},
		`$$.a`:                                           nil,
	} {
		if got := jsonataNames(expr); !reflect.DeepEqual(got, want) {
			t.Errorf("jsonataNames(%s) = %q, want %q", expr, got, want)
		}
	}
}

// TestJSONataBindsWhatItNames: variables, $states and the Step Functions
// functions reach an expression that names them, with their precedence:
// $states over a variable of that name.
func TestJSONataBindsWhatItNames(t *testing.T) {
	def := `{"QueryLanguage":"JSONata","StartAt":"A","States":{
	  "A":{"Type":"Pass","Assign":{"states":"shadowed","n":2,"nothing":null},"Next":"B"},
	  "B":{"Type":"Pass","Output":"{% [$states.input.k, $n, $nothing = null, $count($partition([1,2,3], 2)), $exists($undefined)] %}","End":true}}}`
	expectOutput(t, def, `{"k":"v"}`, `["v",2,true,2,false]`, nil)
}

// TestJSONataStatesIsNotChangedAfterUse: an expression that returns
// $states keeps what it returned when the task's result is added to
// $states afterwards.
func TestJSONataStatesIsNotChangedAfterUse(t *testing.T) {
	def := `{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + fn + `",
	  "Arguments":{"keys":"{% $keys($states) %}","all":"{% $states %}"},"Output":"{% $states.result %}","End":true}}}`
	var sent any
	echo := TaskFunc(func(_ context.Context, req TaskRequest) (any, error) {
		sent = req.Input
		return "r", nil
	})
	res, hist := execute(t, def, `{"k":1}`, (&Registry{}).HandleState("T", echo))
	if res.Output != "r" {
		t.Fatalf("output %v", res.Output)
	}
	all := sent.(map[string]any)["all"].(map[string]any)
	if _, ok := all["result"]; ok {
		t.Errorf("the task's input gained $states.result after the task: %v", all)
	}
	for _, e := range hist {
		if d := e.LambdaFunctionScheduledEventDetails; d != nil && strings.Contains(d.Input, `"result"`) {
			t.Errorf("scheduled with %s", d.Input)
		}
	}
}
