package render

import (
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/cfn"
)

const definition = `{
  "StartAt": "Check",
  "States": {
    "Check": {"Type": "Choice", "Choices": [
        {"And": [{"Variable": "$.total", "NumericGreaterThanEquals": 100}, {"Not": {"Variable": "$.vip", "BooleanEquals": true}}], "Next": "Both"},
        {"Variable": "$.error", "IsPresent": false, "Next": "Done"}],
      "Default": "Failed"},
    "Both": {"Type": "Parallel", "Next": "Items", "Catch": [{"ErrorEquals": ["Boom", "States.Timeout"], "Next": "Failed"}],
      "Branches": [
        {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem", "TimeoutSeconds": 3600,
          "Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 2}], "End": true}}},
        {"StartAt": "Pause", "States": {"Pause": {"Type": "Wait", "Seconds": 60, "End": true}}}]},
    "Items": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 5, "Next": "Done",
      "ItemProcessor": {"StartAt": "One", "States": {"One": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:HandleOne0A1B2C3D", "End": true}}}},
    "Done": {"Type": "Succeed"},
    "Failed": {"Type": "Fail", "Error": "Failed", "Cause": "see the history"}
  }
}`

func build(t *testing.T) *Graph {
	t.Helper()
	sm, err := asl.Parse([]byte(definition))
	if err != nil {
		t.Fatal(err)
	}
	return Build(sm)
}

func TestGraph(t *testing.T) {
	g := build(t)
	edges := map[string]Edge{}
	for _, e := range g.Edges {
		edges[e.From+">"+e.To] = e
	}
	for key, want := range map[string]Edge{
		"start>Check":     {Kind: Next},
		"Check>Both":      {Kind: Rule, Label: "$.total >= 100 and not $.vip == true"},
		"Check>Done":      {Kind: Rule, Label: "$.error is not present"},
		"Check>Failed":    {Kind: Default, Label: "default"},
		"Both>Failed":     {Kind: Catch, Label: "Boom, States.Timeout"},
		"Both>Both_Call":  {Kind: Branch},
		"Both>Both_Pause": {Kind: Branch},
		"Items>Items_One": {Kind: Branch},
		"Items>Done":      {Kind: Next},
	} {
		got, ok := edges[key]
		if !ok || got.Kind != want.Kind || got.Label != want.Label {
			t.Errorf("edge %s = %+v (present %v); want %+v", key, got, ok, want)
		}
	}
	notes := map[string][]string{}
	for _, n := range g.Nodes {
		notes[n.ID] = n.Notes
	}
	for id, want := range map[string]string{
		"Both_Call":  "dynamodb:putItem|timeout 1h|retry ×2: States.TaskFailed",
		"Both_Pause": "wait 1min",
		"Items":      "items $.items|at most 5 at once",
		"Items_One":  "Lambda HandleOne",
		"Failed":     "error Failed",
	} {
		if got := strings.Join(notes[id], "|"); got != want {
			t.Errorf("notes of %s = %q; want %q", id, got, want)
		}
	}
}

func TestMermaidAndDOT(t *testing.T) {
	g := build(t)
	m := g.Mermaid()
	for _, want := range []string{
		`subgraph Both_group["Both (Parallel)"]`,
		`subgraph Both_branch1["branch 1"]`,
		`Check -->|"$.total &gt;= 100 and not $.vip == true"| Both_group`,
		`Both_group -.->|"catch Boom, States.Timeout"| Failed`,
		`Check -.->|default| Failed`,
		`class Failed fail`,
		`linkStyle`,
	} {
		if !strings.Contains(m, want) && !strings.Contains(m, strings.Replace(want, "| Both_group", "| Both", 1)) {
			t.Errorf("the Mermaid chart lacks %q:\n%s", want, m)
		}
	}
	d := g.DOT("test")
	for _, want := range []string{"subgraph cluster_Both_group", "subgraph cluster_Items_group", "ltail=cluster_Both_group", `label="catch Boom, States.Timeout"`, "shape=diamond"} {
		if !strings.Contains(d, want) {
			t.Errorf("the DOT lacks %q:\n%s", want, d)
		}
	}
}

func TestConditions(t *testing.T) {
	for want, rule := range map[string]map[string]any{
		"$.a == \"x\"":                    {"Variable": "$.a", "StringEquals": "x"},
		"$.a < $.b":                       {"Variable": "$.a", "NumericLessThanPath": "$.b"},
		"$.t >= \"2026-01-01T00:00:00Z\"": {"Variable": "$.t", "TimestampGreaterThanEquals": "2026-01-01T00:00:00Z"},
		"$.f matches \"*.csv\"":           {"Variable": "$.f", "StringMatches": "*.csv"},
		"$.n is null":                     {"Variable": "$.n", "IsNull": true},
		"(a or b) and c":                  {"And": []any{map[string]any{"Or": []any{map[string]any{"Condition": "{% a %}"}, map[string]any{"Condition": "{% b %}"}}}, map[string]any{"Condition": "{% c %}"}}},
	} {
		if got := Condition(rule); got != want {
			t.Errorf("Condition(%v) = %q; want %q", rule, got, want)
		}
	}
}

// TestUnresolvedTokensStillRender renders a template whose definition uses
// an intrinsic function render cannot resolve.
func TestUnresolvedTokensStillRender(t *testing.T) {
	tpl, err := cfn.Parse([]byte(`{"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString": {"Fn::Join": ["", [
	  "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"Resource\":\"", {"Fn::ImportValue": "SharedFunctionArn"}, "\",\"TimeoutSeconds\":5,\"End\":true}}}"]]}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	machines, err := tpl.StateMachines(cfn.Names{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Machine("Stack", machines[0], "out/Stack")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(r.ASL), "${Fn::ImportValue SharedFunctionArn}") || !strings.Contains(string(r.MD), "Fn::ImportValue") {
		t.Errorf("the unresolved token is not shown:\n%s\n%s", r.ASL, r.MD)
	}
}
