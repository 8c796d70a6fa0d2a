// Package stages_test synthesizes the app for the prod stage and checks
// what deploy readiness promises: data retained, termination protection,
// a pinned environment, stage-named stacks, cost-allocation tags, and an
// output for every state machine. (The dev stage is what every other test
// package synthesizes.)
package stages_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/internal/synthtest"
	"github.com/sfnkit/sfnkit/stacks"
)

var assembly *synthtest.Assembly

func TestMain(m *testing.M) {
	os.Exit(synthtest.MainShared(m, func() (err error) {
		assembly, err = synthtest.Shared(synthtest.Prod) // synthtest.ProdConfig
		return err
	}))
}

// retained are the resource types that hold data or decrypt it.
var retained = []string{"AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::KMS::Key", "AWS::Logs::LogGroup"}

// TestProdRetainsData: every resource of a retained type, in every stack,
// keeps its data on delete and on replacement. It counts what it checked
// per type, so a template it cannot read, or a type the app no longer
// makes, fails here instead of passing with nothing checked.
func TestProdRetainsData(t *testing.T) {
	if len(assembly.Stacks) == 0 {
		t.Fatal("the prod assembly has no stack to check")
	}
	checked := map[string]int{}
	for name, s := range assembly.Stacks {
		resources, _ := s.Template["Resources"].(map[string]any)
		for id, r := range resources {
			res, _ := r.(map[string]any)
			typ, _ := res["Type"].(string)
			if !slices.Contains(retained, typ) {
				continue
			}
			checked[typ]++
			if res["DeletionPolicy"] != "Retain" || res["UpdateReplacePolicy"] != "Retain" {
				t.Errorf("%s: %s %s has DeletionPolicy %v, UpdateReplacePolicy %v; prod retains it", name, typ, id, res["DeletionPolicy"], res["UpdateReplacePolicy"])
			}
		}
	}
	for _, typ := range retained {
		if checked[typ] == 0 {
			t.Errorf("no %s in any prod stack: nothing checked for it; drop it from retained if the app no longer makes one", typ)
		}
	}
}

func TestProdStacksAreProtectedPinnedNamedAndTagged(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(assembly.Dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		Artifacts map[string]struct {
			Type        string `json:"type"`
			Environment string `json:"environment"`
			Properties  struct {
				StackName             string `json:"stackName"`
				TerminationProtection bool   `json:"terminationProtection"`
			} `json:"properties"`
		} `json:"artifacts"`
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{stacks.OrderFulfillmentStackID, stacks.ETLStackID, stacks.ImageProcessingStackID} {
		a := manifest.Artifacts[id]
		if !a.Properties.TerminationProtection || a.Properties.StackName != id+"-prod" || a.Environment != "aws://123456789012/eu-west-1" {
			t.Errorf("%s: termination protection %v, stack name %q, environment %q", id, a.Properties.TerminationProtection, a.Properties.StackName, a.Environment)
		}
		s := assembly.Stacks[id]
		tags := map[string]string{}
		for _, r := range s.Resources("AWS::DynamoDB::Table") {
			list, _ := r["Tags"].([]any)
			for _, tag := range list {
				m, _ := tag.(map[string]any)
				tags[fmt.Sprint(m["Key"])] = fmt.Sprint(m["Value"])
			}
		}
		if tags["Stage"] != "prod" || tags["Project"] != "sfnkit" || tags["CostCenter"] != "cc-42" || tags["Workflow"] == "" {
			t.Errorf("%s: table tags %v", id, tags)
		}
		outputs, _ := s.Template["Outputs"].(map[string]any)
		if _, ok := outputs["StateMachineArn"]; !ok {
			t.Errorf("%s has no StateMachineArn output: %v", id, outputs)
		}
	}
	if _, ok := assembly.Stacks[stacks.OrderFulfillmentStackID].Template["Outputs"].(map[string]any)["ApiUrl"]; !ok {
		t.Error("the order stack has no ApiUrl output")
	}
}

func TestStageValidation(t *testing.T) {
	for _, c := range []struct {
		cfg  stacks.Config
		want string
	}{
		{stacks.Config{Stage: "qa"}, `context stage is "qa"; use -c stage=dev or -c stage=prod`},
		{stacks.Config{Stage: stacks.StageProd, Region: "eu-west-1"}, "stage prod needs an account and a region"},
		{stacks.Config{Stage: stacks.StageProd, Account: "123456789012", Region: "eu-west-1"}, "stage prod would deploy the simulated payment provider and carrier"},
		{stacks.Config{Stage: stacks.StageProd, Account: "123456789012", Region: "eu-west-1", Providers: stacks.Providers{PaymentFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:p", RefundFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:r", ShippingFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:s", TimeoutSeconds: 30}}, ""},
		{stacks.Config{}, ""},
	} {
		err := c.cfg.Validate()
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("Validate(%+v) = %v; want %q", c.cfg, err, c.want)
		}
	}
}
