package sfnapi

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/internal/awscli"
)

// cliRunner starts the AWS CLI v1 of the machine's Python for this test
// (one process, see package awscli) and returns a runner of its
// stepfunctions commands against url; it skips the test if there is none.
func cliRunner(t *testing.T, url string) func(args ...string) (map[string]any, error) {
	t.Helper()
	if !awscli.Installed() {
		t.Skip("the AWS CLI v1 is not installed for python3 (pip install awscli)")
	}
	cli, err := awscli.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	return func(args ...string) (map[string]any, error) {
		return cli.JSON(append([]string{"stepfunctions", "--endpoint-url", url, "--output", "json"}, args...)...)
	}
}

// TestAliasSwitchWithTheCLI deploys the way a safe deployment does, with
// the AWS CLI: publish a version, point an alias at it, publish the next,
// switch the alias, and see executions follow it.
func TestAliasSwitchWithTheCLI(t *testing.T) {
	c, ts := newClient(t)
	aws := cliRunner(t, ts.URL)
	must := func(args ...string) map[string]any {
		t.Helper()
		out, err := aws(args...)
		if err != nil {
			t.Fatalf("aws stepfunctions %s: %v", strings.Join(args, " "), err)
		}
		return out
	}
	machine := must("create-state-machine", "--name", "Deployed", "--definition", passing("blue"), "--role-arn", role)["stateMachineArn"].(string)
	blue := must("publish-state-machine-version", "--state-machine-arn", machine, "--description", "blue")["stateMachineVersionArn"].(string)
	green := must("update-state-machine", "--state-machine-arn", machine, "--definition", passing("green"), "--publish", "--version-description", "green")["stateMachineVersionArn"].(string)
	routing := func(version string) string {
		return `[{"stateMachineVersionArn": "` + version + `", "weight": 100}]`
	}
	alias := must("create-state-machine-alias", "--name", "live", "--routing-configuration", routing(blue))["stateMachineAliasArn"].(string)

	run := func() map[string]any {
		t.Helper()
		x := must("start-execution", "--state-machine-arn", alias)["executionArn"].(string)
		ended(t, c, x)
		d := must("describe-execution", "--execution-arn", x)
		if d["status"] == "RUNNING" {
			t.Fatalf("%s ended, but describe-execution says RUNNING", x)
		}
		return d
	}
	if d := run(); d["output"] != `{"ran":"blue"}` || d["stateMachineVersionArn"] != blue || d["stateMachineAliasArn"] != alias {
		t.Errorf("before the switch: %v", d)
	}
	must("update-state-machine-alias", "--state-machine-alias-arn", alias, "--routing-configuration", routing(green))
	if d := run(); d["output"] != `{"ran":"green"}` || d["stateMachineVersionArn"] != green {
		t.Errorf("after the switch: %v", d)
	}
	if d := must("describe-state-machine-alias", "--state-machine-alias-arn", alias); !strings.Contains(mustJSON(d["routingConfiguration"]), green) {
		t.Errorf("describe-state-machine-alias: %v", d)
	}
	if _, err := aws("delete-state-machine-version", "--state-machine-version-arn", green); err == nil || !strings.Contains(err.Error(), "ConflictException") {
		t.Errorf("deleting the live version: %v", err)
	}
	must("delete-state-machine-version", "--state-machine-version-arn", blue)
	if _, err := aws("create-state-machine-alias", "--name", "1", "--routing-configuration", routing(green)); err == nil || !strings.Contains(err.Error(), "InvalidName") {
		t.Errorf("an alias named like a version: %v", err)
	}
}

func mustJSON(v any) string {
	data, _ := json.Marshal(v)
	return string(data)
}
