package asl

import (
	"fmt"
	"strings"
	"time"

	"github.com/sfnkit/sfnkit/asl/model"
)

// WorkflowType is a state machine's type, as CreateStateMachine's type
// and AWS::StepFunctions::StateMachine's StateMachineType name it.
type WorkflowType string

// Workflow types.
const (
	// Standard workflows run exactly once, for up to a year, with every
	// integration pattern. The zero WorkflowType means Standard.
	Standard WorkflowType = "STANDARD"
	// Express workflows run at least once, for up to five minutes, and
	// support neither the job-run (.sync) nor the callback
	// (.waitForTaskToken) integration pattern, nor activities.
	Express WorkflowType = "EXPRESS"
)

// MaxExpressDuration is how long an Express execution may run: "Express
// Workflows can run for up to five minutes". An Express execution still
// running then times out (States.Timeout), whatever its TimeoutSeconds.
const MaxExpressDuration = 5 * time.Minute

// ParseWorkflowType reads a type as CreateStateMachine takes it; "" is
// STANDARD.
func ParseWorkflowType(s string) (WorkflowType, error) {
	switch WorkflowType(s) {
	case "", Standard:
		return Standard, nil
	case Express:
		return Express, nil
	}
	return "", fmt.Errorf("the state machine type %q is neither STANDARD nor EXPRESS", s)
}

// ValidateDefinitionFor is ValidateDefinition for a state machine of
// type typ: an EXPRESS definition is also refused the integrations
// Express workflows do not support, as CreateStateMachine refuses them.
func ValidateDefinitionFor(definition []byte, typ WorkflowType) []Diagnostic {
	_, diags := validateDefinition(definition, typ)
	return diags
}

// ParseFor is Parse for a state machine of type typ (see
// ValidateDefinitionFor).
func ParseFor(definition []byte, typ WorkflowType) (*StateMachine, error) {
	sm, diags := validateDefinition(definition, typ)
	var errs []Diagnostic
	for _, d := range diags {
		if d.Severity == SeverityError {
			errs = append(errs, d)
		}
	}
	if len(errs) > 0 {
		return nil, &ValidationError{Diagnostics: errs}
	}
	return sm, nil
}

// expressResources refuses, in an Express machine and in the item
// processor of a Distributed Map whose child executions are EXPRESS, the
// Task resources an Express workflow cannot run. The developer guide
// ("Choosing workflow type"): Express workflows support all service
// integrations but "not the Job-run (.sync) or Callback
// (.waitForTaskToken) patterns", and no activities; CreateStateMachine
// answers SCHEMA_VALIDATION_FAILED "Express state machine does not
// support '.sync' service integration" (or "Activity ARN").
func (v *validator) expressResources(m *model.Machine, typ WorkflowType) {
	var expressScopes []string // item processors that run as Express child executions
	if typ == Express {
		expressScopes = append(expressScopes, "")
	}
	m.Walk(func(path, name string, s *model.State) {
		if p := s.ItemProcessor; p != nil && p.ProcessorConfig.Mode == "DISTRIBUTED" && p.ProcessorConfig.ExecutionType == string(Express) {
			expressScopes = append(expressScopes, path+"/ItemProcessor/")
		}
		if s.Type != TypeTask || !insideAny(path, expressScopes) {
			return
		}
		what, fix := "the state machine is EXPRESS", "make the workflow STANDARD"
		if typ != Express {
			what, fix = "it runs in a Distributed Map's EXPRESS child executions", "set the Map's ItemProcessor.ProcessorConfig.ExecutionType to STANDARD"
		}
		v.at = path
		if pattern := integrationPattern(s.Resource); pattern != "" {
			v.report(SeverityError, CodeSchema, "express-integrations", "Resource",
				"Express state machine does not support '%s' service integration: %s, and Express workflows run only the request-response pattern; drop %s from %q, or %s", pattern, what, pattern, s.Resource, fix)
		} else if isActivityArn(s.Resource) {
			v.report(SeverityError, CodeSchema, "express-integrations", "Resource",
				"Express state machine does not support Activity ARN: %s; use a Lambda function or a service integration, or %s", what, fix)
		}
	})
	v.at = ""
}

// insideAny tells whether a state's JSON Pointer lies in one of the
// scopes ("" is the whole machine).
func insideAny(path string, scopes []string) bool {
	for _, s := range scopes {
		if s == "" || strings.HasPrefix(path, s) {
			return true
		}
	}
	return false
}

// integrationPattern is the suffix of a service integration that is not
// request-response: ".sync" (also ".sync:2") or ".waitForTaskToken".
func integrationPattern(resource string) string {
	if !strings.HasPrefix(resource, "arn:") || !strings.Contains(resource, ":states:::") {
		return ""
	}
	switch {
	case strings.HasSuffix(resource, ".waitForTaskToken"):
		return ".waitForTaskToken"
	case strings.HasSuffix(resource, ".sync"), strings.HasSuffix(resource, ".sync:2"):
		return ".sync"
	}
	return ""
}

// isActivityArn matches arn:PARTITION:states:REGION:ACCOUNT:activity:NAME.
func isActivityArn(resource string) bool {
	parts := strings.SplitN(resource, ":", 7)
	return len(parts) == 7 && parts[0] == "arn" && parts[2] == "states" && parts[5] == "activity"
}

// expressExecutionArn derives an Express execution's ARN from its state
// machine's: arn:aws:states:REGION:ACCOUNT:express:MACHINE:NAME:UUID.
// The trailing id tells apart executions started with the same name,
// which Express allows (StartExecution is not idempotent for Express).
func expressExecutionArn(smArn, smName, name, id string) string {
	prefix := smArn[:len(smArn)-len(smName)]
	return replaceOnce(prefix, ":stateMachine:", ":express:") + smName + ":" + name + ":" + id
}

// expressUnsupported finds, in sm and the machines it holds, a Task whose
// resource an Express workflow cannot run; it returns the state's path
// (prefix is its machine's) and the resource, or "".
func expressUnsupported(sm *StateMachine, prefix string) (path, resource string) {
	for _, name := range sm.sortedStateNames() {
		st := sm.States[name]
		at := prefix + "/States/" + escapePointer(name)
		if st.Type == TypeTask && (integrationPattern(st.Resource) != "" || isActivityArn(st.Resource)) {
			return at, st.Resource
		}
		for i, b := range st.Branches {
			if p, r := expressUnsupported(b, fmt.Sprintf("%s/Branches/%d", at, i)); p != "" {
				return p, r
			}
		}
		if st.ItemProcessor != nil {
			if p, r := expressUnsupported(st.ItemProcessor, at+"/ItemProcessor"); p != "" {
				return p, r
			}
		}
	}
	return "", ""
}
