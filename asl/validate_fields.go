package asl

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// commonFields may appear on every state type.
var commonFields = []string{"Type", "Comment", "QueryLanguage"}

// fieldsByType lists the fields each state type allows besides
// commonFields, for either query language (languageFields refuses the
// other language's). The lists follow the specification's and the
// developer guide's table of fields per state type.
var fieldsByType = map[string][]string{
	TypePass:    {"Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "Result", "Assign", "Output"},
	TypeTask:    {"Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Retry", "Catch", "Credentials", "Assign", "Arguments", "Output"},
	TypeChoice:  {"InputPath", "OutputPath", "Choices", "Default", "Assign", "Output"},
	TypeWait:    {"Next", "End", "InputPath", "OutputPath", "Seconds", "SecondsPath", "Timestamp", "TimestampPath", "Assign", "Output"},
	TypeSucceed: {"InputPath", "OutputPath", "Output"},
	TypeFail:    {"Error", "ErrorPath", "Cause", "CausePath"},
	TypeParallel: {"Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "Branches", "Retry", "Catch",
		"Assign", "Arguments", "Output"},
	TypeMap: {"Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "ItemProcessor", "Iterator", "ItemsPath",
		"Items", "ItemSelector", "MaxConcurrency", "MaxConcurrencyPath", "ItemReader", "ItemBatcher", "ResultWriter",
		"ToleratedFailureCount", "ToleratedFailureCountPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "Label",
		"Retry", "Catch", "Assign", "Output"},
}

// allowedFields reports the fields the state's type does not allow, such
// as Catch on a Pass state.
func (v *validator) allowedFields(st *State) {
	allowed := map[string]bool{}
	for _, f := range append(fieldsByType[st.Type], commonFields...) {
		allowed[f] = true
	}
	raw := v.raw[v.at]
	names := make([]string, 0, len(raw))
	for name := range raw {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !allowed[name] {
			v.add("state-fields", name, "a %s state does not take %s: remove it (%s takes %s)", st.Type, name, st.Type, strings.Join(fieldsByType[st.Type], ", "))
		}
	}
}

// pathPairs are the fields that have a Path variant; a state gives one of
// the two at most.
var pathPairs = []string{"TimeoutSeconds", "HeartbeatSeconds", "Seconds", "Timestamp", "Error", "Cause", "MaxConcurrency",
	"ToleratedFailureCount", "ToleratedFailurePercentage", "MaxItems", "MaxItemsPerBatch", "MaxInputBytesPerBatch"}

// fieldPathPairs reports an object (a state, an ItemBatcher, a
// ReaderConfig at field) giving both a field and its Path variant.
func (v *validator) fieldPathPairs(obj map[string]json.RawMessage, field string) {
	for _, f := range pathPairs {
		_, value := obj[f]
		_, path := obj[f+"Path"]
		if value && path {
			at := f + "Path"
			if field != "" {
				at = field + "." + at
			}
			v.add("field-path-pair", at, "give %s or %sPath, not both", f, f)
		}
	}
}

// subObject decodes a nested object of a state (ItemBatcher,
// ItemReader.ReaderConfig) as its fields; nil when absent or not an object.
func subObject(raw json.RawMessage) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m
}

// terminal reports a machine with no state that ends it.
func (v *validator) terminal(sm *StateMachine) {
	if len(sm.States) == 0 {
		return
	}
	for _, st := range sm.States {
		if st.End || st.Type == TypeSucceed || st.Type == TypeFail {
			return
		}
	}
	// "A state machine MUST have at least one terminal state": a Succeed,
	// a Fail, or a state with "End": true.
	v.report(SeverityError, CodeMissingEndState, "terminal-state", "States", "no state ends %s: give a state \"End\": true or add a Succeed or Fail state", scopeName(v.at))
}

// wait checks a Wait state's duration.
func (v *validator) wait(st *State) {
	if countSet(st.Seconds != nil, st.Timestamp != nil, st.SecondsPath != "", st.TimestampPath != "") != 1 {
		// "A Wait state MUST contain exactly one of "Seconds", "SecondsPath",
		// "Timestamp", or "TimestampPath"."
		v.add("wait-exactly-one", "Seconds", "a Wait state needs exactly one of Seconds, Timestamp, SecondsPath and TimestampPath")
	}
	if _, expr := jsonataString(st.Seconds); st.Seconds != nil && !(st.QueryLanguage == JSONata && expr) {
		var n float64
		if err := json.Unmarshal(st.Seconds, &n); err != nil || n < 0 || n != float64(int64(n)) || n > 99999999 {
			// "Seconds: A time, in seconds, ... MUST be a non-negative integer."
			v.add("wait-seconds", "Seconds", "%s is not a whole number of seconds from 0 to 99999999: write a number (use SecondsPath to read it from the input)", string(st.Seconds))
		}
	}
	if s, expr := jsonataString(st.Timestamp); st.Timestamp != nil && !(st.QueryLanguage == JSONata && expr) {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			// "Timestamp ... MUST be a string conforming to the RFC3339 profile of ISO 8601"
			v.add("wait-timestamp", "Timestamp", "%s is not an RFC 3339 timestamp such as \"2026-03-14T01:59:00Z\"", string(st.Timestamp))
		}
	}
}

// jsonataString decodes a JSON string and tells whether it is a {% %}
// expression.
func jsonataString(raw json.RawMessage) (string, bool) {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	_, ok := jsonataExpr(s)
	return s, ok
}

var (
	// lambdaARN is a function's ARN, with an optional version or alias.
	lambdaARN = regexp.MustCompile(`^arn:aws[a-z-]*:lambda:[a-z]{2}(-[a-z]+)+-\d:\d{12}:function:[A-Za-z0-9_-]{1,64}(:(\$LATEST|[A-Za-z0-9_-]{1,128}))?$`)
	// activityARN is an activity's ARN.
	activityARN = regexp.MustCompile(`^arn:aws[a-z-]*:states:[a-z]{2}(-[a-z]+)+-\d:\d{12}:activity:[A-Za-z0-9_.-]{1,80}$`)
	// integrationARN is a service integration: arn:aws:states:::service:action
	// with an optional .sync, .sync:2 or .waitForTaskToken.
	integrationARN = regexp.MustCompile(`^arn:aws[a-z-]*:states:::[a-z0-9-]+(:[A-Za-z0-9.]+)+(\.sync(:2)?|\.waitForTaskToken)?$`)
)

// resource checks a Task's Resource: a Lambda function, an activity or a
// service integration ARN, in the format Step Functions accepts.
func (v *validator) resource(st *State) {
	r := st.Resource
	bad := func(format string, args ...any) {
		v.report(SeverityError, CodeInvalidResource, "task-resource", "Resource", format, args...)
	}
	switch {
	case r == "":
		bad("is missing: give the ARN of the function, activity or service integration")
	case st.QueryLanguage == JSONata && strings.HasPrefix(strings.TrimSpace(r), "{%"):
		bad("%q: Resource is a URI, not a JSONata expression; put the function name in Arguments", r)
	case !strings.HasPrefix(r, "arn:"):
		bad("%q is not an ARN: give arn:aws:lambda:REGION:ACCOUNT:function:NAME, an activity ARN or arn:aws:states:::SERVICE:ACTION", r)
	case strings.Contains(r, ":activity:"):
		if !activityARN.MatchString(r) {
			bad("%q is not an activity ARN: write arn:aws:states:REGION:ACCOUNT:activity:NAME", r)
		}
	case strings.Contains(r, ":states:::"):
		if !integrationARN.MatchString(r) {
			bad("%q is not a service integration: write arn:aws:states:::SERVICE:ACTION, optionally ending in .sync or .waitForTaskToken", r)
		}
	case strings.Contains(r, ":lambda:"):
		if !lambdaARN.MatchString(r) {
			bad("%q is not a Lambda function ARN: write arn:aws:lambda:REGION:ACCOUNT:function:NAME with an optional :VERSION or :ALIAS (a 12-digit account, a name of letters, digits, - and _)", r)
		}
	}
}

// checkResultPath reports a ResultPath that is not a Reference Path into
// the state's input: "$", "$.field" or "$[index]", never a variable or the
// context object.
func checkResultPath(path string) error {
	if path != "$" && !strings.HasPrefix(path, "$.") && !strings.HasPrefix(path, "$[") {
		return fmt.Errorf("%q is not a reference path into the input: write $ or start with $. or $[ (ResultPath cannot write a variable or the context object)", path)
	}
	return checkReferencePath(path)
}

// credentials checks a Task's Credentials: an object with a RoleArn (or,
// in JSONPath, a RoleArn.$ path).
func (v *validator) credentials(st *State) {
	if st.Credentials == nil {
		return
	}
	obj := subObject(st.Credentials)
	if obj == nil {
		v.add("credentials", "Credentials", "%s is not an object: write {\"RoleArn\": \"arn:aws:iam::ACCOUNT:role/NAME\"}", string(st.Credentials))
		return
	}
	roleArn, literal := obj["RoleArn"]
	rolePath, isPath := obj["RoleArn.$"]
	switch {
	case literal == isPath:
		v.add("credentials", "Credentials", "give exactly one of RoleArn and RoleArn.$")
	case isPath && st.QueryLanguage == JSONata:
		v.add("credentials", "Credentials.RoleArn.$", "a JSONata state writes RoleArn, with a {%% %%} expression if it is computed")
	case isPath:
		var p string
		if json.Unmarshal(rolePath, &p) != nil {
			v.add("credentials", "Credentials.RoleArn.$", "must be a path string such as \"$.roleArn\"")
		} else if _, err := compilePath(p); err != nil {
			v.add("credentials", "Credentials.RoleArn.$", "%v", err)
		}
	default:
		var s string
		if json.Unmarshal(roleArn, &s) != nil || s == "" {
			v.add("credentials", "Credentials.RoleArn", "must be a role ARN string")
		} else if _, expr := jsonataExpr(s); !expr && !strings.HasPrefix(s, "arn:") {
			v.add("credentials", "Credentials.RoleArn", "%q is not a role ARN: write arn:aws:iam::ACCOUNT:role/NAME", s)
		}
	}
	for k := range obj {
		if k != "RoleArn" && k != "RoleArn.$" {
			v.add("credentials", "Credentials."+k, "is not a Credentials field: Credentials takes RoleArn only")
		}
	}
}
