package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidateExitStatusAndLines(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bad := write("bad.json", `{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"W","States":{"W":{"Type":"Pass","Next":"Gone"},"E":{"Type":"Succeed"}}}],"End":true}}}`)
	warn := write("warn.json", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x":"$.y"},"End":true}}}`)
	tests := []struct {
		name string
		args []string
		code int
		want []string // lines or fragments stdout must hold
	}{
		{"ASL and template valid", []string{"testdata/lambda-def.json", "testdata/template.json"}, 0,
			[]string{"testdata/lambda-def.json: valid", "testdata/template.json/Machine: valid"}},
		{"warnings do not fail", []string{warn}, 0, []string{warn + ": WARNING NO_DOLLAR /States/A/Parameters: ", "[no-dollar]"}},
		{"one invalid among valid", []string{"testdata/lambda-def.json", bad}, 1,
			[]string{bad + `: ERROR MISSING_TRANSITION_TARGET /States/P/Branches/0/States/W/Next: names "Gone"`, "[transition-target]", "testdata/lambda-def.json: valid"}},
		{"unreadable file", []string{filepath.Join(dir, "missing.json"), bad}, 2, []string{"MISSING_TRANSITION_TARGET"}},
		{"no file", nil, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := sfnkit(t, "", append([]string{"validate"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stdout %s, stderr %s", code, tt.code, stdout, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
		})
	}
}

func TestValidateJSONIsTheAPIResponseShape(t *testing.T) {
	def := filepath.Join(t.TempDir(), "def.json")
	if err := os.WriteFile(def, []byte(`{"StartAt":"A","States":{"A":{"Type":"Pass","Catch":[],"End":true}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := sfnkit(t, "", "validate", "--json", def, "testdata/lambda-def.json")
	if code != 1 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	var reports []struct {
		Source      string `json:"source"`
		Result      string `json:"result"`
		Truncated   *bool  `json:"truncated"`
		Diagnostics []struct {
			Severity, Code, Message, Location string
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal([]byte(stdout), &reports); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if len(reports) != 2 || reports[0].Result != "FAIL" || reports[1].Result != "OK" || reports[0].Truncated == nil || reports[1].Diagnostics == nil {
		t.Fatalf("reports = %+v", reports)
	}
	d := reports[0].Diagnostics[0]
	if d.Severity != "ERROR" || d.Code != "SCHEMA_VALIDATION_FAILED" || d.Location != "/States/A/Catch" || !strings.HasSuffix(d.Message, "[state-fields]") {
		t.Errorf("diagnostic = %+v", d)
	}
}
