package asl

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// lambdaFn is a well-formed Lambda function ARN for the cases below.
const lambdaFn = "arn:aws:lambda:us-east-1:123456789012:function:f"

// validationCases are definitions Step Functions refuses (or warns of),
// each with the location, the code and the rule of the diagnostic it must
// produce; the comment quotes the specification or the developer guide.
var validationCases = []struct {
	name, def            string
	location, code, rule string
}{
	{"unknown state type", `{"StartAt":"A","States":{"A":{"Type":"Magic","End":true}}}`, "/States/A/Type", CodeSchema, "state-type"},
	// "every non-terminal state MUST have a "Next" field or "End": true"
	{"missing Next", `{"StartAt":"A","States":{"A":{"Type":"Pass"},"B":{"Type":"Succeed"}}}`, "/States/A/Next", CodeSchema, "next-or-end"},
	{"End and Next", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"A","End":true}}}`, "/States/A/End", CodeSchema, "next-or-end"},
	// "the value of "Next" MUST exactly and case-sensitively match the name of another state"
	{"Next to nowhere", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Gone"},"B":{"Type":"Succeed"}}}`, "/States/A/Next", CodeMissingTarget, "transition-target"},
	{"StartAt to nowhere", `{"StartAt":"X","States":{"A":{"Type":"Succeed"}}}`, "/StartAt", CodeMissingTarget, "start-at"},
	{"unreachable state", `{"StartAt":"A","States":{"A":{"Type":"Succeed"},"Island":{"Type":"Succeed"}}}`, "/States/Island", CodeSchema, "reachable"},
	{"bad JSONPath", `{"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$.a[","End":true}}}`, "/States/A/InputPath", CodeSchema, "jsonpath-syntax"},
	{"JSONPath script expression", `{"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$.a[(@.length-1)]","End":true}}}`, "/States/A/InputPath", CodeSchema, "jsonpath-syntax"},
	// "The value of "ResultPath" MUST be a Reference Path"
	{"ResultPath with a wildcard", `{"StartAt":"A","States":{"A":{"Type":"Pass","ResultPath":"$.a[*]","End":true}}}`, "/States/A/ResultPath", CodeSchema, "jsonpath-syntax"},
	{"ResultPath not a path into the input", `{"StartAt":"A","States":{"A":{"Type":"Pass","ResultPath":"$foo","End":true}}}`, "/States/A/ResultPath", CodeSchema, "jsonpath-syntax"},
	{"Catch ResultPath into the context", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"` + lambdaFn + `","Catch":[{"ErrorEquals":["E"],"ResultPath":"$$.x","Next":"B"}],"End":true},"B":{"Type":"Succeed"}}}`, "/States/A/Catch/0/ResultPath", CodeSchema, "catch-fields"},
	// "the value of a field whose name ends in ".$" MUST be a Path or an intrinsic function"
	{"bad Parameters path", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x.$":"no-dollar"},"End":true}}}`, "/States/A/Parameters", CodeSchema, "payload-template"},
	{"bad intrinsic", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x.$":"States.Nope(1)"},"End":true}}}`, "/States/A/Parameters", CodeSchema, "payload-template"},
	// "A JSON object MUST NOT have duplicate field names after fields ending with the characters ".$" are renamed to strip the ".$" suffix."
	{"x and x.$", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x":1,"x.$":"$.y"},"End":true}}}`, "/States/A/Parameters", CodeSchema, "payload-template"},
	{"x and x.$ in Assign", `{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"v":{"x":1,"x.$":"$.y"}},"End":true}}}`, "/States/A/Assign", CodeSchema, "payload-template"},
	{"bad JSONata", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% $states.input.( %}","End":true}}}`, "/States/A/Output", CodeSchema, "jsonata-syntax"},
	{"bad JSONata nested in Assign", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"a":{"b":["{% 1 + %}"]}},"End":true}}}`, "/States/A/Assign", CodeSchema, "jsonata-syntax"},
	{"bad JSONata in a catcher's Assign", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Task","Resource":"` + lambdaFn + `","Catch":[{"ErrorEquals":["E"],"Assign":{"x":"{% $states.errorOutput.( %}"},"Next":"B"}],"End":true},"B":{"Type":"Succeed"}}}`, "/States/A/Catch/0/Assign", CodeSchema, "jsonata-syntax"},
	{"bad JSONata in a choice rule's Assign", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Choice","Choices":[{"Condition":"{% true %}","Assign":{"x":"{% ) %}"},"Next":"B"}]},"B":{"Type":"Succeed"}}}`, "/States/A/Choices/0/Assign", CodeSchema, "jsonata-syntax"},
	// "All built-in JSONata functions and operators of the 2.0.6 spec are supported, with one exception: $eval is not available. Use $parse instead."
	{"$eval in JSONata", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":{"v":"{% $eval($states.input.code) %}"},"End":true}}}`, "/States/A/Output", CodeSchema, "jsonata-unsupported"},
	{"JSONata 2.1 operator", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% $states.input.name ?? 'anonymous' %}","End":true}}}`, "/States/A/Output", CodeSchema, "jsonata-unsupported"},
	// "Attempting to access $states.result or $states.errorOutput in fields and states where they are not accessible will be caught at creation, update, or validation of the state machine."
	{"$states.result in Arguments", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Task","Resource":"` + lambdaFn + `","Arguments":{"x":"{% $states.result %}"},"End":true}}}`, "/States/A/Arguments", CodeSchema, "jsonata-states"},
	{"$states.errorOutput outside a Catch", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Task","Resource":"` + lambdaFn + `","Output":"{% $states.errorOutput %}","End":true}}}`, "/States/A/Output", CodeSchema, "jsonata-states"},
	// "the string must start with {% with no leading spaces, and must end with %} with no trailing spaces"
	{"spaces around a JSONata expression", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":{"v":" {% 1 %}"},"End":true}}}`, "/States/A/Output", CodeSchema, "jsonata-delimiters"},
	// Express workflows do not support the .sync and .waitForTaskToken patterns; a Distributed Map's EXPRESS child executions are Express workflows.
	{".sync in EXPRESS child executions", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"S","States":{"S":{"Type":"Task","Resource":"arn:aws:states:::glue:startJobRun.sync","Parameters":{"JobName":"j"},"End":true}}},"End":true}}}`, "/States/M/ItemProcessor/States/S/Resource", CodeSchema, "express-integrations"},
	{"JSONPath field in JSONata", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$.x","End":true}}}`, "/States/A/InputPath", CodeSchema, "query-language-fields"},
	// "The reserved name "States.ALL" ... MUST appear alone in its "ErrorEquals" array and MUST appear in the last Retrier/Catcher"
	{"States.ALL not last", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"` + lambdaFn + `","Catch":[{"ErrorEquals":["States.ALL"],"Next":"B"},{"ErrorEquals":["E"],"Next":"B"}],"End":true},"B":{"Type":"Succeed"}}}`, "/States/A/Catch/0/ErrorEquals", CodeSchema, "error-equals"},
	{"States.ALL with others", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"` + lambdaFn + `","Retry":[{"ErrorEquals":["States.ALL","E"]}],"End":true}}}`, "/States/A/Retry/0/ErrorEquals", CodeSchema, "error-equals"},
	{"unknown predefined error", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"` + lambdaFn + `","Retry":[{"ErrorEquals":["States.Typo"]}],"End":true}}}`, "/States/A/Retry/0/ErrorEquals", CodeSchema, "error-equals"},
	// "BackoffRate ... MUST be greater than or equal to 1.0"
	{"BackoffRate below 1", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"` + lambdaFn + `","Retry":[{"ErrorEquals":["E"],"BackoffRate":0.5}],"End":true}}}`, "/States/A/Retry/0/BackoffRate", CodeSchema, "retrier-fields"},
	// "HeartbeatSeconds ... MUST be smaller than TimeoutSeconds"
	{"heartbeat not below timeout", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","TimeoutSeconds":60,"HeartbeatSeconds":60,"End":true}}}`, "/States/A/HeartbeatSeconds", CodeSchema, "task-timeouts"},
	{"unknown field", `{"StartAt":"A","States":{"A":{"Type":"Pass","Nxt":"B","End":true}}}`, "/States/A/Nxt", CodeSchema, "schema"},
	// "A Choice state MUST have a "Choices" field whose value is a non-empty array"
	{"Choice without rules", `{"StartAt":"A","States":{"A":{"Type":"Choice","Choices":[],"Default":"B"},"B":{"Type":"Succeed"}}}`, "/States/A/Choices", CodeSchema, "choice-rules"},
	{"Choice rule with two operators", `{"StartAt":"A","States":{"A":{"Type":"Choice","Choices":[{"Variable":"$.a","StringEquals":"x","NumericEquals":1,"Next":"B"}]},"B":{"Type":"Succeed"}}}`, "/States/A/Choices/0", CodeSchema, "choice-rules"},
	{"Choice operand of the wrong type", `{"StartAt":"A","States":{"A":{"Type":"Choice","Choices":[{"Variable":"$.a","NumericEquals":"1","Next":"B"}]},"B":{"Type":"Succeed"}}}`, "/States/A/Choices/0/NumericEquals", CodeSchema, "choice-rules"},
	{"Choice rule with a misspelt field", `{"StartAt":"A","States":{"A":{"Type":"Choice","Choices":[{"Variable":"$.a","BooleanEquals":true,"Nxt":"B","Next":"B"}]},"B":{"Type":"Succeed"}}}`, "/States/A/Choices/0/Nxt", CodeSchema, "choice-rules"},
	// "A Wait state MUST contain exactly one of "Seconds", "SecondsPath", "Timestamp", or "TimestampPath""
	{"Wait with two fields", `{"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":1,"SecondsPath":"$.s","End":true}}}`, "/States/A/Seconds", CodeSchema, "wait-exactly-one"},
	// "Seconds ... a non-negative integer"
	{"Wait Seconds a string", `{"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":"10","End":true}}}`, "/States/A/Seconds", CodeSchema, "wait-seconds"},
	{"Wait Seconds negative", `{"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":-1,"End":true}}}`, "/States/A/Seconds", CodeSchema, "wait-seconds"},
	// "Timestamp ... MUST conform to the RFC3339 profile of ISO 8601"
	{"Wait Timestamp not RFC 3339", `{"StartAt":"A","States":{"A":{"Type":"Wait","Timestamp":"tomorrow","End":true}}}`, "/States/A/Timestamp", CodeSchema, "wait-timestamp"},
	{"Distributed field on inline Map", `{"StartAt":"M","States":{"M":{"Type":"Map","ToleratedFailureCount":1,"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`, "/States/M/ToleratedFailureCount", CodeSchema, "map-fields"},
	// "MaxConcurrency ... MUST be a non-negative integer"
	{"Map MaxConcurrency negative", `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":-2,"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`, "/States/M/MaxConcurrency", CodeSchema, "map-fields"},
	{"error inside a branch", `{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"X","States":{"X":{"Type":"Pass","Next":"Nope"},"Y":{"Type":"Succeed"}}}],"End":true}}}`, "/States/P/Branches/0/States/X/Next", CodeMissingTarget, "transition-target"},
	{"not JSON", `{"StartAt":`, "", CodeInvalidJSON, "json-syntax"},
	{"empty definition", ` `, "", CodeMissingDescription, "definition-present"},
	{"Resource not an ARN", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"my-function","End":true}}}`, "/States/A/Resource", CodeInvalidResource, "task-resource"},
	{"Lambda ARN with a short account", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true}}}`, "/States/A/Resource", CodeInvalidResource, "task-resource"},
	{"Lambda alias with a bad character", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f:prod!","End":true}}}`, "/States/A/Resource", CodeInvalidResource, "task-resource"},
	{"integration without an action", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda","End":true}}}`, "/States/A/Resource", CodeInvalidResource, "task-resource"},
	// Fields a state type does not allow (the specification's table of fields per state type).
	{"ResultSelector on Pass", `{"StartAt":"A","States":{"A":{"Type":"Pass","ResultSelector":{"a":1},"End":true}}}`, "/States/A/ResultSelector", CodeSchema, "state-fields"},
	{"Catch on Pass", `{"StartAt":"A","States":{"A":{"Type":"Pass","Catch":[{"ErrorEquals":["States.ALL"],"Next":"B"}],"Next":"B"},"B":{"Type":"Succeed"}}}`, "/States/A/Catch", CodeSchema, "state-fields"},
	{"Retry on Wait", `{"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":1,"Retry":[],"End":true}}}`, "/States/A/Retry", CodeSchema, "state-fields"},
	{"Parameters on Succeed", `{"StartAt":"A","States":{"A":{"Type":"Succeed","Parameters":{}}}}`, "/States/A/Parameters", CodeSchema, "state-fields"},
	{"InputPath on Fail", `{"StartAt":"A","States":{"A":{"Type":"Fail","InputPath":"$.x"}}}`, "/States/A/InputPath", CodeSchema, "state-fields"},
	{"Resource on Parallel", `{"StartAt":"P","States":{"P":{"Type":"Parallel","Resource":"` + lambdaFn + `","Branches":[{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}],"End":true}}}`, "/States/P/Resource", CodeSchema, "state-fields"},
	// "State names MUST be unique within the scope of the whole state machine."
	{"same name in two branches", `{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}],"End":true}}}`, "/States/P/Branches/1/States/X", CodeDuplicateStateName, "unique-state-names"},
	{"same name in a Map and outside", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"M","States":{"M":{"Type":"Succeed"}}},"End":true}}}`, "/States/M/ItemProcessor/States/M", CodeDuplicateStateName, "unique-state-names"},
	{"same name twice in one machine", `{"StartAt":"A","States":{"A":{"Type":"Succeed"},"A":{"Type":"Succeed"}}}`, "/States/A", CodeDuplicateStateName, "unique-state-names"},
	// "State names MUST have length of less than or equal to 80 Unicode characters."
	{"state name too long", `{"StartAt":"` + strings.Repeat("é", 81) + `","States":{"` + strings.Repeat("é", 81) + `":{"Type":"Succeed"}}}`, "/States/" + strings.Repeat("é", 81), CodeInvalidStateName, "state-name"},
	// A machine needs a terminal state: a Succeed, a Fail or "End": true.
	{"no terminal state", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"}}}`, "/States", CodeMissingEndState, "terminal-state"},
	{"no terminal state in a branch", `{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"X","States":{"X":{"Type":"Pass","Next":"X"}}}],"End":true}}}`, "/States/P/Branches/0/States", CodeMissingEndState, "terminal-state"},
	// Credentials: "an object with a RoleArn (or RoleArn.$) field".
	{"Credentials null", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"` + lambdaFn + `","Credentials":null,"End":true}}}`, "/States/A/Credentials", CodeSchema, "credentials"},
	{"Credentials with a bad path", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"` + lambdaFn + `","Credentials":{"RoleArn.$":"$.a["},"End":true}}}`, "/States/A/Credentials/RoleArn.$", CodeSchema, "credentials"},
	{"Credentials without RoleArn", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"` + lambdaFn + `","Credentials":{},"End":true}}}`, "/States/A/Credentials", CodeSchema, "credentials"},
	// A field and its Path variant: give one.
	{"TimeoutSeconds and TimeoutSecondsPath", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"` + lambdaFn + `","TimeoutSeconds":5,"TimeoutSecondsPath":"$.t","End":true}}}`, "/States/A/TimeoutSecondsPath", CodeSchema, "field-path-pair"},
	{"HeartbeatSeconds and HeartbeatSecondsPath", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"` + lambdaFn + `","HeartbeatSeconds":5,"HeartbeatSecondsPath":"$.t","End":true}}}`, "/States/A/HeartbeatSecondsPath", CodeSchema, "field-path-pair"},
	{"Error and ErrorPath", `{"StartAt":"A","States":{"A":{"Type":"Fail","Error":"E","ErrorPath":"$.e"}}}`, "/States/A/ErrorPath", CodeSchema, "field-path-pair"},
	{"Cause and CausePath", `{"StartAt":"A","States":{"A":{"Type":"Fail","Cause":"C","CausePath":"$.c"}}}`, "/States/A/CausePath", CodeSchema, "field-path-pair"},
	{"MaxConcurrency and MaxConcurrencyPath", `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"MaxConcurrencyPath":"$.n","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`, "/States/M/MaxConcurrencyPath", CodeSchema, "field-path-pair"},
	{"MaxItems and MaxItemsPath", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON","MaxItems":1,"MaxItemsPath":"$.n"},"Parameters":{"Bucket":"b","Key":"k"}},"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`, "/States/M/ItemReader/ReaderConfig/MaxItemsPath", CodeSchema, "field-path-pair"},
	// ItemReader (Map): "InputType: Accepts one of the following values: CSV, JSON, JSONL, PARQUET, MANIFEST."
	{"unknown InputType", dmapDef(getObjectReader(`"InputType":"XML"`)), "/States/M/ItemReader/ReaderConfig/InputType", CodeSchema, "item-reader"},
	{"getObject reader without InputType", dmapDef(getObjectReader(`"MaxItems":5`)), "/States/M/ItemReader/ReaderConfig/InputType", CodeSchema, "item-reader"},
	// "GIVEN – Use this option to specify the header within the state machine definition" (CSVHeaders).
	{"CSVHeaders without GIVEN", dmapDef(getObjectReader(`"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW","CSVHeaders":["a"]`)), "/States/M/ItemReader/ReaderConfig/CSVHeaders", CodeSchema, "item-reader"},
	{"GIVEN without CSVHeaders", dmapDef(getObjectReader(`"InputType":"CSV","CSVHeaderLocation":"GIVEN"`)), "/States/M/ItemReader/ReaderConfig/CSVHeaderLocation", CodeSchema, "item-reader"},
	// "CSVDelimiter: COMMA (default), PIPE, SEMICOLON, SPACE, TAB"; CSV fields need InputType CSV.
	{"unknown CSVDelimiter", dmapDef(getObjectReader(`"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW","CSVDelimiter":"COLON"`)), "/States/M/ItemReader/ReaderConfig/CSVDelimiter", CodeSchema, "item-reader"},
	{"CSVDelimiter on a JSON reader", dmapDef(getObjectReader(`"InputType":"JSON","CSVDelimiter":"TAB"`)), "/States/M/ItemReader/ReaderConfig/CSVDelimiter", CodeSchema, "item-reader"},
	// "MaxItems ... The upper limit is 100,000,000."
	{"MaxItems beyond the limit", dmapDef(getObjectReader(`"InputType":"JSON","MaxItems":100000001`)), "/States/M/ItemReader/ReaderConfig/MaxItems", CodeSchema, "item-reader"},
	// ResultWriter (Map): "The ResultWriter field cannot be empty. You must specify one of these sets of sub-fields."
	{"empty ResultWriter", dmapDef(`"ResultWriter":{}`), "/States/M/ResultWriter", CodeSchema, "result-writer"},
	{"ResultWriter Resource without Parameters", dmapDef(`"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject"}`), "/States/M/ResultWriter/Parameters", CodeSchema, "result-writer"},
	// "Transformation: NONE, COMPACT, FLATTEN"; "OutputType: JSON, JSONL".
	{"unknown Transformation", dmapDef(`"ResultWriter":{"WriterConfig":{"Transformation":"SQUASH","OutputType":"JSON"}}`), "/States/M/ResultWriter/WriterConfig/Transformation", CodeSchema, "result-writer"},
	{"ToleratedFailureCount and its Path", `{"StartAt":"M","States":{"M":{"Type":"Map","ToleratedFailureCount":1,"ToleratedFailureCountPath":"$.n","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`, "/States/M/ToleratedFailureCountPath", CodeSchema, "field-path-pair"},
	{"MaxItemsPerBatch and its Path", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemBatcher":{"MaxItemsPerBatch":2,"MaxItemsPerBatchPath":"$.n"},"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`, "/States/M/ItemBatcher/MaxItemsPerBatchPath", CodeSchema, "field-path-pair"},
	{"two Distributed Maps with one label", `{"StartAt":"M","States":{"M":{"Type":"Map","Label":"L","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"Next":"N"},"N":{"Type":"Map","Label":"L","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"Q","States":{"Q":{"Type":"Pass","End":true}}},"End":true}}}`, "/States/N/Label", CodeDuplicateLabel, "unique-labels"},
	{"label with a space", `{"StartAt":"M","States":{"M":{"Type":"Map","Label":"my label","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`, "/States/M/Label", CodeInvalidLabel, "map-label"},
	{"Version other than 1.0", `{"Version":"2.0","StartAt":"A","States":{"A":{"Type":"Succeed"}}}`, "/Version", CodeSchema, "version"},
	{"a state that is not an object", `{"StartAt":"A","States":{"A":{"Type":"Succeed"},"QueryLanguage":"JSONata"}}`, "/States/QueryLanguage", CodeSchema, "schema"},
	// Warnings: ValidateStateMachineDefinition's NO_DOLLAR, NO_PATH and PASS_RESULT_IS_STATIC.
	{"path without .$", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x":"$.y"},"End":true}}}`, "/States/A/Parameters", CodeNoDollar, "no-dollar"},
	{"path in Error", `{"StartAt":"A","States":{"A":{"Type":"Fail","Error":"$.error"}}}`, "/States/A/Error", CodeNoPath, "no-path"},
	{"path in a Pass Result", `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"x.$":"$.y"},"End":true}}}`, "/States/A/Result", CodePassResultIsStatic, "pass-result-static"},
	{"catcher shadowed by an earlier one", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"` + lambdaFn + `","Catch":[{"ErrorEquals":["States.TaskFailed"],"Next":"B"},{"ErrorEquals":["MyError"],"Next":"B"}],"End":true},"B":{"Type":"Succeed"}}}`, "/States/A/Catch/1/ErrorEquals", CodeSchema, "catch-shadowed"},
}

func TestValidateDefinitionReportsEachRule(t *testing.T) {
	for _, tt := range validationCases {
		t.Run(tt.name, func(t *testing.T) {
			diags := ValidateDefinition([]byte(tt.def))
			for _, d := range diags {
				if d.Location == tt.location && d.Code == tt.code && d.Rule == tt.rule {
					if d.Message == "" {
						t.Errorf("%s has no message", d)
					}
					return
				}
			}
			t.Errorf("no %s %s at %q; got:\n%v", tt.code, tt.rule, tt.location, diags)
		})
	}
}

func TestParseRefusesErrorsAndAcceptsWarnings(t *testing.T) {
	for _, tt := range validationCases {
		_, err := Parse([]byte(tt.def))
		warning := tt.code == CodeNoDollar || tt.code == CodeNoPath || tt.code == CodePassResultIsStatic || tt.rule == "catch-shadowed"
		var verr *ValidationError
		if warning && err != nil {
			t.Errorf("%s: Parse refused a definition with only a warning: %v", tt.name, err)
		}
		if !warning && !errors.As(err, &verr) {
			t.Errorf("%s: Parse = %v, want a ValidationError", tt.name, err)
		}
		if err != nil && (strings.Contains(err.Error(), "CompileScript") || strings.Contains(err.Error(), "field must")) {
			t.Errorf("%s: the message leaks the implementation: %v", tt.name, err)
		}
	}
}

func TestValidationReportsEveryProblem(t *testing.T) {
	_, err := Parse([]byte(`{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"X"},"B":{"Type":"Nope"},"C":{"Type":"Task","End":true}}}`))
	var verr *ValidationError
	if !errors.As(err, &verr) || len(verr.Diagnostics) < 4 {
		t.Fatalf("err = %v", err)
	}
}

// FuzzEngine feeds random definitions and inputs: parsing either refuses
// with a ValidationError or the execution ends (no panic, no hang).
func FuzzEngine(f *testing.F) {
	f.Add(`{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"a":1},"ResultPath":"$.x","Next":"B"},"B":{"Type":"Choice","Choices":[{"Variable":"$.x.a","NumericEquals":1,"Next":"C"}],"Default":"D"},"C":{"Type":"Succeed"},"D":{"Type":"Fail","Error":"E"}}}`, `{"in":1}`)
	f.Add(`{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.l","ItemProcessor":{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":5,"End":true}}},"End":true}}}`, `{"l":[1,2]}`)
	f.Add(`{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":"States.Format('{}', States.ArrayRange(1, 3, 1))"},"End":true}}}`, `{}`)
	f.Add(`{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $states.input.a & 'x' %}","End":true}}}`, `{"a":"y"}`)
	f.Add(`{"StartAt":"L","States":{"L":{"Type":"Pass","Next":"L"}}}`, `{}`)
	f.Fuzz(func(t *testing.T, def, input string) {
		sm, err := Parse([]byte(def))
		if err != nil {
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Parse returned %T: %v", err, err)
			}
			return
		}
		e := NewEngine(Options{Tasks: (&Registry{}).Fallback(ResolverFunc(func(string, string, any) (TaskHandler, bool) { return echo, true }))})
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		x, err := e.Start(ctx, sm, []byte(input), "")
		if err != nil {
			return // not JSON, or too big
		}
		select {
		case <-x.Done():
		case <-ctx.Done():
			x.Stop("Fuzz", "a loop without end")
			select {
			case <-x.Done():
			case <-time.After(2 * time.Second):
				t.Fatalf("the execution did not stop: %s", def)
			}
		}
	})
}
