package asl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/sfnkit/sfnkit/asl/model"
)

// Severity says whether a Diagnostic stops Step Functions from accepting a
// definition (ERROR) or only points at a likely mistake (WARNING).
type Severity string

// Severities, as ValidateStateMachineDefinition names them.
const (
	SeverityError   Severity = "ERROR"
	SeverityWarning Severity = "WARNING"
)

// Diagnostic codes of ValidateStateMachineDefinition. AWS documents that
// it may add or adjust codes; these are the ones its API reference lists
// that apply to a definition on its own.
const (
	CodeInvalidJSON        = "INVALID_JSON_DESCRIPTION"
	CodeMissingDescription = "MISSING_DESCRIPTION"
	CodeSchema             = "SCHEMA_VALIDATION_FAILED"
	CodeInvalidResource    = "INVALID_RESOURCE"
	CodeMissingEndState    = "MISSING_END_STATE"
	CodeDuplicateStateName = "DUPLICATE_STATE_NAME"
	CodeInvalidStateName   = "INVALID_STATE_NAME"
	CodeDuplicateLabel     = "DUPLICATE_LABEL_NAME"
	CodeInvalidLabel       = "INVALID_LABEL_NAME"
	CodeMissingTarget      = "MISSING_TRANSITION_TARGET"
	CodeTooDeeplyNested    = "TOO_DEEPLY_NESTED"
	// Warnings.
	CodeNoDollar           = "NO_DOLLAR"
	CodeNoPath             = "NO_PATH"
	CodePassResultIsStatic = "PASS_RESULT_IS_STATIC"
)

// Diagnostic is one problem ValidateDefinition found, shaped like an
// element of ValidateStateMachineDefinition's diagnostics.
type Diagnostic struct {
	Severity Severity
	// Code is the ValidateStateMachineDefinition code for the kind of
	// problem, such as SCHEMA_VALIDATION_FAILED.
	Code string
	// Rule is this validator's own id for the check, such as
	// field-path-pair; several rules share a Code.
	Rule string
	// Location is the JSON Pointer of the offending field, such as
	// /States/Fanout/Branches/0/States/Work/Next; empty for the whole
	// definition.
	Location string
	// Message says what is wrong and how to fix it.
	Message string
}

// String formats d as one line: SEVERITY CODE location: message [rule].
func (d Diagnostic) String() string {
	loc := d.Location
	if loc == "" {
		loc = "/"
	}
	return fmt.Sprintf("%s %s %s: %s [%s]", d.Severity, d.Code, loc, d.Message, d.Rule)
}

// MarshalJSON writes d as ValidateStateMachineDefinition does, with the
// rule id at the end of the message.
func (d Diagnostic) MarshalJSON() ([]byte, error) {
	type wire struct {
		Severity Severity `json:"severity"`
		Code     string   `json:"code"`
		Message  string   `json:"message"`
		Location string   `json:"location,omitempty"`
	}
	return json.Marshal(wire{d.Severity, d.Code, d.Message + " [" + d.Rule + "]", d.Location})
}

// ValidationResult is ValidateStateMachineDefinition's response: Result is
// OK when no diagnostic is an ERROR, FAIL otherwise.
type ValidationResult struct {
	Result      string       `json:"result"`
	Diagnostics []Diagnostic `json:"diagnostics"`
	Truncated   bool         `json:"truncated"`
}

// MaxDiagnostics is how many diagnostics ValidateStateMachineDefinition
// returns at most by default; a result with more says Truncated.
const MaxDiagnostics = 100

// NewValidationResult builds the response shape from diagnostics, keeping at most max
// of them (max <= 0 keeps all).
func NewValidationResult(diags []Diagnostic, max int) ValidationResult {
	r := ValidationResult{Result: "OK", Diagnostics: diags}
	if HasErrors(diags) {
		r.Result = "FAIL"
	}
	if r.Diagnostics == nil {
		r.Diagnostics = []Diagnostic{}
	}
	if max > 0 && len(r.Diagnostics) > max {
		r.Diagnostics, r.Truncated = r.Diagnostics[:max], true
	}
	return r
}

// HasErrors reports whether any diagnostic is an ERROR.
func HasErrors(diags []Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == SeverityError {
			return true
		}
	}
	return false
}

// ValidateDefinition checks a definition the way Step Functions'
// ValidateStateMachineDefinition does and returns every problem found,
// errors and warnings, in the order of the definition. Parse refuses
// exactly the definitions for which it returns an ERROR.
func ValidateDefinition(definition []byte) []Diagnostic {
	_, diags := validateDefinition(definition, Standard)
	return diags
}

// validateDefinition decodes and validates a definition for a machine of
// type typ; sm is nil when the definition could not be decoded.
func validateDefinition(definition []byte, typ WorkflowType) (*StateMachine, []Diagnostic) {
	fail := func(code, rule, loc, format string, args ...any) []Diagnostic {
		return []Diagnostic{{Severity: SeverityError, Code: code, Rule: rule, Location: loc, Message: fmt.Sprintf(format, args...)}}
	}
	trimmed := bytes.TrimSpace(definition)
	switch {
	case len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")):
		return nil, fail(CodeMissingDescription, "definition-present", "", "the definition is empty: give a JSON object with StartAt and States")
	case len(definition) > MaxDefinitionBytes:
		return nil, fail(CodeSchema, "definition-size", "", "the definition is %d bytes; Step Functions accepts at most %d: move large constants to the input or to S3", len(definition), MaxDefinitionBytes)
	case !json.Valid(trimmed):
		var v any
		err := json.Unmarshal(trimmed, &v)
		return nil, fail(CodeInvalidJSON, "json-syntax", "", "the definition is not JSON: %v", strings.TrimPrefix(err.Error(), "json: "))
	case trimmed[0] != '{':
		return nil, fail(CodeSchema, "definition-object", "", "the definition must be a JSON object with StartAt and States, not %s", jsonKind(trimmed))
	}
	m, err := model.Decode(definition)
	var decodeErr *model.Error
	if errors.As(err, &decodeErr) {
		diags := make([]Diagnostic, len(decodeErr.Problems))
		for i, p := range decodeErr.Problems {
			code, rule := CodeSchema, "schema"
			if strings.Contains(p.Message, "appears twice") {
				code, rule = CodeDuplicateStateName, "unique-state-names"
			}
			diags[i] = Diagnostic{Severity: SeverityError, Code: code, Rule: rule, Location: pointer(p.Path, p.Field), Message: p.Message}
		}
		return nil, diags
	}
	if err != nil {
		return nil, fail(CodeSchema, "schema", "", "%v", err)
	}
	sm := machineOf(m, JSONPath)
	v := &validator{raw: rawStates(definition)}
	v.machine(sm, "", true)
	v.definitionWide(m)
	v.expressResources(m, typ)
	return sm, v.diags
}

// jsonKind names the JSON type of a valid JSON value.
func jsonKind(v []byte) string {
	switch v[0] {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// pointer appends a field written the validator's way (Retry[0].MaxAttempts,
// ItemReader.Resource, Credentials.RoleArn.$) to a JSON Pointer; a ".$"
// suffix stays part of its key.
func pointer(base, field string) string {
	if field == "" {
		return base
	}
	r := strings.NewReplacer(".$", ".$", "[", "/", "]", "", ".", "/")
	return base + "/" + strings.TrimPrefix(r.Replace(field), "/")
}

// ValidationError is the error of Parse for an invalid definition: its
// Diagnostics are the ERRORs ValidateDefinition found.
type ValidationError struct {
	Diagnostics []Diagnostic
}

func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		if d.Location == "" {
			lines[i] = fmt.Sprintf("%s [%s]", d.Message, d.Rule)
		} else {
			lines[i] = fmt.Sprintf("%s: %s [%s]", d.Location, d.Message, d.Rule)
		}
	}
	if len(lines) == 1 {
		return "invalid state machine definition: " + lines[0]
	}
	return "invalid state machine definition:\n  " + strings.Join(lines, "\n  ")
}
