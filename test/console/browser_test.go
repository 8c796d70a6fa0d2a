package console_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/chromedp/chromedp"

	"github.com/sfnkit/sfnkit/internal/synthtest"
	"github.com/sfnkit/sfnkit/local/console"
	"github.com/sfnkit/sfnkit/local/harness"
	etl "github.com/sfnkit/sfnkit/workflows/etl/contract"
	order "github.com/sfnkit/sfnkit/workflows/orderfulfillment/contract"
)

var update = flag.Bool("update", false, "write the README's screenshots to docs/console/ (also SFNKIT_UPDATE_SCREENSHOTS=1)")

// browser is headless Chromium, Debian's, as root without its sandbox.
func browser(t *testing.T) context.Context {
	t.Helper()
	if os.Getenv("SFNKIT_BROWSER") != "1" {
		t.Skip("the browser test runs with SFNKIT_BROWSER=1 (make browser)")
	}
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("SFNKIT_BROWSER=1 but Chromium is not installed: %v (make browser installs it: apt-get install chromium)", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.Headless,
		chromedp.DisableGPU, chromedp.WindowSize(1440, 1000))
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // the first call starts the browser, for as long as ctx lives
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}

// do runs steps in the page, each call bounded to 30 seconds.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls the page until it has loaded (its style sheet applied)
// and the JavaScript condition holds: after a navigation the page
// started itself (a form sent, a redirect), where a query bound to the
// previous document would wait forever.
func waitFor(t *testing.T, ctx context.Context, condition string) {
	t.Helper()
	var last error
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === 'complete' && (`+condition+`)`)) // its style sheet applied
		if err == nil && ok {
			return
		}
		last = err
	}
	where, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText.slice(0, 300)`))
	t.Fatalf("the page never satisfied %s (last error: %v); it shows %s", condition, last, where)
}

// get runs an action that reads something from the page.
func get[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func executionURL(base, arn string) string {
	return base + console.Prefix + "execution?arn=" + strings.ReplaceAll(arn, ":", "%3A")
}

// screenshot writes a README picture, only when asked to.
func screenshot(t *testing.T, name string, png []byte) {
	t.Helper()
	if !*update && os.Getenv("SFNKIT_UPDATE_SCREENSHOTS") != "1" {
		return
	}
	dir := filepath.Join(synthtest.ModuleRoot(), "docs", "console")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote docs/console/%s", name)
}

// graphState is a state on the graph as the browser draws it.
type graphState struct {
	Outcome string `json:"outcome"`
	Fill    string `json:"fill"`
}

// graph reads every state of the page's graph: its outcome and the fill
// colour the browser computed for its shape.
func graph(t *testing.T, ctx context.Context) map[string]graphState {
	t.Helper()
	raw := get(t, ctx, chromedp.Evaluate[string](`JSON.stringify(Object.fromEntries([...document.querySelectorAll('#graph g.state')].map(g =>
		[g.dataset.state, {outcome: g.dataset.outcome, fill: getComputedStyle(g.querySelector('path, polygon, ellipse')).fill}])))`))
	out := map[string]graphState{}
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// outcomeFills are the colours console.css gives each outcome.
var outcomeFills = map[string]string{
	"succeeded": "rgb(200, 230, 201)", "caught": "rgb(255, 224, 178)", "failed": "rgb(255, 205, 210)",
	"running": "rgb(187, 222, 251)", "not-reached": "rgb(236, 239, 241)",
}

func checkGraph(t *testing.T, got map[string]graphState, want map[string]string) {
	t.Helper()
	for state, outcome := range want {
		g, ok := got[state]
		if !ok {
			t.Errorf("the graph has no state %s: %v", state, got)
			continue
		}
		if g.Outcome != outcome || g.Fill != outcomeFills[outcome] {
			t.Errorf("%s is drawn %s in %s; want %s in %s", state, g.Outcome, g.Fill, outcome, outcomeFills[outcome])
		}
	}
}

func (s *site) history(t *testing.T, arn string) []string {
	t.Helper()
	out, err := s.client.GetExecutionHistory(context.Background(), &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, e := range out.Events {
		rows = append(rows, fmt.Sprintf("%d %s", e.Id, e.Type))
	}
	return rows
}

// TestConsoleInBrowser drives the console in headless Chromium: the
// order workflow's declined payment and a compensated shipping failure on
// the graph and in the history, the approval answered by clicking, and a
// script in an input and a cross-origin form, both harmless.
func TestConsoleInBrowser(t *testing.T) {
	ctx := browser(t)
	s := serve(t)
	declined, undeliverable, approved := s.start(t, "order/payment-declined"), s.start(t, "order/undeliverable"), s.start(t, "order/approved")
	for _, arn := range []string{declined, undeliverable} {
		if d := s.await(t, arn); d.Status != types.ExecutionStatusFailed {
			t.Fatalf("%s ended %s (%s)", arn, d.Status, aws.ToString(d.Cause))
		}
	}
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }

	// A browser's GET / lands on the list of the three workflows.
	do(t, ctx, chromedp.Navigate(s.url+"/"), chromedp.WaitVisible(css("#machines")))
	location := get(t, ctx, chromedp.Location())
	machines := get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#machines tbody tr').length`))
	if location != s.url+console.Prefix || machines != 3 {
		t.Errorf("GET / showed %s with %d state machines; want %s with 3", location, machines, s.url+console.Prefix)
	}

	t.Run("declined payment", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(executionURL(s.url, declined)), chromedp.WaitVisible(css("#graph svg")))
		checkGraph(t, graph(t, ctx), map[string]string{
			order.StateValidateOrder: "succeeded", order.StateProcessPayment: "caught", order.StatePaymentFailed: "failed",
			order.StateShipOrder: "not-reached", order.StateOrderCompleted: "not-reached",
		})
		rows := get(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#events tbody tr')].map(tr => tr.cells[0].textContent + ' ' + tr.cells[1].textContent)`))
		if want := s.history(t, declined); strings.Join(rows, "\n") != strings.Join(want, "\n") {
			t.Errorf("the history table shows\n%s\nGetExecutionHistory answers\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
		}
		// Clicking a state shows its error.
		panel := css(`.state-detail[data-for="` + order.StateProcessPayment + `"]`)
		do(t, ctx, chromedp.Click(css(`#graph g.state[data-state="`+order.StateProcessPayment+`"]`)), chromedp.WaitVisible(panel))
		if detail := get(t, ctx, chromedp.Text(panel)); !strings.Contains(detail, "PaymentDeclined") {
			t.Errorf("the ProcessPayment panel does not show the PaymentDeclined error:\n%s", detail)
		}
	})

	t.Run("compensated shipping failure", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(executionURL(s.url, undeliverable)), chromedp.WaitVisible(css("#graph svg")),
			chromedp.Click(css(`#graph g.state[data-state="`+order.StateShipOrder+`"]`)))
		checkGraph(t, graph(t, ctx), map[string]string{
			order.StateShipOrder: "caught", order.StateReleaseInventory: "succeeded", order.StateRefundPayment: "succeeded",
			order.StateShippingFailed: "failed", order.StateSendConfirmation: "not-reached",
		})
		screenshot(t, "failed-order.png", get(t, ctx, chromedp.Screenshot(css(".split"))))
	})

	t.Run("approve by clicking", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(executionURL(s.url, approved)), chromedp.WaitVisible(css(`[data-waiting="`+order.StateRequestApproval+`"]`)))
		checkGraph(t, graph(t, ctx), map[string]string{order.StateRequestApproval: "running", order.StateProcessPayment: "not-reached"})
		screenshot(t, "approval.png", get(t, ctx, chromedp.CaptureScreenshot())) // the window: the request, the answers, the graph's top
		do(t, ctx, chromedp.Click(css("#approve")))
		waitFor(t, ctx, `document.querySelector('#execution[data-status="SUCCEEDED"]') !== null`)
		if d := s.await(t, approved); d.Status != types.ExecutionStatusSucceeded {
			t.Errorf("the approved order ended %s", d.Status)
		}
		checkGraph(t, graph(t, ctx), map[string]string{order.StateRequestApproval: "succeeded", order.StateOrderCompleted: "succeeded"})
	})

	t.Run("reject by clicking", func(t *testing.T) {
		arn, _ := s.waiting(t, "rejected-in-browser")
		cause := `{"approver": "<i>ops</i>"}`
		do(t, ctx, chromedp.Navigate(executionURL(s.url, arn)), chromedp.WaitVisible(css("#reject")),
			chromedp.SetValue(css(`form[action$="task/failure"] input[name="cause"]`), cause), chromedp.Click(css("#reject")))
		waitFor(t, ctx, `document.querySelector('#execution:not([data-status="RUNNING"])') !== null`)
		d := s.await(t, arn)
		checkGraph(t, graph(t, ctx), map[string]string{order.StateRequestApproval: "caught", order.StateProcessPayment: "not-reached"})
		panel := css(`.state-detail[data-for="` + order.StateRequestApproval + `"]`)
		do(t, ctx, chromedp.Click(css(`#graph g.state[data-state="`+order.StateRequestApproval+`"]`)), chromedp.WaitVisible(panel))
		detail := get(t, ctx, chromedp.Text(panel))
		if !strings.Contains(detail, order.ErrorApprovalRejected) || !strings.Contains(detail, "<i>ops</i>") {
			t.Errorf("the %s panel does not show the rejection (%s, %s):\n%s", order.StateRequestApproval, order.ErrorApprovalRejected, cause, detail)
		}
		if status := get(t, ctx, chromedp.Evaluate[string](`document.querySelector('#execution').dataset.status`)); status != string(d.Status) {
			t.Errorf("the page shows %s; DescribeExecution %s", status, d.Status)
		}
	})

	t.Run("the ETL run's map run", func(t *testing.T) {
		arn := s.start(t, "etl/loaded")
		if d := s.await(t, arn); d.Status != types.ExecutionStatusSucceeded {
			t.Fatalf("etl/loaded ended %s", d.Status)
		}
		do(t, ctx, chromedp.Navigate(executionURL(s.url, arn)), chromedp.WaitVisible(css("#graph svg")))
		checkGraph(t, graph(t, ctx), map[string]string{etl.StateExtractTransform: "succeeded", etl.StateTransform: "succeeded", etl.StateRunFailed: "not-reached"})
		do(t, ctx, chromedp.Click(css("#mapruns a")))
		waitFor(t, ctx, `document.querySelector('#counts') !== null`)
		runs, err := s.client.ListMapRuns(context.Background(), &sfn.ListMapRunsInput{ExecutionArn: aws.String(arn)})
		if err != nil || len(runs.MapRuns) != 1 {
			t.Fatalf("ListMapRuns: %v, %v", runs, err)
		}
		run, err := s.client.DescribeMapRun(context.Background(), &sfn.DescribeMapRunInput{MapRunArn: runs.MapRuns[0].MapRunArn})
		if err != nil {
			t.Fatal(err)
		}
		counts := get(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#counts tbody tr')].map(tr => [...tr.cells].map(c => c.textContent).join(' '))`))
		want := []string{fmt.Sprintf("Items 0 0 %d 0 0 0 %d %d 0 0", run.ItemCounts.Succeeded, run.ItemCounts.Total, run.ItemCounts.ResultsWritten),
			fmt.Sprintf("Child executions 0 0 %d 0 0 0 %d %d 0 0", run.ExecutionCounts.Succeeded, run.ExecutionCounts.Total, run.ExecutionCounts.ResultsWritten)}
		if strings.Join(counts, "\n") != strings.Join(want, "\n") {
			t.Errorf("the map run's counts:\n%s\nDescribeMapRun:\n%s", strings.Join(counts, "\n"), strings.Join(want, "\n"))
		}
		children := get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#children tbody tr').length`))
		if children != int(run.ExecutionCounts.Total) || children == 0 {
			t.Errorf("the map run page lists %d child executions; DescribeMapRun counts %d", children, run.ExecutionCounts.Total)
		}
	})

	machine := s.url + console.Prefix + "machine?arn=" + strings.ReplaceAll(s.arns[harness.StackOrderFulfillment], ":", "%3A")
	t.Run("a script in an input stays text", func(t *testing.T) {
		input := `{"orderId": "<script>window.injected = 1</script>", "note": "<img src=x onerror=\"window.injected = 2\">"}`
		do(t, ctx, chromedp.Navigate(machine), chromedp.WaitVisible(css(`textarea[name="input"]`)),
			chromedp.SetValue(css(`textarea[name="input"]`), input),
			chromedp.Click(css(`#start button[type="submit"]`)))
		waitFor(t, ctx, `document.querySelector('#exec-input') !== null`)
		shown := get(t, ctx, chromedp.Text(css("#exec-input")))
		injected := get(t, ctx, chromedp.Evaluate[bool](`window.injected !== undefined`))
		elements := get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('main script, main img').length`))
		if injected || elements != 0 || !strings.Contains(shown, "<script>window.injected = 1</script>") {
			t.Errorf("the input was not kept as text: injected %v, %d script or img elements, shown %q", injected, elements, shown)
		}
	})

	t.Run("input that is not JSON is stopped in the page", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(machine), chromedp.WaitVisible(css(`textarea[name="input"]`)),
			chromedp.SetValue(css(`textarea[name="input"]`), `{"orderId": `),
			chromedp.Click(css(`#start button[type="submit"]`)), chromedp.WaitVisible(css("#start .json-error")))
		if note := get(t, ctx, chromedp.Text(css("#start .json-error"))); !strings.Contains(note, "not JSON") {
			t.Errorf("invalid JSON input: the page says %q", note)
		}
	})

	t.Run("a cross-origin form is refused", func(t *testing.T) {
		before := len(s.executions(t))
		evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!doctype html><form id="f" method="post" action="%s%sstart"><input name="stateMachineArn" value="%s"><input name="csrf" value="guess"><input name="input" value="{}"></form><script>document.getElementById('f').submit()</script>`,
				s.url, console.Prefix, s.arns[harness.StackOrderFulfillment])
		}))
		defer evil.Close()
		do(t, ctx, chromedp.Navigate(evil.URL))
		waitFor(t, ctx, `document.querySelector('#error-message') !== null`)
		message := get(t, ctx, chromedp.Text(css("#error-message")))
		if !strings.Contains(message, "refused") || len(s.executions(t)) != before {
			t.Errorf("a form from %s was not refused: %q, executions %d → %d", evil.URL, message, before, len(s.executions(t)))
		}
	})
}
