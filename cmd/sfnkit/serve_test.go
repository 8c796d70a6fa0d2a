package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/local/sfnapi"
)

// TestServeHTTPGuardsTheAPI: what `sfnkit serve` listens with refuses a
// rebound Host, answers loopback names, --addr's host and --allow-host
// names, and bounds every connection.
func TestServeHTTPGuardsTheAPI(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	status := func(srv *http.Server, host string) int {
		req := httptest.NewRequest(http.MethodPost, "/", nil)
		req.Host = host
		rec := httptest.NewRecorder()
		srv.Handler.ServeHTTP(rec, req)
		return rec.Code
	}
	srv := serveHTTP(ok, "192.168.1.5:8083", []string{"dev.lan"}, false)
	for host, want := range map[string]int{
		"127.0.0.1:8083":       http.StatusOK,
		"localhost:8083":       http.StatusOK,
		"192.168.1.5:8083":     http.StatusOK,
		"dev.lan:8083":         http.StatusOK,
		"rebound.example:8083": http.StatusForbidden,
	} {
		if got := status(srv, host); got != want {
			t.Errorf("Host %s: %d; want %d", host, got, want)
		}
	}
	if got := status(serveHTTP(ok, "127.0.0.1:8083", nil, true), "rebound.example"); got != http.StatusOK {
		t.Errorf("--allow-any-host refused a name: %d", got)
	}
	l := sfnapi.DefaultLimits
	if srv.ReadTimeout != l.ReadTimeout || srv.ReadHeaderTimeout != l.ReadHeaderTimeout || srv.WriteTimeout != l.WriteTimeout ||
		srv.IdleTimeout != l.IdleTimeout || srv.MaxHeaderBytes != l.MaxHeaderBytes {
		t.Errorf("serve's server is not bounded by DefaultLimits: %+v", srv)
	}
}

func TestServeFlags(t *testing.T) {
	_, _, stderr := sfnkit(t, "", "serve", "--help")
	for _, flag := range []string{"-max-closed-executions", "-allow-host NAME", "-allow-any-host", "DNS rebinding", "-create", "/console/",
		"-edge-addr", "-clock", "-clock-start", "-mocks FILE", "-credentials FILE"} {
		if !strings.Contains(stderr, flag) {
			t.Errorf("serve --help does not mention %s:\n%s", flag, stderr)
		}
	}
	for _, args := range [][]string{
		{"serve", "--max-closed-executions", "-1"},
		{"serve", "--allow-host", "http://dev.lan"},
		{"serve", "--create"},
		{"serve", "--addr", "127.0.0.1:0", "--clock", "sometimes"},
		{"serve", "--addr", "127.0.0.1:0", "--clock", "virtual", "--clock-start", "tomorrow"},
	} {
		if code, _, stderr := sfnkit(t, "", args...); code != 2 || stderr == "" {
			t.Errorf("%v: exit %d, %q; want 2 and a reason", args, code, stderr)
		}
	}
}

// TestServeRefusesAMalformedScheduleNamingTheRule: a rule AWS would refuse
// stops serve at start-up, before anything is built, and says which.
func TestServeRefusesAMalformedScheduleNamingTheRule(t *testing.T) {
	dir := t.TempDir()
	manifest := `{"version": "54.0.0", "artifacts": {"Shop": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "Shop.template.json"}}}}`
	template := `{"Resources": {"Nightly": {"Type": "AWS::Events::Rule", "Properties": {"ScheduleExpression": "cron(0 2 * * *)", "Targets": []}}}}`
	for name, body := range map[string]string{"manifest.json": manifest, "Shop.template.json": template} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	code, _, stderr := sfnkit(t, "", "serve", "--assembly", dir, "--addr", "127.0.0.1:0", "--edge-addr", "127.0.0.1:0")
	if code != 2 || !strings.Contains(stderr, "stack Shop: rule Nightly:") || !strings.Contains(stderr, "six fields") {
		t.Errorf("exit %d, %q; want 2 and the rule's name and fault", code, stderr)
	}
}
