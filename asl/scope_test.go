package asl

import (
	"reflect"
	"testing"
)

// TestContextPathsReadWithoutTheObject: paths into $$ that are read
// without building it give what the whole object holds, and what it
// does not hold is not found.
func TestContextPathsReadWithoutTheObject(t *testing.T) {
	def := `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"whole.$":"$$",
	  "id.$":"$$.Execution.Id","execution.$":"$$.Execution.Name","input.$":"$$.Execution.Input.a[1]","machine.$":"$$.StateMachine.Name",
	  "entered.$":"$$.State.EnteredTime","name.$":"$$.State.Name","retries.$":"$$.State.RetryCount"},"End":true}}}`
	res, _ := execute(t, def, `{"a":[1,2]}`, nil)
	out := res.Output.(map[string]any)
	whole := out["whole"].(map[string]any)
	execution, state := whole["Execution"].(map[string]any), whole["State"].(map[string]any)
	for name, want := range map[string]any{
		"id": execution["Id"], "execution": execution["Name"], "input": 2.0, "machine": whole["StateMachine"].(map[string]any)["Name"],
		"entered": state["EnteredTime"], "name": "P", "retries": 0.0,
	} {
		if !reflect.DeepEqual(out[name], want) {
			t.Errorf("%s = %v, want %v", name, out[name], want)
		}
	}
	expectError(t, `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"x.$":"$$.State.Missing"},"End":true}}}`, `{}`, ErrRuntime, "could not be found", nil)
}
