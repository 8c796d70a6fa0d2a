package cdkapp

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// synthQueue synthesizes an app with one queue whose VisibilityTimeout is
// timeout, validated as Main validates, and returns what the synth
// panicked with and the validation report CDK wrote.
func synthQueue(t *testing.T, root string, timeout any) (failure, report string) {
	t.Helper()
	outdir := t.TempDir()
	defer func() {
		if r := recover(); r != nil {
			failure = fmt.Sprint(r)
		}
		data, _ := os.ReadFile(filepath.Join(outdir, "validation-report.json"))
		report = string(data)
	}()
	strict := map[string]interface{}{"@aws-cdk/core:validateAgainstDefaultRules": true} // as in cdk.json
	app := New(&awscdk.AppProps{Outdir: jsii.String(outdir), Context: &strict})
	stack := awscdk.NewStack(app, jsii.String("Queues"), nil)
	awscdk.NewCfnResource(stack, jsii.String("Queue"), &awscdk.CfnResourceProps{
		Type:       jsii.String("AWS::SQS::Queue"),
		Properties: &map[string]interface{}{"VisibilityTimeout": timeout},
	})
	synthValidated(app, root, true)
	return "", ""
}

func TestValidationSkipsOnlyTemplatesItPassed(t *testing.T) {
	if testing.Short() {
		t.Skip("three syntheses and CDK's validator twice: make slow (in make check)")
	}
	if bin, err := filepath.Abs("../../node_modules/.bin"); err == nil {
		t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	}
	root := t.TempDir()
	remembered := func() int {
		entries, _ := os.ReadDir(filepath.Join(root, ".build", validationCacheDir))
		return len(entries)
	}

	// GIVEN a valid template WHEN it is synthesized twice THEN the validator
	// sees it once.
	before := templatesValidated.Load()
	for range 2 {
		if failure, _ := synthQueue(t, root, 30); failure != "" {
			t.Fatalf("a valid template failed the synth: %s", failure)
		}
	}
	if n := templatesValidated.Load() - before; n != 1 || remembered() != 1 {
		t.Fatalf("validated %d times, %d remembered; want once and one", n, remembered())
	}

	// GIVEN an invalid template WHEN it is synthesized THEN the synth fails
	// with CDK's finding, and the template is not remembered, so the next
	// synth validates it again.
	failure, report := synthQueue(t, root, "a minute")
	if !strings.Contains(failure, "ValidationFailed") || !strings.Contains(report, "VisibilityTimeout") {
		t.Fatalf("synth of an invalid template: %q, report %q; want a failed validation with CDK's finding on VisibilityTimeout", failure, report)
	}
	if remembered() != 1 {
		t.Errorf("%d templates remembered; the invalid one must not be", remembered())
	}
}
