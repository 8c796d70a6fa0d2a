package cdkapp

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// mainEnv makes the test binary run Main with a build that defines one
// construct id twice, instead of the tests.
const mainEnv = "CDKAPP_TEST_MAIN"

func TestMain(m *testing.M) {
	// As Main runs an app: the jsii kernel without CDK's built-in
	// validator, which the tests run through synthValidated. jsii takes
	// the kernel's environment when packages initialize, so exec afresh.
	if os.Getenv("CDK_VALIDATION") != "false" {
		syscall.Exec(os.Args[0], os.Args, append(os.Environ(), "CDK_VALIDATION=false"))
	}
	if os.Getenv(mainEnv) == "duplicate" {
		Main(func(app awscdk.App) {
			awscdk.NewStack(app, jsii.String("Orders"), nil)
			awscdk.NewStack(app, jsii.String("Orders"), nil)
		})
	}
	os.Exit(m.Run())
}

func TestMainReportsAFailedSynthOnOneLine(t *testing.T) {
	// GIVEN an app whose build adds a construct id twice (jsii's error)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), mainEnv+"=duplicate", "CDK_OUTDIR="+t.TempDir())
	if bin, err := filepath.Abs("../../node_modules/.bin"); err == nil {
		cmd.Env = append(cmd.Env, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr

	// WHEN Main runs it
	err := cmd.Run()

	// THEN it exits 1 with one line naming the duplicate, and no goroutine
	// dump. (jsii may add "Runtime process exited abnormally" after it: its
	// Close races its own wait for the Node process.)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("exit: %v, want status 1; stderr:\n%s", err, stderr.String())
	}
	want := "synth failed: There is already a Construct with name 'Orders' in App"
	var found bool
	for _, line := range strings.Split(stderr.String(), "\n") {
		found = found || line == want
	}
	if !found || strings.Contains(stderr.String(), "goroutine") {
		t.Errorf("stderr:\n%s\nwant the line %q and no goroutine dump", stderr.String(), want)
	}
}
