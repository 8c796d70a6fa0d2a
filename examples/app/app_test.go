package app_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/examples/app"
)

// assembly is the app's cloud assembly, synthesized once for every test.
var assembly string

// TestMain synthesizes the app as `cdk synth` runs it: cdk.json's app
// command (this module's main package, cdkapp.Main: cdk-nag applied, and
// CDK's template validation on the templates it has not passed before)
// from the module root, so the handlers' relative entries resolve, with
// cdk.json's context, into a directory of its own.
func TestMain(m *testing.M) {
	code := func() int {
		dir, err := os.MkdirTemp("", "examples-synth-")
		if err != nil {
			panic(err)
		}
		defer os.RemoveAll(dir)
		// The tests run from the module root too, as the team runs its tools.
		if err := os.Chdir(".."); err != nil {
			panic(err)
		}
		if err := synth(dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		assembly = dir
		return m.Run()
	}()
	os.Exit(code)
}

// synth runs the app with the CDK CLI's protocol: the output directory
// and the context in the environment.
func synth(outdir string) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(filepath.Join(root, "cdk.json"))
	if err != nil {
		return err
	}
	var cdkJSON struct {
		App     string          `json:"app"`
		Context json.RawMessage `json:"context"`
	}
	if err := json.Unmarshal(raw, &cdkJSON); err != nil {
		return fmt.Errorf("cdk.json: %v", err)
	}
	cmd := exec.Command("bash", "-c", cdkJSON.App)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CDK_OUTDIR="+outdir, "CDK_CONTEXT_JSON="+string(cdkJSON.Context))
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("synthesizing with %q: %v\n%s", cdkJSON.App, err, out)
	}
	return nil
}

type resource struct {
	Type       string         `json:"Type"`
	Properties map[string]any `json:"Properties"`
	Metadata   map[string]any `json:"Metadata"`
}

func template(t *testing.T, stack string) map[string]resource {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(assembly, stack+".template.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tpl struct{ Resources map[string]resource }
	if err := json.Unmarshal(raw, &tpl); err != nil {
		t.Fatal(err)
	}
	return tpl.Resources
}

func ofType(resources map[string]resource, typ string) []resource {
	var out []resource
	for _, r := range resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

func TestCdkNagReportsNoUnsuppressedFinding(t *testing.T) {
	reports, _ := filepath.Glob(filepath.Join(assembly, "*-NagReport.csv"))
	if len(reports) != 4 {
		t.Fatalf("found %d cdk-nag reports, want AwsSolutions and Serverless for both stacks", len(reports))
	}
	for _, path := range reports {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows[1:] {
			// Rule ID, Resource ID, Compliance, Exception Reason, Rule Level, Rule Info
			if row[2] == "Non-Compliant" {
				t.Errorf("%s: %s on %s is neither fixed nor suppressed", filepath.Base(path), row[0], row[1])
			}
		}
	}
}

func TestEveryStateMachineGetsTheSecureDefaults(t *testing.T) {
	for _, stack := range []string{app.LoyaltyStack, app.OrdersStack} {
		resources := template(t, stack)
		machines := ofType(resources, "AWS::StepFunctions::StateMachine")
		if len(machines) != 1 {
			t.Fatalf("%s has %d state machines, want 1", stack, len(machines))
		}
		props := machines[0].Properties
		logging, _ := props["LoggingConfiguration"].(map[string]any)
		tracing, _ := props["TracingConfiguration"].(map[string]any)
		encryption, _ := props["EncryptionConfiguration"].(map[string]any)
		// The order workflow's states carry the approval and payment
		// tokens: it logs every event without their data.
		withData := stack != app.OrdersStack
		if logging["Level"] != "ALL" || logging["IncludeExecutionData"] != withData {
			t.Errorf("%s: logging = %v, want ALL, execution data %v", stack, logging, withData)
		}
		if tracing["Enabled"] != true {
			t.Errorf("%s: tracing = %v, want X-Ray on", stack, tracing)
		}
		if encryption["Type"] != "CUSTOMER_MANAGED_KMS_KEY" {
			t.Errorf("%s: encryption = %v, want a customer-managed key", stack, encryption)
		}
		if n := len(ofType(resources, "AWS::CloudWatch::Alarm")); n < 4 {
			t.Errorf("%s has %d alarms, want failed, timed-out, aborted and throttled executions", stack, n)
		}
		for _, table := range ofType(resources, "AWS::DynamoDB::Table") {
			sse, _ := table.Properties["SSESpecification"].(map[string]any)
			if sse["SSEType"] != "KMS" {
				t.Errorf("%s: a table is encrypted with %v, want the workflow's KMS key", stack, sse)
			}
		}
		for _, role := range ofType(resources, "AWS::IAM::Role") {
			if managed := role.Properties["ManagedPolicyArns"]; managed != nil {
				t.Errorf("%s: a role has managed policies %v", stack, managed)
			}
		}
		for _, fn := range ofType(resources, "AWS::Lambda::Function") {
			arch, _ := fn.Properties["Architectures"].([]any)
			tracing, _ := fn.Properties["TracingConfig"].(map[string]any)
			if len(arch) != 1 || arch[0] != "arm64" || tracing["Mode"] != "Active" || fn.Properties["KmsKeyArn"] == nil {
				t.Errorf("%s: a function has architectures %v, tracing %v, key %v; want arm64, Active, the workflow's key", stack, arch, tracing, fn.Properties["KmsKeyArn"])
			}
		}
	}
}

func TestTheOrderWorkflowRunsTheTeamsPaymentFunctionsAndTheCarriers(t *testing.T) {
	resources := template(t, app.OrdersStack)
	packages := map[string]map[string]any{}
	for _, fn := range ofType(resources, "AWS::Lambda::Function") {
		pkg, _ := fn.Metadata["sfnkit:go-package"].(string)
		env, _ := fn.Properties["Environment"].(map[string]any)
		vars, _ := env["Variables"].(map[string]any)
		packages[pkg] = vars
	}
	for _, pkg := range []string{"github.com/sfnkit/sfnkit/examples/cmd/charge", "github.com/sfnkit/sfnkit/examples/cmd/refund"} {
		vars, ok := packages[pkg]
		if !ok {
			t.Errorf("no function runs the team's %s; functions run %v", pkg, keys(packages))
			continue
		}
		if vars["PAYMENTS_API_URL"] != app.PaymentsAPIURL || vars["PAYMENTS_TABLE"] == nil {
			t.Errorf("%s has environment %v, want the team's PAYMENTS_API_URL beside the step's PAYMENTS_TABLE", pkg, vars)
		}
	}
	for pkg := range packages {
		if strings.HasSuffix(pkg, "/process-payment") || strings.HasSuffix(pkg, "/refund-payment") || strings.HasSuffix(pkg, "/ship-order") {
			t.Errorf("the simulator %s is deployed although the team passed its own functions", pkg)
		}
	}
	if _, ok := packages["github.com/sfnkit/sfnkit/lambdas/cmd/validate-order"]; !ok {
		t.Errorf("sfnkit's own validator is not deployed; functions run %v", keys(packages))
	}
	definition, _ := json.Marshal(ofType(resources, "AWS::StepFunctions::StateMachine")[0].Properties["DefinitionString"])
	if !strings.Contains(string(definition), app.CarrierFunctionArn) {
		t.Error("the definition does not invoke the carrier's function")
	}
}

func keys(m map[string]map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
