package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sfnkit runs the CLI in-process and returns its exit code and output.
func sfnkit(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(stdin), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestRunWithMocks(t *testing.T) {
	tests := []struct {
		testCase, definition string
		code                 int
		stdout               string
	}{
		{"HappyPath", "testdata/lambda-def.json", 0, `{"tracking":"T-1"}`},
		{"RetryThenShip", "testdata/lambda-def.json", 0, `{"tracking":"T-1"}`},
		{"Declined", "testdata/lambda-def.json", 1, `{"Cause":"card declined","Error":"PaymentDeclined"}`},
		// The same definition as CDK renders it, with Fn::Join and Fn::GetAtt.
		{"HappyPath", "testdata/template.json", 0, `{"tracking":"T-1"}`},
	}
	for _, tc := range tests {
		t.Run(tc.testCase+"/"+filepath.Base(tc.definition), func(t *testing.T) {
			code, stdout, stderr := sfnkit(t, "", "run", "--definition", tc.definition, "--input", "testdata/input.json",
				"--mock-config", "testdata/mocks.json", "--test-case", tc.testCase)
			if code != tc.code || strings.TrimSpace(stdout) != tc.stdout {
				t.Errorf("exit %d, stdout %s, stderr %s; want exit %d, %s", code, stdout, stderr, tc.code, tc.stdout)
			}
		})
	}
}

// TestRunHistory checks --history: GetExecutionHistory's shape on
// stderr, the retries visible, and a day-long Wait taking no real time.
func TestRunHistory(t *testing.T) {
	code, stdout, stderr := sfnkit(t, `{"orderId":"o-2"}`, "run", "--definition", "testdata/lambda-def.json", "--input", "-",
		"--mock-config", "testdata/mocks.json", "--test-case", "RetryThenShip", "--history")
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	var hist struct {
		Events []struct {
			Type      string `json:"type"`
			Timestamp string `json:"timestamp"`
		} `json:"events"`
	}
	if err := json.Unmarshal([]byte(stderr), &hist); err != nil {
		t.Fatalf("stderr is not the history: %v\n%s", err, stderr)
	}
	counts := map[string]int{}
	for _, e := range hist.Events {
		counts[e.Type]++
	}
	if counts["TaskScheduled"] != 4 || counts["TaskFailed"] != 2 || counts["WaitStateEntered"] != 1 || counts["ExecutionSucceeded"] != 1 {
		t.Errorf("event counts %v: want the charge tried 3 times, then the ship", counts)
	}
	first, last := hist.Events[0].Timestamp, hist.Events[len(hist.Events)-1].Timestamp
	if first[:10] == last[:10] {
		t.Errorf("the execution ran from %s to %s; the day-long Wait should pass in virtual time", first, last)
	}
}

func TestRunRefusesUnusableInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		return p
	}
	unreachable := write("unreachable.json", `{"StartAt":"A","States":{"A":{"Type":"Succeed"},"B":{"Type":"Pass","End":true}}}`)
	badPath := write("badpath.json", `{"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$..[","End":true}}}`)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no definition", []string{"run"}, "--definition is required"},
		{"missing file", []string{"run", "--definition", filepath.Join(dir, "nope.json")}, "no such file"},
		{"unreachable state", []string{"run", "--definition", unreachable}, `/States/B`},
		{"bad JSONPath", []string{"run", "--definition", badPath}, "InputPath"},
		{"input not JSON", []string{"run", "--definition", "testdata/lambda-def.json", "--input", write("in.txt", "{oops")}, "not valid JSON"},
		{"test case without file", []string{"run", "--definition", "testdata/lambda-def.json", "--test-case", "HappyPath"}, "go together"},
		{"unknown test case", []string{"run", "--definition", "testdata/lambda-def.json", "--mock-config", "testdata/mocks.json", "--test-case", "Nope"}, `no test case "Nope"`},
		{"bad execution name", []string{"run", "--definition", "testdata/lambda-def.json", "--name", "a b"}, "InvalidName"},
		{"unknown flag", []string{"run", "--definitoin", "x"}, "flag provided but not defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := sfnkit(t, "", tc.args...)
			if code != 2 || stdout != "" || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and a message with %q", code, stdout, stderr, tc.want)
			}
		})
	}
}
