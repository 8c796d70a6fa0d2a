package diff

import (
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/cfn"
)

// assembly is a one-stack assembly of a state machine with the given
// type, logging level, tracing and definition.
func assembly(t *testing.T, typ, level string, tracing bool, definition string) *cfn.Assembly {
	t.Helper()
	tpl := `{"Resources": {"SM": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
	  "StateMachineType": "` + typ + `", "LoggingConfiguration": {"Level": "` + level + `", "IncludeExecutionData": true},
	  "TracingConfiguration": {"Enabled": ` + map[bool]string{true: "true", false: "false"}[tracing] + `},
	  "DefinitionString": ` + quote(definition) + `}}}}`
	parsed, err := cfn.Parse([]byte(tpl))
	if err != nil {
		t.Fatal(err)
	}
	return &cfn.Assembly{Dir: "test", Stacks: []*cfn.AssemblyStack{{Name: "Stack", Template: parsed}}}
}

func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", " ").Replace(s) + `"`
}

const before = `{"StartAt": "A", "TimeoutSeconds": 3600, "States": {
  "A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "TimeoutSeconds": 60, "HeartbeatSeconds": 10,
        "Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 3}], "Next": "B"},
  "B": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericGreaterThan": 1, "Next": "C"}], "Default": "D"},
  "C": {"Type": "Succeed"}, "D": {"Type": "Fail", "Error": "D"}}}`

const after = `{"StartAt": "A", "States": {
  "A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 0}], "Next": "B"},
  "B": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericGreaterThan": 5, "Next": "C"}], "Default": "C"},
  "C": {"Type": "Succeed"}}}`

func TestRisksAndChanges(t *testing.T) {
	r, err := Compare(assembly(t, "STANDARD", "ALL", true, before), assembly(t, "EXPRESS", "ERROR", false, after))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{LoggingReduced, RetryRemoved, StateRemoved, TimeoutShortened, TypeChanged}
	if got := r.Risks(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("risks %v; want %v", got, want)
	}
	md := r.Markdown()
	for _, s := range []string{
		"type STANDARD → EXPRESS", "logging level ALL → ERROR", "X-Ray tracing true → false",
		"execution timeout 1h → none", "`A`: timeout 1min → none", "`A`: heartbeat 10s → none",
		"`A`: retry of `States.TaskFailed` 3× every 1s ×2 → never", "removed `D` (Fail)",
		"`B`: Default `D` → `C`", "rule added: `$.x > 5` → `C`", "rule removed: `$.x > 1` → `C`",
	} {
		if !strings.Contains(md, s) {
			t.Errorf("the report lacks %q:\n%s", s, md)
		}
	}
}

func TestSameDefinitionNoChanges(t *testing.T) {
	r, err := Compare(assembly(t, "STANDARD", "ALL", true, before), assembly(t, "STANDARD", "ALL", true, before))
	if err != nil || len(r.Machines) != 0 {
		t.Errorf("%v, %+v", err, r)
	}
}
