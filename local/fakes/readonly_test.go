package fakes

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/sfnkit/sfnkit/asl"
)

// scramble changes every object and array inside v in place.
func scramble(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if _, ok := e.(string); ok {
				x[k] = "changed"
			}
			scramble(e)
		}
		x["added"] = "changed"
	case []any:
		for i, e := range x {
			if _, ok := e.(string); ok {
				x[i] = "changed"
			}
			scramble(e)
		}
	}
}

// TestTableKeepsNoPartOfItsInput: a task's input is read-only and shared
// with the history (asl.TaskRequest), and a task's result is kept as it
// is, so the table copies what it stores and what it returns: changing
// the items it holds, or those it hands out, changes neither the recorded
// inputs nor the execution's output.
func TestTableKeepsNoPartOfItsInput(t *testing.T) {
	a := &AWS{}
	tbl := a.Table("T", "id", "")
	sm, err := asl.Parse([]byte(`{"StartAt":"Put","States":{
	  "Put":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:putItem","Parameters":{"TableName":"T","Item.$":"$.item"},"ResultPath":null,"Next":"Update"},
	  "Update":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:updateItem","Parameters":{"TableName":"T","Key":{"id":{"S":"o-1"}},
	    "UpdateExpression":"SET note = :v","ExpressionAttributeValues":{":v.$":"$.note"}},"ResultPath":null,"Next":"Get"},
	  "Get":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:getItem","Parameters":{"TableName":"T","Key":{"id":{"S":"o-1"}}},"ResultPath":"$.got","End":true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	input := `{"item":{"id":{"S":"o-1"},"tags":{"L":[{"S":"a"},{"M":{"k":{"S":"v"}}}]}},"note":{"M":{"by":{"S":"ada"}}}}`
	e := asl.NewEngine(asl.Options{Tasks: a, Clock: asl.NewVirtualClock(time.Unix(0, 0))})
	x, err := e.Start(context.Background(), sm, []byte(input), "")
	if err != nil {
		t.Fatal(err)
	}
	res, err := x.Wait(context.Background())
	if err != nil || res.Status != asl.StatusSucceeded {
		t.Fatalf("%v %s %s", err, res.Status, res.Cause)
	}
	for _, item := range tbl.items { // what the table holds
		scramble(item)
	}
	for _, item := range tbl.Items() { // what it hands out
		scramble(item)
	}
	scramble(tbl.Get("o-1"))

	// The history is rendered now, after the changes.
	var params []string
	for _, ev := range x.History() {
		if d := ev.TaskScheduledEventDetails; d != nil {
			params = append(params, d.Parameters)
		}
	}
	want := []string{
		`{"Item":{"id":{"S":"o-1"},"tags":{"L":[{"S":"a"},{"M":{"k":{"S":"v"}}}]}},"TableName":"T"}`,
		`{"ExpressionAttributeValues":{":v":{"M":{"by":{"S":"ada"}}}},"Key":{"id":{"S":"o-1"}},"TableName":"T","UpdateExpression":"SET note = :v"}`,
		`{"Key":{"id":{"S":"o-1"}},"TableName":"T"}`,
	}
	if len(params) != len(want) {
		t.Fatalf("scheduled %d tasks, want %d", len(params), len(want))
	}
	for i := range want {
		if params[i] != want[i] {
			t.Errorf("task %d was scheduled with\n  %s\nwant\n  %s", i, params[i], want[i])
		}
	}
	out, _ := json.Marshal(res.Output)
	wantOut := `{"got":{"Item":{"id":{"S":"o-1"},"note":{"M":{"by":{"S":"ada"}}},"tags":{"L":[{"S":"a"},{"M":{"k":{"S":"v"}}}]}}},` +
		`"item":{"id":{"S":"o-1"},"tags":{"L":[{"S":"a"},{"M":{"k":{"S":"v"}}}]}},"note":{"M":{"by":{"S":"ada"}}}}`
	if string(out) != wantOut {
		t.Errorf("output %s\nwant   %s", out, wantOut)
	}
}
