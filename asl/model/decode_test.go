package model

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// nested has a Parallel whose branch holds a Map, and a Map with the older
// Iterator: every level a state can hide at.
const nested = `{"Comment":"c","StartAt":"Fanout","TimeoutSeconds":3600,"Version":"1.0","States":{
 "Fanout":{"Type":"Parallel","Branches":[
   {"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","TimeoutSeconds":30,"End":true}}},
   {"StartAt":"Each","States":{"Each":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":2,
     "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"Inner","States":{"Inner":{"Type":"Pass","End":true}}},
     "End":true}}}],
  "Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":3,"JitterStrategy":"FULL"}],
  "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":null,"Next":"Failed"},{"ErrorEquals":["E"],"Next":"Failed"}],
  "Next":"Old"},
 "Old":{"Type":"Map","Parameters":{"x.$":"$"},"Iterator":{"StartAt":"Step","States":{"Step":{"Type":"Succeed"}}},"Next":"Failed"},
 "Failed":{"Type":"Fail","Error":"Broke","Cause":"it broke"}}}`

func TestDecodeNested(t *testing.T) {
	m, err := Decode([]byte(nested))
	if err != nil {
		t.Fatal(err)
	}
	if m.Comment != "c" || m.StartAt != "Fanout" || m.TimeoutSeconds != 3600 || m.Version != "1.0" || m.QueryLanguage != "" {
		t.Errorf("machine = %+v", m)
	}
	if want := []string{"Fanout", "Old", "Failed"}; !reflect.DeepEqual(m.Order, want) || len(m.States) != len(want) {
		t.Errorf("Order = %v, %d states; want %v", m.Order, len(m.States), want)
	}
	fanout := m.States["Fanout"]
	if fanout.Type != TypeParallel || fanout.Next != "Old" || len(fanout.Branches) != 2 {
		t.Fatalf("Fanout = %+v", fanout)
	}
	if r := fanout.Retry[0]; *r.MaxAttempts != 3 || r.IntervalSeconds != nil || r.JitterStrategy != "FULL" {
		t.Errorf("Retry[0] = %+v; an absent number must stay nil", r)
	}
	null, absent := fanout.Catch[0].ResultPath, fanout.Catch[1].ResultPath
	if !null.IsSet() || null.Value() != nil || absent.IsSet() {
		t.Errorf("ResultPath null = %+v, absent = %+v", null, absent)
	}
	if p, ok := absent.Path(); p != "$" || !ok {
		t.Errorf("an absent ResultPath reads as %q, %v; want $", p, ok)
	}
	work := fanout.Branches[0].States["Work"]
	if work.Resource != "arn:aws:states:::lambda:invoke" || string(work.TimeoutSeconds) != "30" || !work.End {
		t.Errorf("Work = %+v", work)
	}
	each := fanout.Branches[1].States["Each"]
	proc := each.Processor()
	if proc == nil || proc != each.ItemProcessor || proc.ProcessorConfig != (ProcessorConfig{Mode: "DISTRIBUTED", ExecutionType: "EXPRESS"}) || proc.States["Inner"].Type != TypePass {
		t.Errorf("Each's processor = %+v", proc)
	}
	old := m.States["Old"]
	if old.ItemProcessor != nil || old.Processor() != old.Iterator || old.Iterator.StartAt != "Step" || string(old.Parameters) != `{"x.$":"$"}` {
		t.Errorf("Old = %+v; the model keeps the older names as written", old)
	}
	if failed := m.States["Failed"]; string(failed.Error) != `"Broke"` || string(failed.Cause) != `"it broke"` {
		t.Errorf("Failed = %+v", failed)
	}
}

func TestDecodeQueryLanguage(t *testing.T) {
	m, err := Decode([]byte(`{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% $states.input %}","Assign":{"x":1},"End":true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	a := m.States["A"]
	if m.QueryLanguage != JSONata || a.QueryLanguage != "" || string(a.Output) != `"{% $states.input %}"` || string(a.Assign) != `{"x":1}` {
		t.Errorf("machine %q, state %+v", m.QueryLanguage, a)
	}
}

func TestDecodeProblemsNameTheirLocation(t *testing.T) {
	tests := []struct {
		name, def string
		want      []Problem
	}{
		{"not JSON", `{"StartAt":`,
			[]Problem{{Message: "the definition is not a valid state machine: unexpected EOF"}}},
		{"unknown top-level field", `{"StartAt":"A","Nope":1,"States":{}}`,
			[]Problem{{Message: `the definition is not a valid state machine: unknown field "Nope"`}}},
		{"wrong top-level type", `{"StartAt":5}`,
			[]Problem{{Message: "the definition is not a valid state machine: field StartAt must be a string, not number"}}},
		{"no States", `{"StartAt":"A"}`,
			[]Problem{{Field: "States", Message: "the definition has no States"}}},
		{"States not an object", `{"StartAt":"A","States":[]}`,
			[]Problem{{Field: "States", Message: "must be an object of states: not a JSON object"}}},
		{"fractional timeout", `{"TimeoutSeconds":1.5,"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`,
			[]Problem{{Field: "TimeoutSeconds", Message: "1.5 is not a whole number of seconds from 1 to 99999999"}}},
		{"duplicate state", `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true},"A":{"Type":"Succeed"}}}`,
			[]Problem{{Path: "/States/A", State: "A", Message: "the state name appears twice"}}},
		{"unknown state field", `{"StartAt":"A","States":{"A":{"Type":"Pass","Nxt":"B"}}}`,
			[]Problem{{Path: "/States/A", State: "A", Field: "Nxt", Message: `unknown field "Nxt"`}}},
		{"nested field of the wrong type", `{"StartAt":"A","States":{"A":{"Type":"Task","Retry":[{"IntervalSeconds":"x"}]}}}`,
			[]Problem{{Path: "/States/A", State: "A", Field: "Retry.IntervalSeconds", Message: "field Retry.IntervalSeconds must be a number, not string"}}},
		{"JSONPath state in a JSONata machine", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","QueryLanguage":"JSONPath","End":true}}}`,
			[]Problem{{Path: "/States/A", State: "A", Field: "QueryLanguage", Message: "a state cannot use JSONPath in a JSONata state machine"}}},
		{"both processors", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{},"Iterator":{},"End":true}}}`,
			[]Problem{{Path: "/States/M", State: "M", Field: "ItemProcessor", Message: "give ItemProcessor or the older Iterator, not both"}}},
		{"every problem, in order, deep inside", `{"QueryLanguage":"Foo","StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
			{"StartAt":"B"},
			{"StartAt":"M","States":{"M":{"Type":"Map","Iterator":{"StartAt":"a/b","States":{"a/b":{"Type":"Pass","Bad":1}}}}}}]},
			"Q":{"Type":"Pass","End":"yes"}}}`,
			[]Problem{
				{Field: "QueryLanguage", Message: `"Foo" is not JSONPath or JSONata`},
				{Path: "/States/P/Branches/0", State: "P", Field: "States", Message: `a branch or item processor of "P" has no States`},
				{Path: "/States/P/Branches/1/States/M/Iterator/States/a~1b", State: "a/b", Field: "Bad", Message: `unknown field "Bad"`},
				{Path: "/States/Q", State: "Q", Field: "End", Message: "field End must be a boolean, not string"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Decode([]byte(tt.def))
			var derr *Error
			if !errors.As(err, &derr) || m != nil {
				t.Fatalf("Decode = %v, %v; want an *Error", m, err)
			}
			if !reflect.DeepEqual(derr.Problems, tt.want) {
				t.Errorf("problems\n  %+v\nwant\n  %+v", derr.Problems, tt.want)
			}
			for _, p := range tt.want {
				if !strings.Contains(err.Error(), p.String()) {
					t.Errorf("%q lacks %q", err, p)
				}
			}
		})
	}
}

func TestProblemString(t *testing.T) {
	for _, tt := range []struct {
		p    Problem
		want string
	}{
		{Problem{Field: "States", Message: "m"}, "at the top level, field States: m"},
		{Problem{Path: "/States/A", State: "A", Message: "m"}, "at /States/A: m"},
	} {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.p, got, tt.want)
		}
	}
}
