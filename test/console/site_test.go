package console_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/internal/synthtest"
	"github.com/sfnkit/sfnkit/local/console"
	"github.com/sfnkit/sfnkit/local/harness"
	"github.com/sfnkit/sfnkit/local/sfnapi"
	"github.com/sfnkit/sfnkit/local/smoke"
)

// assembly is the shared synthesis of the dev stage, which every test of
// the package serves.
var assembly *cfn.Assembly

func TestMain(m *testing.M) {
	os.Exit(synthtest.MainShared(m, func() error {
		shared, err := synthtest.Shared(synthtest.Dev)
		if err != nil {
			return err
		}
		assembly, err = cfn.ReadAssembly(shared.Dir)
		return err
	}))
}

// site is `sfnkit serve` in the test: the synthesized state machines
// created through the SDK, the console mounted beside the API behind the
// Host check, the project's handlers in process.
type site struct {
	url    string
	client *sfn.Client
	arns   map[string]string
	csrf   string
}

func serve(t *testing.T) *site {
	t.Helper()
	serving := &harness.Serving{Assembly: assembly, Options: harness.Options{Clock: asl.RealClock{}}}
	t.Cleanup(func() { serving.Close() })
	api := sfnapi.New(sfnapi.Options{Prepare: serving.Prepare})
	t.Cleanup(api.Close)
	web := console.New(api, console.Options{GraphvizRoot: synthtest.ModuleRoot()})
	ts := httptest.NewServer(sfnapi.CheckHost(web.Mount(api), sfnapi.Hosts{}))
	t.Cleanup(ts.Close)
	client := sfn.New(sfn.Options{Region: "us-east-1", Credentials: aws.AnonymousCredentials{}}, sfnapi.LocalEndpoint(ts.URL))
	arns, err := smoke.Create(context.Background(), client, assembly)
	if err != nil {
		t.Fatal(err)
	}
	return &site{url: ts.URL, client: client, arns: arns}
}

// scenario finds a shipped scenario by name.
func scenario(t *testing.T, name string) harness.Scenario {
	t.Helper()
	for _, sc := range harness.Scenarios() {
		if sc.Name == name {
			return sc
		}
	}
	t.Fatalf("no scenario %s", name)
	return harness.Scenario{}
}

// start starts the scenario name on its workflow's machine (the sample
// data it needs was seeded when the machine was created) and returns its
// execution's ARN.
func (s *site) start(t *testing.T, name string) string {
	t.Helper()
	return s.startAs(t, name, "")
}

// startAs starts the scenario name as the execution unique (with that
// order id, for an order), so a scenario can run again; if unique is
// empty, as the scenario names it.
func (s *site) startAs(t *testing.T, name, unique string) string {
	t.Helper()
	sc := scenario(t, name)
	var tpl *cfn.Template
	for _, st := range assembly.Stacks {
		if st.Name == sc.Stack {
			tpl = st.Template
		}
	}
	env, err := harness.NewEnv(tpl, "", harness.Options{}) // the inputs read resource names from it
	if err != nil {
		t.Fatal(err)
	}
	input, err := sc.Input(env)
	if err != nil {
		t.Fatal(err)
	}
	if unique == "" {
		unique = sc.ExecutionName
	} else if sc.ExecutionName != "" {
		var in map[string]any
		if err := json.Unmarshal(input, &in); err != nil {
			t.Fatal(err)
		}
		if in["orderId"] == sc.ExecutionName {
			in["orderId"] = unique
		}
		if input, err = json.Marshal(in); err != nil {
			t.Fatal(err)
		}
	}
	in := &sfn.StartExecutionInput{StateMachineArn: aws.String(s.arns[sc.Stack]), Input: aws.String(string(input))}
	if unique != "" {
		in.Name = aws.String(unique)
	}
	out, err := s.client.StartExecution(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.ExecutionArn)
}

// await waits for the execution to end and returns its description.
func (s *site) await(t *testing.T, arn string) *sfn.DescribeExecutionOutput {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		d, err := s.client.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != types.ExecutionStatusRunning {
			return d
		}
	}
	t.Fatalf("%s still runs after 30 s", arn)
	return nil
}

// executions lists the order workflow's executions.
func (s *site) executions(t *testing.T) []types.ExecutionListItem {
	t.Helper()
	out, err := s.client.ListExecutions(context.Background(), &sfn.ListExecutionsInput{StateMachineArn: aws.String(s.arns[harness.StackOrderFulfillment])})
	if err != nil {
		t.Fatal(err)
	}
	return out.Executions
}

// get answers a GET of the console's page path (with its query) with the
// status and the page.
func (s *site) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(s.url + console.Prefix + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// page is get of a page that must answer 200.
func (s *site) page(t *testing.T, path string) string {
	t.Helper()
	code, body := s.get(t, path)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, code, body)
	}
	return body
}

var csrfField = regexp.MustCompile(`name="csrf" value="([0-9a-f]{64})"`)

// post sends a console form as a browser on the console's own page would
// (its origin and the CSRF token of its pages) and returns the status,
// the page and where a redirect goes, without following it.
func (s *site) post(t *testing.T, action string, form url.Values) (int, string, string) {
	t.Helper()
	if s.csrf == "" {
		m := csrfField.FindStringSubmatch(s.page(t, "machine?arn="+url.QueryEscape(s.arns[harness.StackOrderFulfillment])))
		if m == nil {
			t.Fatal("the machine's page has no CSRF token")
		}
		s.csrf = m[1]
	}
	form.Set("csrf", s.csrf)
	req, err := http.NewRequest(http.MethodPost, s.url+console.Prefix+action, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.url)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header.Get("Location")
}
