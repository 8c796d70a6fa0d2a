package lambdart

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/internal/gobuild"
)

// probe is the test function's executable, built once for this machine
// the way `sfnkit serve` builds the project's handlers.
var probe string

func TestMain(m *testing.M) {
	pkg, err := gobuild.Resolve("./local/lambdart/testdata/probe")
	if err == nil {
		var dir string
		dir, err = gobuild.BuildFor(pkg, gobuild.Host)
		probe = filepath.Join(dir, "bootstrap")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "building the probe function:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

type answer struct {
	Value     any    `json:"value"`
	RequestID string `json:"requestId"`
	Function  string `json:"function"`
	Greeting  string `json:"greeting"`
	PID       int    `json:"pid"`
}

func newFunction(tb testing.TB, f *Function) *Function {
	tb.Helper()
	f.Name, f.Executable = "Probe", probe
	tb.Cleanup(func() { f.Close() })
	return f
}

func invoke(tb testing.TB, f *Function, event string) (answer, error) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	raw, err := f.Invoke(ctx, []byte(event))
	if err != nil {
		return answer{}, err
	}
	var a answer
	if err := json.Unmarshal(raw, &a); err != nil {
		tb.Fatalf("response %s: %v", raw, err)
	}
	return a, nil
}

// failure asserts err is the Lambda error name.
func failure(tb testing.TB, err error, name, message string) {
	tb.Helper()
	var f *asl.Failure
	if !errors.As(err, &f) {
		tb.Fatalf("err = %v, want the Lambda error %s", err, name)
	}
	if f.Name != name || !strings.Contains(f.Cause, message) {
		tb.Errorf("failure = %s %s, want %s with %q", f.Name, f.Cause, name, message)
	}
}

func TestInvokeRunsTheFunctionsExecutable(t *testing.T) {
	f := newFunction(t, &Function{Env: []string{"GREETING=hello"}})
	a, err := invoke(t, f, `{"value":{"orderId":"o-1"}}`)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := json.Marshal(a.Value); string(got) != `{"orderId":"o-1"}` {
		t.Errorf("value = %s, want the event's", got)
	}
	if a.Function != "Probe" || a.Greeting != "hello" || len(a.RequestID) != 36 {
		t.Errorf("the handler saw function %q, GREETING %q, request id %q", a.Function, a.Greeting, a.RequestID)
	}
	if a.PID == os.Getpid() {
		t.Error("the handler ran in the test's process")
	}
	// GIVEN a second invocation THEN the warm environment serves it.
	b, err := invoke(t, f, `{"value":2}`)
	if err != nil || b.PID != a.PID || b.RequestID == a.RequestID {
		t.Errorf("second invocation: pid %d (first %d), request id %q, err %v", b.PID, a.PID, b.RequestID, err)
	}
}

func TestFunctionErrorsAreNamedAsLambdaNamesThem(t *testing.T) {
	f := newFunction(t, &Function{})
	_, err := invoke(t, f, `{"op":"fail"}`)
	failure(t, err, "OutOfStock", "out of stock: sku-1")

	// The in-process adapter names the same error the same way.
	_, inProcess := asl.LambdaFunction(func() error { return &OutOfStock{SKU: "sku-1"} }).Invoke(context.Background(), asl.TaskRequest{})
	var a, b *asl.Failure
	if errors.As(err, &a) && errors.As(inProcess, &b) && (a.Name != b.Name || a.Cause != b.Cause) {
		t.Errorf("process %s %s, in-process %s %s: want the same", a.Name, a.Cause, b.Name, b.Cause)
	}
}

// OutOfStock mirrors the probe's error type.
type OutOfStock struct{ SKU string }

func (e *OutOfStock) Error() string { return "out of stock: " + e.SKU }

func TestCrashesAndTimeoutsFailOnlyTheirInvocation(t *testing.T) {
	var logs bytes.Buffer
	f := newFunction(t, &Function{Timeout: 500 * time.Millisecond, Logs: &syncWriter{w: &logs}})
	_, err := invoke(t, f, `{"op":"panic"}`)
	failure(t, err, "errorString", "handler bug")
	_, err = invoke(t, f, `{"op":"exit"}`)
	failure(t, err, "Runtime.ExitError", "Runtime exited with error: exit status 3")
	_, err = invoke(t, f, `{"op":"sleep","sleepMs":5000}`)
	failure(t, err, "Sandbox.Timedout", "Task timed out after 0.50 seconds")
	// THEN a new environment serves what comes next.
	if a, err := invoke(t, f, `{"value":"after"}`); err != nil || a.Value != "after" {
		t.Errorf("after the failures: %+v, %v", a, err)
	}
	f.Close() // flushes the logs
	if !strings.Contains(logs.String(), "[Probe] ") || !strings.Contains(logs.String(), "handler bug") {
		t.Errorf("the function's logs lack its panic, prefixed with its name:\n%s", logs.String())
	}
}

func TestFailedStartUpFailsEachInvocationWithoutHanging(t *testing.T) {
	f := newFunction(t, &Function{Env: []string{"FAIL_INIT=1"}, MaxConcurrency: 2})
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = invoke(t, f, `{}`)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		failure(t, err, "Runtime.ExitError", "exit status 1")
	}
}

func TestConcurrentInvocationsShareBoundedEnvironments(t *testing.T) {
	f := newFunction(t, &Function{MaxConcurrency: 3})
	const n = 60
	answers := make([]answer, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i], errs[i] = invoke(t, f, fmt.Sprintf(`{"op":"sleep","sleepMs":5,"value":%d}`, i))
		}()
	}
	wg.Wait()
	pids, ids := map[int]bool{}, map[string]bool{}
	for i, a := range answers {
		if errs[i] != nil || a.Value != float64(i) {
			t.Fatalf("invocation %d: %+v, %v", i, a, errs[i])
		}
		pids[a.PID], ids[a.RequestID] = true, true
	}
	if len(pids) > 3 || len(ids) != n {
		t.Errorf("%d environments served %d distinct request ids; want at most 3 and %d", len(pids), len(ids), n)
	}
}

func TestCloseStopsEnvironmentsAndRefusesInvocations(t *testing.T) {
	f := newFunction(t, &Function{})
	if _, err := invoke(t, f, `{}`); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := f.Invoke(context.Background(), []byte(`{}`)); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v, want ErrClosed", err)
	}
	if len(f.workers) != 0 {
		t.Errorf("%d environments outlived Close", len(f.workers))
	}
}

func TestCancelledInvocationReturnsAtOnce(t *testing.T) {
	f := newFunction(t, &Function{Timeout: 10 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := f.Invoke(ctx, []byte(`{"op":"sleep","sleepMs":3000}`)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the context's", err)
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// BenchmarkInvoke measures a warm invocation through the Runtime API: the
// cost `sfnkit serve` adds to each Lambda task over calling the handler in
// process.
func BenchmarkInvoke(b *testing.B) {
	f := newFunction(b, &Function{MaxConcurrency: 8})
	payload := []byte(`{"value":{"orderId":"o-1","items":[{"sku":"SKU-1","qty":2}]}}`)
	ctx := context.Background()
	if _, err := f.Invoke(ctx, payload); err != nil { // start an environment
		b.Fatal(err)
	}
	b.Run("sequential", func(b *testing.B) {
		for b.Loop() {
			if _, err := f.Invoke(ctx, payload); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := f.Invoke(ctx, payload); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
