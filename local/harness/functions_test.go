package harness

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/cfn"
)

// imported is a machine whose task invokes a function of another account
// (imported by ARN) and one of another runtime.
const imported = `{"Resources":{
 "Py":{"Type":"AWS::Lambda::Function","Properties":{"Runtime":"python3.12"}},
 "M":{"Type":"AWS::StepFunctions::StateMachine","Properties":{"DefinitionString":"{\"StartAt\":\"Geocode\",\"States\":{\"Geocode\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:lambda:us-east-1:111122223333:function:shared-geocoder\",\"Next\":\"Resize\"},\"Resize\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{\"FunctionName\":\"arn:aws:lambda:us-east-1:123456789012:function:Py\",\"Payload.$\":\"$\"},\"OutputPath\":\"$.Payload\",\"End\":true}}}"}}}}`

func TestUnrunnableFunctionsAreReportedAndMocked(t *testing.T) {
	tpl, err := cfn.Parse([]byte(imported))
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, u := range Unrunnable(tpl) {
		found = append(found, u.String()+" "+u.ARN)
	}
	got := strings.Join(found, "\n")
	for _, want := range []string{"Py (runtime python3.12, no sfnkit:go-package metadata) arn:aws:lambda:us-east-1:123456789012:function:Py",
		"shared-geocoder (invoked by M.Geocode, not a function of the template) arn:aws:lambda:us-east-1:111122223333:function:shared-geocoder"} {
		if !strings.Contains(got, want) {
			t.Errorf("Unrunnable lacks %q:\n%s", want, got)
		}
	}
	env, err := NewEnv(tpl, "M", Options{Runtime: Processes, Mocks: Mocks{
		"arn:aws:lambda:us-east-1:111122223333:function:shared-geocoder": []byte(`{"lat": 51.5}`),
		"Py": []byte(`{"width": 128}`),
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	res, _, err := env.Run(context.Background(), []byte(`{}`))
	out, _ := json.Marshal(res.Output)
	if err != nil || res.Status != asl.StatusSucceeded || string(out) != `{"width":128}` {
		t.Errorf("with mocks: %s %s %v (%s %s); want the mocked answers", res.Status, out, err, res.Error, res.Cause)
	}
	env, err = NewEnv(tpl, "M", Options{Runtime: Processes})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	res, _, _ = env.Run(context.Background(), []byte(`{}`))
	if res.Status != asl.StatusFailed || res.Error != "Lambda.ResourceNotFoundException" || !strings.Contains(res.Cause, "--mocks FILE") {
		t.Errorf("without mocks: %s %s %s; want Lambda.ResourceNotFoundException naming --mocks", res.Status, res.Error, res.Cause)
	}
}
