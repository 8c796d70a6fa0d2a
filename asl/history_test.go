package asl

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestHistoryPlacesEveryDetails: each details field of Event is filled
// from a record of its event type, so a new field cannot be left out of
// place without this failing.
func TestHistoryPlacesEveryDetails(t *testing.T) {
	et := reflect.TypeFor[Event]()
	for i := 0; i < et.NumField(); i++ {
		field := et.Field(i)
		typ, ok := strings.CutSuffix(field.Name, "EventDetails")
		if !ok {
			continue
		}
		if typ == "StateEntered" || typ == "StateExited" {
			continue // made from the state, see TestHistoryStateEvents
		}
		details := reflect.New(field.Type.Elem())
		h := &history{clock: NewVirtualClock(time.Unix(0, 0))}
		h.add(0, typ, details.Interface())
		got := reflect.ValueOf(h.snapshot()[0]).Field(i)
		if got.Interface() != details.Interface() {
			t.Errorf("a %s event's details are not in Event.%s", typ, field.Name)
		}
		for j := 0; j < et.NumField(); j++ {
			if j != i && et.Field(j).Type.Kind() == reflect.Pointer && !reflect.ValueOf(h.snapshot()[0]).Field(j).IsNil() {
				t.Errorf("a %s event also sets Event.%s", typ, et.Field(j).Name)
			}
		}
	}
}

// TestHistoryStateEvents: entered and exited events keep the state's name
// and render its input or output when the history is read.
func TestHistoryStateEvents(t *testing.T) {
	h := &history{clock: NewVirtualClock(time.Unix(0, 0))}
	h.addState(0, "TaskStateEntered", &State{Name: "T"}, map[string]any{"a": 1.0})
	h.addState(0, "TaskStateExited", &State{Name: "T"}, []any{"x"})
	h.addPayload(0, "TaskScheduled", &TaskScheduledDetails{Resource: "r"}, map[string]any{"p": true})
	events := h.snapshot()
	if d := events[0].StateEnteredEventDetails; d == nil || d.Name != "T" || d.Input != `{"a":1}` {
		t.Errorf("entered: %+v", d)
	}
	if d := events[1].StateExitedEventDetails; d == nil || d.Name != "T" || d.Output != `["x"]` {
		t.Errorf("exited: %+v", d)
	}
	if d := events[2].TaskScheduledEventDetails; d == nil || d.Resource != "r" || d.Parameters != `{"p":true}` {
		t.Errorf("scheduled: %+v", d)
	}
	if events[1].PreviousEventID != 1 || events[2].ID != 3 {
		t.Errorf("ids: %+v", events)
	}
}
