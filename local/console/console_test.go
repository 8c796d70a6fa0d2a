package console

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/local/sfnapi"
)

// threePasses is a machine of three Pass states: its history has
// ExecutionStarted, three PassStateEntered and PassStateExited, and
// ExecutionSucceeded.
const threePasses = `{"StartAt": "A", "States": {
	"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "C"}, "C": {"Type": "Pass", "End": true}}}`

const machineArn = "arn:aws:states:us-east-1:123456789012:stateMachine:Passes"

// fixture is a console over a server with the machine Passes and one
// ended execution of it, whose input carries markup.
type fixture struct {
	api     *sfnapi.Server
	handler http.Handler
	exec    string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	api := sfnapi.New(sfnapi.Options{})
	t.Cleanup(api.Close)
	ctx := context.Background()
	if err := api.Invoke(ctx, "CreateStateMachine", map[string]any{"name": "Passes", "definition": threePasses, "roleArn": "arn:aws:iam::123456789012:role/R"}, nil); err != nil {
		t.Fatal(err)
	}
	var started struct{ ExecutionArn string }
	input := `{"note": "<script>alert(1)</script>", "quote": "\"&'"}`
	if err := api.Invoke(ctx, "StartExecution", map[string]any{"stateMachineArn": machineArn, "name": "x1", "input": input}, &started); err != nil {
		t.Fatal(err)
	}
	rec, _ := api.ExecutionByArn(started.ExecutionArn)
	<-rec.Execution.Done()
	c := New(api, Options{})
	return &fixture{api: api, handler: c.Mount(api), exec: started.ExecutionArn}
}

// get answers a GET of path (with its query).
func (f *fixture) get(t *testing.T, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8083"+path, nil))
	body, _ := io.ReadAll(rec.Body)
	return rec.Code, string(body)
}

// post sends a form as a browser on the console's own page would, with
// headers changed by edit.
func (f *fixture) post(t *testing.T, path string, form url.Values, edit func(h http.Header)) (int, string, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:8083"+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://127.0.0.1:8083")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if edit != nil {
		edit(req.Header)
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Body)
	return rec.Code, string(body), rec.Header().Get("Location")
}

var csrfField = regexp.MustCompile(`name="csrf" value="([0-9a-f]{64})"`)

func (f *fixture) token(t *testing.T) string {
	t.Helper()
	_, page := f.get(t, "/console/machine?arn="+url.QueryEscape(machineArn))
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the machine's page has no CSRF token")
	}
	return m[1]
}

func executionsOf(f *fixture) int { return len(f.api.ExecutionsOf(machineArn)) }

func TestUserDataIsEscaped(t *testing.T) {
	f := newFixture(t)
	code, page := f.get(t, "/console/execution?arn="+url.QueryEscape(f.exec))
	if code != http.StatusOK {
		t.Fatalf("%d\n%s", code, page)
	}
	if strings.Contains(page, "<script>alert") || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the input's markup is not escaped on the execution's page:\n%s", page)
	}
	if !strings.Contains(page, "&#34;&amp;&#39;") {
		t.Errorf("quotes and ampersands of the input are not escaped")
	}
}

func TestStateChangesNeedTheTokenAndTheOrigin(t *testing.T) {
	f := newFixture(t)
	form := url.Values{"stateMachineArn": {machineArn}, "input": {"{}"}, "csrf": {f.token(t)}}
	for name, edit := range map[string]func(http.Header){
		"another site":     func(h http.Header) { h.Set("Sec-Fetch-Site", "cross-site"); h.Set("Origin", "http://evil.example") },
		"another port":     func(h http.Header) { h.Set("Sec-Fetch-Site", "same-site"); h.Set("Origin", "http://127.0.0.1:9999") },
		"an opaque origin": func(h http.Header) { h.Del("Sec-Fetch-Site"); h.Set("Origin", "null") },
	} {
		if code, _, _ := f.post(t, "/console/start", form, edit); code != http.StatusForbidden {
			t.Errorf("a form from %s: %d; want 403", name, code)
		}
	}
	for name, token := range map[string][]string{"no token": nil, "a wrong token": {strings.Repeat("0", 64)}} {
		bad := url.Values{"stateMachineArn": form["stateMachineArn"], "input": form["input"], "csrf": token}
		if code, page, _ := f.post(t, "/console/start", bad, nil); code != http.StatusForbidden || !strings.Contains(page, "CSRF") {
			t.Errorf("%s: %d; want 403 naming the CSRF token", name, code)
		}
	}
	if n := executionsOf(f); n != 1 {
		t.Fatalf("refused forms started executions: %d", n)
	}
	code, _, location := f.post(t, "/console/start", form, nil)
	if code != http.StatusSeeOther || !strings.HasPrefix(location, "/console/execution?arn=") || executionsOf(f) != 2 {
		t.Errorf("the console's own form: %d to %q, %d executions; want 303 to the new execution", code, location, executionsOf(f))
	}
	if code, _ := f.get(t, "/console/start?stateMachineArn="+url.QueryEscape(machineArn)); code != http.StatusNotFound || executionsOf(f) != 2 {
		t.Errorf("GET /console/start: %d; want 404 and nothing started", code)
	}
}

func TestStartShowsTheServersReason(t *testing.T) {
	f := newFixture(t)
	token := f.token(t)
	for input, reason := range map[string]string{`{"a": `: "InvalidExecutionInput", `{"a": 1}`: "InvalidName"} {
		form := url.Values{"stateMachineArn": {machineArn}, "input": {input}, "name": {"bad name!"}, "csrf": {token}}
		if input == `{"a": ` {
			form.Set("name", "")
		}
		code, page, _ := f.post(t, "/console/start", form, nil)
		if code != http.StatusBadRequest || !strings.Contains(page, reason) || !strings.Contains(page, strings.ReplaceAll(input, `"`, "&#34;")) {
			t.Errorf("input %s: %d; want 400 with %s and the input kept:\n%s", input, code, reason, page)
		}
	}
}

var eventLine = regexp.MustCompile(`<tr data-event-id="(\d+)"><td>\d+</td><td>(\w+)</td>`)

func rows(page string) []string {
	var out []string
	for _, m := range eventLine.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1]+" "+m[2])
	}
	return out
}

var nextLink = regexp.MustCompile(`nextToken=([^"#&]+)`)

func TestHistoryPagesAsGetExecutionHistory(t *testing.T) {
	f := newFixture(t)
	var api struct{ NextToken string }
	if err := f.api.Invoke(context.Background(), "GetExecutionHistory", map[string]any{"executionArn": f.exec, "maxResults": 3}, &api); err != nil {
		t.Fatal(err)
	}
	base := "/console/execution?arn=" + url.QueryEscape(f.exec)
	_, page := f.get(t, base+"&maxResults=3")
	m := nextLink.FindStringSubmatch(page)
	if got := rows(page); strings.Join(got, ",") != "1 ExecutionStarted,2 PassStateEntered,3 PassStateExited" || m == nil {
		t.Fatalf("first page of 3: %v, next link %v", got, m)
	}
	token, _ := url.QueryUnescape(m[1])
	if token != api.NextToken {
		t.Errorf("the next page's token is %q; GetExecutionHistory's is %q", token, api.NextToken)
	}
	_, page = f.get(t, base+"&maxResults=3&nextToken="+url.QueryEscape(token))
	if got := rows(page); strings.Join(got, ",") != "4 PassStateEntered,5 PassStateExited,6 PassStateEntered" {
		t.Errorf("second page: %v", got)
	}
	for query, want := range map[string]string{"&nextToken=made-up": "InvalidToken", "&maxResults=5000": "ValidationException", "&maxResults=ten": "ValidationException"} {
		if code, page := f.get(t, base+query); code != http.StatusBadRequest || !strings.Contains(page, want) {
			t.Errorf("%s: %d; want 400 with %s", query, code, want)
		}
	}
}

func TestHistoryFiltersByType(t *testing.T) {
	f := newFixture(t)
	_, page := f.get(t, "/console/execution?arn="+url.QueryEscape(f.exec)+"&type=PassStateExited&maxResults=2")
	if got := rows(page); strings.Join(got, ",") != "3 PassStateExited,5 PassStateExited" || !nextLink.MatchString(page) {
		t.Errorf("PassStateExited, 2 a page: %v (next link %v)", got, nextLink.MatchString(page))
	}
}

func TestUnknownResources(t *testing.T) {
	f := newFixture(t)
	for path, want := range map[string]int{
		"/console/machine?arn=" + url.QueryEscape(machineArn+"Gone"):                                                      http.StatusNotFound,
		"/console/execution?arn=" + url.QueryEscape(strings.Replace(f.exec, "x1", "gone", 1)):                             http.StatusNotFound,
		"/console/maprun?arn=" + url.QueryEscape("arn:aws:states:us-east-1:123456789012:mapRun:Passes/Map:0a1b2c3d-0000"): http.StatusNotFound,
		"/console/execution?arn=not-an-arn":                                                                               http.StatusBadRequest,
		"/console/nothing-here":                                                                                           http.StatusNotFound,
	} {
		if code, page := f.get(t, path); code != want || !strings.Contains(page, `id="error-message"`) {
			t.Errorf("%s: %d; want %d with an error page", path, code, want)
		}
	}
}

func TestMountSendsBrowsersToTheConsole(t *testing.T) {
	f := newFixture(t)
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != Prefix {
		t.Errorf("GET /: %d to %q; want 302 to %s", rec.Code, rec.Header().Get("Location"), Prefix)
	}
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{}`))
	req.Header.Set("X-Amz-Target", "AWSStepFunctions.ListStateMachines")
	rec = httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Passes") {
		t.Errorf("the API's POST /: %d %s", rec.Code, rec.Body.String())
	}
}

// TestTheMachinesPageShowsTheTriggers: what sfnkit serve's rules and
// schedules did is listed, newest first, escaped.
func TestTheMachinesPageShowsTheTriggers(t *testing.T) {
	f := newFixture(t)
	c := New(f.api, Options{Triggers: func() []Firing {
		return []Firing{
			{Rule: "UploadRule", Event: "Object Created from aws.s3 s3://photos/uploads/a.jpg", Outcome: "started arn:aws:states:us-east-1:123456789012:express:Images:1"},
			{Event: "Object Created from aws.s3 s3://photos/<b>x</b>", Outcome: `unmatched: detail.object.key is "<b>x</b>"`},
		}
	}})
	rec := httptest.NewRecorder()
	c.Mount(f.api).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8083/console/", nil))
	body := rec.Body.String()
	first, second := strings.Index(body, "(no rule)"), strings.Index(body, "UploadRule")
	if first < 0 || second < 0 || first > second {
		t.Errorf("the triggers are not listed newest first:\n%s", body)
	}
	if strings.Contains(body, "<b>x</b>") || !strings.Contains(body, "&lt;b&gt;x&lt;/b&gt;") {
		t.Errorf("an event's text is not escaped:\n%s", body)
	}
	if _, page := f.get(t, "/console/"); strings.Contains(page, `id="triggers"`) {
		t.Error("a console without triggers shows a triggers table")
	}
}
