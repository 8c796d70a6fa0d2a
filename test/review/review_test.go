// Package review_test checks `sfnkit diff` on pairs of cloud assemblies it
// synthesizes: a small workflow, then the same workflow with a state
// renamed, a Catch removed, a timeout shortened and its role widened.
package review_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctionstasks"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/constructs/encrypted"
	"github.com/sfnkit/sfnkit/constructs/statemachine"
	"github.com/sfnkit/sfnkit/internal/review/diff"
	"github.com/sfnkit/sfnkit/internal/synthtest"
	"github.com/sfnkit/sfnkit/internal/synthtest/cdksynth"
)

// variant says how a synthesized workflow differs from the base one.
type variant struct {
	recordName string // the Task's state name
	catch      bool   // whether the Task catches States.ALL
	timeout    time.Duration
	widenRole  bool // grant the state machine's role deletes on the table
}

var base = variant{recordName: "RecordOrder", catch: true, timeout: 30 * time.Second}

// workflow is a state machine of three states: record an order, then a
// Choice that succeeds or fails.
func workflow(v variant) func(app awscdk.App) {
	return func(app awscdk.App) {
		stack := awscdk.NewStack(app, jsii.String("Orders"), nil)
		key := encrypted.NewKey(stack, "Key", nil)
		table := encrypted.NewTable(stack, "Orders", &encrypted.TableProps{PartitionKey: "orderId", Key: key, RemovalPolicy: awscdk.RemovalPolicy_DESTROY})
		record := awsstepfunctionstasks.NewDynamoPutItem(stack, jsii.String(v.recordName), &awsstepfunctionstasks.DynamoPutItemProps{
			Table:       table,
			Item:        &map[string]awsstepfunctionstasks.DynamoAttributeValue{"orderId": awsstepfunctionstasks.DynamoAttributeValue_FromString(awsstepfunctions.JsonPath_StringAt(jsii.String("$.orderId")))},
			ResultPath:  awsstepfunctions.JsonPath_DISCARD(),
			TaskTimeout: awsstepfunctions.Timeout_Duration(awscdk.Duration_Seconds(jsii.Number(v.timeout.Seconds()))),
		})
		failed := awsstepfunctions.NewFail(stack, jsii.String("Failed"), &awsstepfunctions.FailProps{Error: jsii.String("Failed")})
		record.AddRetry(&awsstepfunctions.RetryProps{Errors: jsii.Strings("States.TaskFailed"), MaxAttempts: jsii.Number(2)})
		if v.catch {
			record.AddCatch(failed, &awsstepfunctions.CatchProps{Errors: jsii.Strings("States.ALL")})
		} else {
			record.AddCatch(failed, &awsstepfunctions.CatchProps{Errors: jsii.Strings("DynamoDB.ConditionalCheckFailedException")})
		}
		check := awsstepfunctions.NewChoice(stack, jsii.String("Check"), nil).
			When(awsstepfunctions.Condition_IsPresent(jsii.String("$.orderId")), awsstepfunctions.NewSucceed(stack, jsii.String("Done"), nil), nil).
			Otherwise(failed)
		sm := statemachine.New(stack, "Workflow", &statemachine.Props{Definition: record.Next(check), Key: key, DisableAlarms: true, RemovalPolicy: awscdk.RemovalPolicy_DESTROY})
		if v.widenRole {
			table.GrantReadWriteData(sm.Role)
		}
	}
}

var dirs = map[string]string{}

func TestMain(m *testing.M) {
	changed := base
	changed.recordName, changed.catch, changed.timeout, changed.widenRole = "StoreOrder", false, 10*time.Second, true
	variants := map[string]variant{"base": base, "changed": changed}
	os.Exit(cdksynth.Main(m, "review", func(dir string) error {
		for name, v := range variants {
			if _, err := cdksynth.SynthApp(filepath.Join(dir, name), workflow(v)); err != nil {
				return err
			}
		}
		return nil
	}, func(dir string) error {
		for name := range variants {
			dirs[name] = filepath.Join(dir, name)
		}
		return nil
	}))
}

func compare(t *testing.T, old, new string) diff.Report {
	t.Helper()
	a, err := cfn.ReadAssembly(dirs[old])
	if err != nil {
		t.Fatal(err)
	}
	b, err := cfn.ReadAssembly(dirs[new])
	if err != nil {
		t.Fatal(err)
	}
	r, err := diff.Compare(a, b)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestNoChange reviews an assembly against itself, read twice: nothing to
// report. (That two syntheses of one app are byte-identical is
// test/reproducible's, under make determinism.)
func TestNoChange(t *testing.T) {
	r := compare(t, "base", "base")
	if len(r.Machines) != 0 || !strings.Contains(r.Markdown(), "No state machine") {
		t.Errorf("an assembly differs from itself:\n%s", r.Markdown())
	}
}

func TestChangesAndRisks(t *testing.T) {
	r := compare(t, "base", "changed")
	md := r.Markdown()
	for _, want := range []string{
		"renamed `RecordOrder` → `StoreOrder`",
		"`StoreOrder`: no longer catches `States.ALL` (went to `Failed`) ⚠ `catch-removed`",
		"`StoreOrder`: now catches `DynamoDB.ConditionalCheckFailedException` → `Failed`",
		"`StoreOrder`: timeout 30s → 10s ⚠ `timeout-shortened`",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the review lacks %q:\n%s", want, md)
		}
	}
	// The widened role gains several actions on the table: one line.
	var widened []string
	for _, line := range strings.Split(md, "\n") {
		if strings.Contains(line, "may now") && strings.Contains(line, "on `${Orders") {
			widened = append(widened, line)
		}
	}
	if len(widened) != 1 || !strings.Contains(widened[0], "`dynamodb:DeleteItem`, ") || !strings.HasSuffix(widened[0], "⚠ `iam-widened`") {
		t.Errorf("the table grants read %q; want one line with every action and the risk", widened)
	}
	if strings.Contains(md, "removed `RecordOrder`") || strings.Contains(md, "added `StoreOrder`") {
		t.Errorf("the rename reads as a removal and an addition:\n%s", md)
	}
	want := []string{diff.CatchRemoved, diff.IAMWidened, diff.TimeoutShortened}
	if got := r.Risks(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("risks %v; want %v", got, want)
	}
	// And back: restoring the catch and narrowing the role is no risk.
	if risks := compare(t, "changed", "base").Risks(); len(risks) != 0 {
		t.Errorf("undoing the change has risks %v", risks)
	}
}

// TestCLI runs `sfnkit diff` as a user does: the report on stdout, and
// --fail-on iam-widened exits 1 on the widened role.
func TestCLI(t *testing.T) {
	// A path of this package's own under .build: go build links again only
	// when the CLI changed.
	bin := filepath.Join(synthtest.ModuleRoot(), ".build", "test-review-sfnkit")
	build := exec.Command("go", "build", "-o", bin, "./cmd/sfnkit")
	build.Dir = synthtest.ModuleRoot()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	sfnkit := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(bin, args...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if exit, ok := err.(*exec.ExitError); ok {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, stdout.String(), stderr.String()
	}
	code, out, stderr := sfnkit("diff", "--fail-on", "iam-widened", dirs["base"], dirs["changed"])
	if code != 1 || !strings.Contains(out, "renamed `RecordOrder` → `StoreOrder`") || !strings.Contains(out, "iam-widened") || !strings.Contains(stderr, "iam-widened") {
		t.Errorf("exit %d\n%s\n%s", code, out, stderr)
	}
	code, cut, _ := sfnkit("diff", "--max-chars", "400", "--rest-in", "the job summary", dirs["base"], dirs["changed"])
	body, _, found := strings.Cut(cut, "\n---\n**The review is cut here**")
	if code != 0 || len(cut) > 400 || !found || !strings.HasPrefix(out, body) ||
		!strings.Contains(cut, "**Risks:** `catch-removed`") || !strings.Contains(cut, "in the job summary.") {
		t.Errorf("--max-chars 400: exit %d, %d bytes:\n%s", code, len(cut), cut)
	}
	if code, _, _ := sfnkit("diff", "--fail-on", "logging-reduced,type-changed", dirs["base"], dirs["changed"]); code != 0 {
		t.Errorf("--fail-on of absent risks exited %d", code)
	}
	if code, _, stderr := sfnkit("diff", "--fail-on", "iam-widend", dirs["base"], dirs["changed"]); code != 2 || !strings.Contains(stderr, "not a risk class") {
		t.Errorf("a misspelt class: exit %d, %s", code, stderr)
	}
	if code, _, stderr := sfnkit("diff", dirs["base"], filepath.Join(t.TempDir(), "missing")); code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("a missing assembly: exit %d, stderr %q; want one line", code, stderr)
	}
}
