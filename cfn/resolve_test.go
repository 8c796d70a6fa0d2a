package cfn

import (
	"encoding/json"
	"strings"
	"testing"
)

const template = `{
  "Resources": {
    "ValidateFn": {"Type": "AWS::Lambda::Function"},
    "OrdersTable": {"Type": "AWS::DynamoDB::Table"},
    "Topic": {"Type": "AWS::SNS::Topic"},
    "Queue": {"Type": "AWS::SQS::Queue"},
    "Machine": {
      "Type": "AWS::StepFunctions::StateMachine",
      "Metadata": {"aws:cdk:path": "Stack/Machine/Resource"},
      "Properties": {
        "StateMachineType": "EXPRESS",
        "DefinitionString": {"Fn::Join": ["", [
          "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"Resource\":\"",
          {"Fn::GetAtt": ["ValidateFn", "Arn"]},
          "\",\"Parameters\":{\"TableName\":\"", {"Ref": "OrdersTable"},
          "\",\"TopicArn\":\"", {"Ref": "Topic"},
          "\",\"QueueUrl\":\"", {"Ref": "Queue"},
          "\",\"Sub\":\"", {"Fn::Sub": "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:x/${OrdersTable.Arn}/${!Literal}"},
          "\"},\"End\":true}}}"
        ]]}
      }
    }
  }
}`

func TestStateMachinesResolvePlaceholders(t *testing.T) {
	tpl, err := Parse([]byte(template))
	if err != nil {
		t.Fatal(err)
	}
	machines, err := tpl.StateMachines(Placeholders{Template: tpl})
	if err != nil {
		t.Fatal(err)
	}
	if len(machines) != 1 || machines[0].Type != "EXPRESS" || machines[0].Path != "Stack/Machine/Resource" {
		t.Fatalf("machines = %+v", machines)
	}
	var def struct {
		States map[string]struct {
			Resource   string
			Parameters map[string]string
		}
	}
	if err := json.Unmarshal([]byte(machines[0].Definition), &def); err != nil {
		t.Fatal(err)
	}
	a := def.States["A"]
	want := map[string]string{
		"TableName": "OrdersTable",
		"TopicArn":  "arn:aws:sns:us-east-1:123456789012:Topic",
		"QueueUrl":  "https://sqs.us-east-1.amazonaws.com/123456789012/Queue",
		"Sub":       "arn:aws:states:us-east-1:123456789012:x/arn:aws:dynamodb:us-east-1:123456789012:table/OrdersTable/${Literal}",
	}
	if a.Resource != "arn:aws:lambda:us-east-1:123456789012:function:ValidateFn" {
		t.Errorf("Resource = %s", a.Resource)
	}
	for k, v := range want {
		if a.Parameters[k] != v {
			t.Errorf("%s = %q, want %q", k, a.Parameters[k], v)
		}
	}
}

func TestNamesForReview(t *testing.T) {
	tpl, _ := Parse([]byte(template))
	machines, err := tpl.StateMachines(Names{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(machines[0].Definition, `"Resource":"${ValidateFn.Arn}"`) {
		t.Errorf("definition = %s", machines[0].Definition)
	}
}

func TestResolveErrors(t *testing.T) {
	bad := []any{
		map[string]any{"Fn::ImportValue": "x"},
		map[string]any{"Fn::Join": "x"},
		map[string]any{"Ref": 3.0},
		map[string]any{"Fn::GetAtt": []any{"OnlyOne"}},
		map[string]any{"a": 1.0, "b": 2.0},
		[]any{"x"},
	}
	for _, v := range bad {
		if _, err := Resolve(v, Placeholders{}); err == nil {
			t.Errorf("Resolve(%v) succeeded", v)
		}
	}
	if _, err := Parse([]byte(`{"Outputs":{}}`)); err == nil {
		t.Error("a template without Resources parsed")
	}
}

// TestNamesRendersUnknownIntrinsics keeps a definition with a token the
// resolver cannot evaluate renderable, and still valid JSON.
func TestNamesRendersUnknownIntrinsics(t *testing.T) {
	def := map[string]any{"Fn::Join": []any{"", []any{`{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"`,
		map[string]any{"Fn::ImportValue": map[string]any{"Fn::Sub": `${AWS::StackName}-"fn"`}}, `","End":true}}}`}}}
	s, err := Resolve(def, Names{})
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%s is not JSON: %v", s, err)
	}
	if !strings.Contains(s, "${Fn::ImportValue") {
		t.Errorf("the unresolved token is not shown: %s", s)
	}
	if _, err := Resolve(def, Placeholders{}); err == nil {
		t.Error("Placeholders resolved an ImportValue")
	}
}
