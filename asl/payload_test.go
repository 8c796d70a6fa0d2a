package asl

import (
	"context"
	"strings"
	"testing"
)

// TestTemplatesAreBounded: a template, an intrinsic call or a JSONata field
// that repeats a large value used to build values many times the payload
// limit (a definition of 1 MB can repeat a 256 KiB input tens of thousands
// of times). Results discarded by ResultPath null or kept in variables were
// never measured.
func TestTemplatesAreBounded(t *testing.T) {
	input := `{"big":"` + strings.Repeat("x", 100*1024) + `"}`
	for name, def := range map[string]string{
		"Parameters": `{"StartAt":"P","States":{"P":{"Type":"Pass","ResultPath":null,
		  "Parameters":{"a.$":"$.big","b.$":"$.big","c.$":"$.big"},"End":true}}}`,
		"nested intrinsic": `{"StartAt":"P","States":{"P":{"Type":"Pass",
		  "Parameters":{"n.$":"States.ArrayLength(States.Array($.big, $.big, $.big))"},"End":true}}}`,
		"States.Format": `{"StartAt":"P","States":{"P":{"Type":"Pass","ResultPath":null,
		  "Parameters":{"s.$":"States.Format('{}{}{}', $.big, $.big, $.big)"},"End":true}}}`,
		"JSONata Assign": `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass",
		  "Assign":{"a":"{% $states.input.big %}","b":"{% $states.input.big %}","c":"{% $states.input.big %}"},"Output":{},"End":true}}}`,
		"JSONata result": `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass",
		  "Assign":{"a":"{% [$states.input.big, $states.input.big, $states.input.big] %}"},"Output":{},"End":true}}}`,
	} {
		res, _ := execute(t, def, input, nil)
		if res.Status != StatusFailed || res.Error != ErrDataLimitExceeded {
			t.Errorf("%s: %s %s (%s); want FAILED %s", name, res.Status, res.Error, res.Cause, ErrDataLimitExceeded)
		}
	}
	// Within the limit, the same templates work.
	expectOutput(t, `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"n.$":"States.ArrayLength(States.Array($.s, $.s))"},"End":true}}}`,
		`{"s":"`+strings.Repeat("x", 1000)+`"}`, `{"n":2}`, nil)
}

// TestSizeBoundsNeverFailAState: a JSONata Output evaluated directly
// passes on an upper bound of its size ($merge of the input with itself
// is bounded at twice the input), and the states after it add to that
// bound. A bound past the limit is measured before anything fails: the
// chain below (100 KiB, then bounds of 200 and 300 KiB where the data is
// 100 and 200 KiB) stays within 256 KiB until its last state, which
// passes it and fails naming that state.
func TestSizeBoundsNeverFailAState(t *testing.T) {
	input := `{"big":"` + strings.Repeat("x", 100*1024) + `"}`
	chain := `{"StartAt":"Twice","States":{
	  "Twice":{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% $merge([$states.input, $states.input]) %}","Next":"Add"},
	  "Again":{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% $merge([$states.input, $states.input, {\"n\": 1}]) %}","Next":"Last"},
	  "Add":{"Type":"Pass","Result":"` + strings.Repeat("y", 100*1024) + `","ResultPath":"$.more","Next":"Again"},
	  "Last":{"Type":"Pass","Result":"` + strings.Repeat("z", 100*1024) + `","ResultPath":"$.most","End":true}}}`
	res, events := execute(t, chain, input, nil)
	if res.Status != StatusFailed || res.Error != ErrDataLimitExceeded || !strings.Contains(res.Cause, `"Last"`) {
		t.Fatalf("%s %s (%s); want %s naming Last", res.Status, res.Error, res.Cause, ErrDataLimitExceeded)
	}
	exited := 0
	for _, e := range events {
		if e.StateExitedEventDetails != nil {
			exited++
		}
	}
	if exited != 3 {
		t.Errorf("%d states exited; want Twice, Add and Again", exited)
	}
}

// TestReservedRoomNeverFailsATemplate: a template's input paths have the
// input's size set aside each instead of being measured; when what is
// left cannot hold the rest (here a 120 KiB States.Format after four
// 60 KiB reservations), the template is measured exactly and passes.
func TestReservedRoomNeverFailsATemplate(t *testing.T) {
	big := strings.Repeat("x", 60*1024)
	def := `{"StartAt":"P","States":{"P":{"Type":"Pass","ResultPath":"$.p","Parameters":{
	  "a.$":"$.s","b.$":"$.s","c.$":"$.s","d.$":"$.s","f.$":"States.Format('{}{}', $.big, $.big)"},"OutputPath":"$.p.a","End":true}}}`
	expectOutput(t, def, `{"s":"small","big":"`+big+`"}`, `"small"`, nil)
}

// TestSizeBoundsOnlyFromTheStatesOwnInput: a Map's ItemSelector reads
// $states.input in a frame runState never measured (the iteration's);
// its result is measured, and fails where it passes the limit, naming
// ItemSelector, before any iteration starts.
func TestSizeBoundsOnlyFromTheStatesOwnInput(t *testing.T) {
	def := `{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% $states.input.items %}",
	  "ItemSelector":"{% {\"a\": $states.input.big, \"b\": $states.input.big} %}",
	  "ItemProcessor":{"StartAt":"In","States":{"In":{"Type":"Pass","End":true}}},"End":true}}}`
	res, events := execute(t, def, `{"items":[1],"big":"`+strings.Repeat("x", 140*1024)+`"}`, nil)
	if res.Error != ErrDataLimitExceeded || !strings.Contains(res.Cause, "ItemSelector") {
		t.Fatalf("%s %s (%s); want %s naming ItemSelector", res.Status, res.Error, res.Cause, ErrDataLimitExceeded)
	}
	for _, e := range events {
		if e.Type == "MapIterationStarted" {
			t.Error("an iteration started with an item past the limit")
		}
	}
}

// TestReservedRoomDrawsRandomnessOnce: a template that calls States.UUID
// is evaluated once even where the reservation would not fit, so a seeded
// execution's UUIDs are the same as without the reservation.
func TestReservedRoomDrawsRandomnessOnce(t *testing.T) {
	input := `{"s":"small","big":"` + strings.Repeat("x", 60*1024) + `"}`
	uuid := func(params string) any {
		t.Helper()
		sm, err := Parse([]byte(`{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{` + params + `},"OutputPath":"$.e","End":true}}}`))
		if err != nil {
			t.Fatal(err)
		}
		res, _, err := NewEngine(Options{Seed: 42}).Run(context.Background(), sm, []byte(input))
		if err != nil || res.Status != StatusSucceeded {
			t.Fatalf("%v %s %s", err, res.Error, res.Cause)
		}
		return res.Output
	}
	reserved := uuid(`"a.$":"$.s","b.$":"$.s","c.$":"$.s","d.$":"$.s","e.$":"States.UUID()","f.$":"States.Format('{}{}', $.big, $.big)"`)
	plain := uuid(`"a.$":"$.s","e.$":"States.UUID()"`)
	if reserved != plain {
		t.Errorf("the seeded UUID is %v with four input paths and %v with one: the template drew twice", reserved, plain)
	}
}
