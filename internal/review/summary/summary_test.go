package summary

import (
	"testing"

	"github.com/sfnkit/sfnkit/asl/model"
)

// TestStatesCountsNestedStates: branches and item processors (under
// either name) count, by type, in a fixed order.
func TestStatesCountsNestedStates(t *testing.T) {
	def, err := model.Decode([]byte(`{"StartAt":"P","States":{
	  "P":{"Type":"Parallel","Next":"M","Branches":[
	    {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}},
	    {"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}]},
	  "M":{"Type":"Map","Next":"C","Iterator":{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"End":true}}}},
	  "C":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"F"}],"Default":"S"},
	  "F":{"Type":"Fail"},"S":{"Type":"Succeed"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := States(def), "8 states (1 Task, 1 Choice, 1 Parallel, 1 Map, 1 Wait, 1 Pass, 1 Succeed, 1 Fail)"; got != want {
		t.Errorf("States = %q; want %q", got, want)
	}
}
