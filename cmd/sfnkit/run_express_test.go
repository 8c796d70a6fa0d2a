package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// contextDef outputs the context object's execution and the workflow
// reads nothing else.
const contextDef = `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"id.$":"$$.Execution.Id","name.$":"$$.Execution.Name"},"End":true}}}`

// writeFile writes content to a file of a fresh directory and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// executionOf runs sfnkit run and decodes the {"id","name"} output.
func executionOf(t *testing.T, args ...string) (id, name string) {
	t.Helper()
	code, stdout, stderr := sfnkit(t, "", append([]string{"run"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	var out struct{ ID, Name string }
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("output %s: %v", stdout, err)
	}
	return out.ID, out.Name
}

var (
	uuidRE            = `[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}`
	expressArn        = regexp.MustCompile(`^arn:aws:states:us-east-1:123456789012:express:StateMachine:(` + uuidRE + `):` + uuidRE + `$`)
	namedExpressArn   = regexp.MustCompile(`^arn:aws:states:us-east-1:123456789012:express:StateMachine:order-7:` + uuidRE + `$`)
	standardExecution = regexp.MustCompile(`^arn:aws:states:us-east-1:123456789012:execution:StateMachine:` + uuidRE + `$`)
)

// TestRunExpress checks --type EXPRESS on a plain definition: the
// execution ARN is arn:aws:states:REGION:ACCOUNT:express:MACHINE:NAME:ID,
// as $$.Execution.Id gives it, and the name is the ARN's NAME.
func TestRunExpress(t *testing.T) {
	def := writeFile(t, "def.json", contextDef)
	id, name := executionOf(t, "--definition", def, "--type", "EXPRESS")
	m := expressArn.FindStringSubmatch(id)
	if m == nil || m[1] != name {
		t.Errorf("Express execution %q named %q; want arn:aws:states:us-east-1:123456789012:express:StateMachine:NAME:UUID", id, name)
	}
	if id, _ := executionOf(t, "--definition", def, "--type", "EXPRESS", "--name", "order-7"); !namedExpressArn.MatchString(id) {
		t.Errorf("named Express execution %q; want its name before the trailing id", id)
	}
	if id, _ := executionOf(t, "--definition", def); !standardExecution.MatchString(id) {
		t.Errorf("default (STANDARD) execution %q; want an :execution: ARN", id)
	}
}

// TestRunExpressRefusals checks what an Express workflow cannot do: the
// callback and job-run patterns are refused before the run (exit 2, as
// CreateStateMachine refuses them), and a run past five minutes times out.
func TestRunExpressRefusals(t *testing.T) {
	callback := writeFile(t, "callback.json", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"QueueUrl":"q","MessageBody":{"t.$":"$$.Task.Token"}},"End":true}}}`)
	code, _, stderr := sfnkit(t, "", "run", "--definition", callback, "--type", "EXPRESS")
	if code != 2 || !strings.Contains(stderr, "Express state machine does not support '.waitForTaskToken' service integration") || !strings.Contains(stderr, "/States/T/Resource") {
		t.Errorf("exit %d, stderr %s; want 2 and the refused .waitForTaskToken at /States/T/Resource", code, stderr)
	}
	job := writeFile(t, "job.json", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::glue:startJobRun.sync","Parameters":{"JobName":"j"},"End":true}}}`)
	if code, _, stderr := sfnkit(t, "", "run", "--definition", job, "--type", "EXPRESS"); code != 2 || !strings.Contains(stderr, "'.sync'") {
		t.Errorf("exit %d, stderr %s; want 2 and the refused .sync", code, stderr)
	}
	if code, _, stderr := sfnkit(t, "", "run", "--definition", job, "--type", "express"); code != 2 || !strings.Contains(stderr, "neither STANDARD nor EXPRESS") {
		t.Errorf("--type express: exit %d, stderr %s; want 2 naming the two types", code, stderr)
	}

	// Six minutes of Wait: an Express execution stops at five (on the
	// virtual clock, so the test takes no time); a Standard one finishes.
	long := writeFile(t, "long.json", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":360,"End":true}}}`)
	code, stdout, stderr := sfnkit(t, "", "run", "--definition", long, "--type", "EXPRESS")
	if code != 1 || !strings.Contains(stdout, `"Error":"States.Timeout"`) || !strings.Contains(stdout, "5m0s") {
		t.Errorf("exit %d, stdout %s, stderr %s; want 1 and States.Timeout after 5m0s", code, stdout, stderr)
	}
	if code, stdout, _ := sfnkit(t, "", "run", "--definition", long); code != 0 {
		t.Errorf("STANDARD: exit %d, %s; want the six-minute wait to finish", code, stdout)
	}
}

// TestRunExpressFromTemplate checks that a template's StateMachineType
// decides the type, and that --type may not contradict it.
func TestRunExpressFromTemplate(t *testing.T) {
	def, _ := json.Marshal(contextDef)
	tpl := writeFile(t, "template.json", `{"Resources":{"Machine":{"Type":"AWS::StepFunctions::StateMachine","Properties":{
	  "StateMachineName":"StateMachine","StateMachineType":"EXPRESS","RoleArn":"arn:aws:iam::123456789012:role/R","DefinitionString":`+string(def)+`}}}}`)
	id, _ := executionOf(t, "--definition", tpl)
	if !strings.Contains(id, ":express:") {
		t.Errorf("the template's EXPRESS machine ran as %q; want an :express: execution ARN", id)
	}
	if id, _ := executionOf(t, "--definition", tpl, "--type", "EXPRESS"); !strings.Contains(id, ":express:") {
		t.Errorf("--type EXPRESS agreeing with the template ran as %q", id)
	}
	code, _, stderr := sfnkit(t, "", "run", "--definition", tpl, "--type", "STANDARD")
	if code != 2 || !strings.Contains(stderr, "is EXPRESS (its StateMachineType); --type STANDARD contradicts it") {
		t.Errorf("exit %d, stderr %s; want 2 and the contradiction named", code, stderr)
	}
}

// TestValidateExpress checks that sfnkit validate checks an EXPRESS
// machine as CreateStateMachine does for that type: a template's by its
// StateMachineType, a plain file by --type.
func TestValidateExpress(t *testing.T) {
	def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"QueueUrl":"q","MessageBody":{"t.$":"$$.Task.Token"}},"End":true}}}`
	plain := writeFile(t, "callback.json", def)
	if code, stdout, stderr := sfnkit(t, "", "validate", plain); code != 0 {
		t.Errorf("as STANDARD: exit %d, %s %s; want valid", code, stdout, stderr)
	}
	code, stdout, _ := sfnkit(t, "", "validate", "--type", "EXPRESS", plain)
	if code != 1 || !strings.Contains(stdout, "ERROR SCHEMA_VALIDATION_FAILED /States/T/Resource: Express state machine does not support '.waitForTaskToken'") || !strings.Contains(stdout, "[express-integrations]") {
		t.Errorf("--type EXPRESS: exit %d, %s; want 1 and the refused callback", code, stdout)
	}
	quoted, _ := json.Marshal(def)
	tpl := writeFile(t, "template.json", `{"Resources":{"Machine":{"Type":"AWS::StepFunctions::StateMachine","Properties":{"StateMachineType":"EXPRESS","RoleArn":"r","DefinitionString":`+string(quoted)+`}}}}`)
	if code, stdout, _ := sfnkit(t, "", "validate", tpl); code != 1 || !strings.Contains(stdout, "/Machine: ERROR SCHEMA_VALIDATION_FAILED /States/T/Resource") {
		t.Errorf("EXPRESS template: exit %d, %s; want 1 and the refused callback", code, stdout)
	}
}
