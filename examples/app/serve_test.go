package app_test

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestServeRunsTheTeamsAppLocally runs `sfnkit serve --assembly` over this
// app as a team would run it (`make up` in their repository): both of its
// state machines are created, its API is served from its template with
// IAM authorization, and the carrier's function, which the team does not
// deploy, is reported at start-up and answered from the mocks file.
func TestServeRunsTheTeamsAppLocally(t *testing.T) {
	dir := t.TempDir()
	// Under sfnkit's own .build, at a path of this test's: go build links
	// again only when the CLI changed.
	bin, err := filepath.Abs(filepath.Join("..", "..", ".build", "test-examples-sfnkit"))
	if err != nil {
		t.Fatal(err)
	}
	build := exec.Command("go", "build", "-o", bin, "./cmd/sfnkit")
	build.Dir = ".." // sfnkit's module: the CLI comes from the library's repository
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building sfnkit: %v\n%s", err, out)
	}
	mocks := filepath.Join(dir, "mocks.json")
	carrier := `{"` + "arn:aws:lambda:eu-west-1:123456789012:function:carrier-book-shipment" + `": {"carrier": "acme", "trackingNumber": "ACME-1", "parcels": 1}}`
	if err := os.WriteFile(mocks, []byte(carrier), 0o600); err != nil {
		t.Fatal(err)
	}
	// From this module's directory, so the team's entries (./cmd/charge)
	// build as at synth time.
	serve := exec.Command(bin, "serve", "--assembly", assembly, "--addr", "127.0.0.1:0", "--edge-addr", "127.0.0.1:0", "--mocks", mocks)
	stdout, err := serve.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &watchedLog{want: "answered from --mocks", seen: make(chan struct{})}
	serve.Stderr = stderr
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = serve.Process.Signal(syscall.SIGINT)
		_ = serve.Wait()
		if t.Failed() {
			t.Log("serve's stderr:\n" + stderr.String())
		}
	}()
	var printed strings.Builder
	lines := bufio.NewScanner(stdout)
	edge := ""
	done := make(chan struct{})
	go func() {
		defer close(done)
		for lines.Scan() {
			line := lines.Text()
			printed.WriteString(line + "\n")
			if _, rest, ok := strings.Cut(line, "API Gateway) on "); ok {
				edge, _, _ = strings.Cut(rest, ";")
			}
			if strings.Contains(line, "AWS Step Functions API on") {
				go io.Copy(io.Discard, stdout) //nolint:errcheck // the rest is not read
				return
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Minute): // it builds every function first
		t.Fatal("serve did not listen within 5 minutes")
	}
	out := printed.String()
	for _, want := range []string{"stateMachine:Loyalty", "stateMachine:Orders", "route          ordersapi", "POST /orders (AWS_IAM, AWS)"} {
		if !strings.Contains(out, want) {
			t.Errorf("serve's start-up lacks %q:\n%s", want, out)
		}
	}
	select { // serve writes its report on stderr, which arrives apart from stdout
	case <-stderr.seen:
	case <-time.After(time.Minute):
	}
	if !strings.Contains(stderr.String(), "function carrier-book-shipment (invoked by ") || !strings.Contains(stderr.String(), "answered from --mocks") {
		t.Errorf("the carrier's function is not reported as mocked:\n%s", stderr.String())
	}
	if edge == "" {
		t.Fatalf("no edge URL in:\n%s", out)
	}
	api := ""
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "api" {
			api = f[1]
		}
	}
	id := strings.Split(strings.TrimPrefix(api, "http://"), ".")[0]
	resp, err := http.Post(edge+"/restapis/"+id+"/v1/_user_request_/orders", "application/json", strings.NewReader(`{"orderId": "o-1"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || string(body) != `{"message":"Missing Authentication Token"}` {
		t.Errorf("an unsigned order: %d %s; want API Gateway's 403", resp.StatusCode, body)
	}
}

// watchedLog collects a process's output for the test to read while it
// runs, and closes seen once the output holds want.
type watchedLog struct {
	mu   sync.Mutex
	buf  strings.Builder
	want string
	seen chan struct{}
	once sync.Once
}

func (w *watchedLog) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return len(p), nil
}

func (w *watchedLog) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
