package asl

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestValidationNamesStateAndField(t *testing.T) {
	tests := []struct {
		name, def string
		want      []string // each must appear in the message
	}{
		{"unknown state type", `{"StartAt":"A","States":{"A":{"Type":"Magic","End":true}}}`, []string{`state "A", field Type`, `"Magic" is not a state type`}},
		{"missing Next", `{"StartAt":"A","States":{"A":{"Type":"Pass"}}}`, []string{`state "A", field Next: is missing`}},
		{"Next to nowhere", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Gone"}}}`, []string{`state "A", field Next: names "Gone"`}},
		{"unreachable state", `{"StartAt":"A","States":{"A":{"Type":"Succeed"},"Island":{"Type":"Succeed"}}}`, []string{`state "Island"`, "unreachable"}},
		{"StartAt to nowhere", `{"StartAt":"X","States":{"A":{"Type":"Succeed"}}}`, []string{`field StartAt: names "X"`}},
		{"bad JSONPath", `{"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$.a[","End":true}}}`, []string{`state "A", field InputPath`, "not a valid JSONPath"}},
		{"ResultPath not a reference path", `{"StartAt":"A","States":{"A":{"Type":"Pass","ResultPath":"$.a[*]","End":true}}}`, []string{`field ResultPath`, "reference path"}},
		{"bad Parameters path", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x.$":"no-dollar"},"End":true}}}`, []string{`field Parameters`, "x.$"}},
		{"bad intrinsic", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x.$":"States.Nope(1)"},"End":true}}}`, []string{`field Parameters`, "States.Nope is not an intrinsic function"}},
		{"bad JSONata", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% $states.input.( %}","End":true}}}`, []string{`state "A", field Output`, "not valid JSONata"}},
		{"JSONPath field in JSONata", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$.x","End":true}}}`, []string{`field InputPath: is a JSONPath field; this state uses JSONata`}},
		{"States.ALL not last", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","Catch":[{"ErrorEquals":["States.ALL"],"Next":"B"},{"ErrorEquals":["E"],"Next":"B"}],"End":true},"B":{"Type":"Succeed"}}}`,
			[]string{`state "A", field Catch[0].ErrorEquals`, "States.ALL must be the only error of the last"}},
		{"States.ALL with others", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","Retry":[{"ErrorEquals":["States.ALL","E"]}],"End":true}}}`,
			[]string{`field Retry[0].ErrorEquals`}},
		{"unknown predefined error", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","Retry":[{"ErrorEquals":["States.Typo"]}],"End":true}}}`,
			[]string{`"States.Typo" is not a predefined error`}},
		{"heartbeat not below timeout", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","TimeoutSeconds":60,"HeartbeatSeconds":60,"End":true}}}`,
			[]string{`field HeartbeatSeconds: 60 must be shorter than TimeoutSeconds 60`}},
		{"unknown field", `{"StartAt":"A","States":{"A":{"Type":"Pass","Nxt":"B","End":true}}}`, []string{`state "A", field Nxt`, "unknown field"}},
		{"End and Next", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"A","End":true}}}`, []string{`field End: give Next or End, not both`}},
		{"Choice without rules", `{"StartAt":"A","States":{"A":{"Type":"Choice","Choices":[]}}}`, []string{`field Choices: a Choice state needs at least one rule`}},
		{"Choice rule with two operators", `{"StartAt":"A","States":{"A":{"Type":"Choice","Choices":[{"Variable":"$.a","StringEquals":"x","NumericEquals":1,"Next":"B"}]},"B":{"Type":"Succeed"}}}`,
			[]string{`field Choices[0]`, "exactly one comparison operator"}},
		{"Choice operand of the wrong type", `{"StartAt":"A","States":{"A":{"Type":"Choice","Choices":[{"Variable":"$.a","NumericEquals":"1","Next":"B"}]},"B":{"Type":"Succeed"}}}`,
			[]string{`Choices[0].NumericEquals`, "not a valid operand"}},
		{"Wait with two fields", `{"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":1,"SecondsPath":"$.s","End":true}}}`, []string{"exactly one of Seconds"}},
		{"Distributed field on inline Map", `{"StartAt":"M","States":{"M":{"Type":"Map","ToleratedFailureCount":1,"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
			[]string{`state "M", field ToleratedFailureCount: is a Distributed Map field`}},
		{"error inside a branch", `{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"X","States":{"X":{"Type":"Pass","Next":"Nope"}}}],"End":true}}}`,
			[]string{`state "X", field Next: names "Nope"`}},
		{"not JSON", `{"StartAt":`, []string{"not a valid state machine"}},
		{"Resource not an ARN", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"my-function","End":true}}}`, []string{`field Resource: "my-function" is not an ARN`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.def))
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Parse = %v, want a ValidationError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q\n  lacks %q", err, w)
				}
			}
		})
	}
}

func TestValidationReportsEveryProblem(t *testing.T) {
	_, err := Parse([]byte(`{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"X"},"B":{"Type":"Nope"},"C":{"Type":"Task","End":true}}}`))
	var verr *ValidationError
	if !errors.As(err, &verr) || len(verr.Problems) < 4 {
		t.Fatalf("err = %v", err)
	}
}

// FuzzEngine feeds random definitions and inputs: parsing either refuses
// with a ValidationError or the execution ends (no panic, no hang).
func FuzzEngine(f *testing.F) {
	f.Add(`{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"a":1},"ResultPath":"$.x","Next":"B"},"B":{"Type":"Choice","Choices":[{"Variable":"$.x.a","NumericEquals":1,"Next":"C"}],"Default":"D"},"C":{"Type":"Succeed"},"D":{"Type":"Fail","Error":"E"}}}`, `{"in":1}`)
	f.Add(`{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.l","ItemProcessor":{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":5,"End":true}}},"End":true}}}`, `{"l":[1,2]}`)
	f.Add(`{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":"States.Format('{}', States.ArrayRange(1, 3, 1))"},"End":true}}}`, `{}`)
	f.Add(`{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $states.input.a & 'x' %}","End":true}}}`, `{"a":"y"}`)
	f.Add(`{"StartAt":"L","States":{"L":{"Type":"Pass","Next":"L"}}}`, `{}`)
	f.Fuzz(func(t *testing.T, def, input string) {
		sm, err := Parse([]byte(def))
		if err != nil {
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Parse returned %T: %v", err, err)
			}
			return
		}
		e := NewEngine(Options{Tasks: (&Registry{}).Fallback(ResolverFunc(func(string, string, any) (TaskHandler, bool) { return echo, true }))})
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		x, err := e.Start(ctx, sm, []byte(input), "")
		if err != nil {
			return // not JSON, or too big
		}
		select {
		case <-x.Done():
		case <-ctx.Done():
			x.Stop("Fuzz", "a loop without end")
			select {
			case <-x.Done():
			case <-time.After(2 * time.Second):
				t.Fatalf("the execution did not stop: %s", def)
			}
		}
	})
}
