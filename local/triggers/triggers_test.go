package triggers

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/local/fakes"
	"github.com/sfnkit/sfnkit/local/sfnapi"
)

// app is a one-stack assembly: a daily schedule with an input transformer
// and a dead-letter queue, and an upload rule on a bucket with EventBridge
// notifications, both targeting the machine Job; Missing is a rule whose
// target does not exist.
const app = `{"Resources":{
 "Job":{"Type":"AWS::StepFunctions::StateMachine","Properties":{}},
 "Uploads":{"Type":"AWS::S3::Bucket","Properties":{"NotificationConfiguration":{"EventBridgeConfiguration":{"EventBridgeEnabled":true}}}},
 "Quiet":{"Type":"AWS::S3::Bucket","Properties":{}},
 "Dlq":{"Type":"AWS::SQS::Queue","Properties":{}},
 "Daily":{"Type":"AWS::Events::Rule","Properties":{"ScheduleExpression":"cron(0 2 * * ? *)","State":"ENABLED","Targets":[{"Arn":{"Ref":"Job"},"Id":"T",
   "InputTransformer":{"InputPathsMap":{"time":"$.time"},"InputTemplate":"{\"scheduledAt\":<time>,\"note\":\"rule <aws.events.rule-name> at <time>\"}"}}]}},
 "OnUpload":{"Type":"AWS::Events::Rule","Properties":{"State":"ENABLED","EventPattern":{"source":["aws.s3"],"detail-type":["Object Created"],
   "detail":{"bucket":{"name":[{"Ref":"Uploads"}]},"object":{"key":[{"prefix":"in/"}]}}},"Targets":[{"Arn":{"Ref":"Job"},"Id":"T"}]}},
 "Missing":{"Type":"AWS::Events::Rule","Properties":{"State":"ENABLED","EventPattern":{"source":["aws.s3"],"detail":{"object":{"key":[{"prefix":"lost/"}]}}},
   "Targets":[{"Arn":"arn:aws:states:us-east-1:123456789012:stateMachine:Gone","Id":"T","DeadLetterConfig":{"Arn":{"Fn::GetAtt":["Dlq","Arn"]}}}]}}
}}`

func newApp(t *testing.T) (*Triggers, *sfnapi.Server, *fakes.AWS, *strings.Builder) {
	t.Helper()
	tpl, err := cfn.Parse([]byte(app))
	if err != nil {
		t.Fatal(err)
	}
	api := sfnapi.New(sfnapi.Options{})
	t.Cleanup(api.Close)
	if err := sfnapi.Call(api, "CreateStateMachine", map[string]string{"name": "Job", "roleArn": "arn:aws:iam::123456789012:role/r",
		"definition": `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`}, nil); err != nil {
		t.Fatal(err)
	}
	aws := &fakes.AWS{}
	aws.Queue("Dlq", fakes.QueueOptions{})
	var log strings.Builder
	trig, err := New(Options{Assembly: &cfn.Assembly{Stacks: []*cfn.AssemblyStack{{Name: "App", Template: tpl}}}, StepFunctions: api, AWS: aws, Virtual: true, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	return trig, api, aws, &log
}

func inputs(t *testing.T, api *sfnapi.Server) []string {
	t.Helper()
	var list struct {
		Executions []struct{ ExecutionArn string }
	}
	if err := sfnapi.Call(api, "ListExecutions", map[string]string{"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Job"}, &list); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list.Executions {
		var d struct{ Input string }
		if err := sfnapi.Call(api, "DescribeExecution", map[string]string{"executionArn": e.ExecutionArn}, &d); err != nil {
			t.Fatal(err)
		}
		out = append(out, d.Input)
	}
	return out
}

func TestScheduleFiresOnTheVirtualClockWithTheTransformedInput(t *testing.T) {
	trig, api, _, _ := newApp(t)
	if n, err := trig.Advance(time.Hour); err != nil || n != 0 {
		t.Fatalf("an hour in: %d firings, %v; want none before 02:00", n, err)
	}
	if n, err := trig.Advance(48 * time.Hour); err != nil || n != 2 {
		t.Fatalf("two days on: %d firings, %v; want 2", n, err)
	}
	got := inputs(t, api)
	want := map[string]bool{
		`{"note":"rule Daily at 2026-11-22T02:00:00Z","scheduledAt":"2026-11-22T02:00:00Z"}`: true,
		`{"note":"rule Daily at 2026-11-23T02:00:00Z","scheduledAt":"2026-11-23T02:00:00Z"}`: true,
	}
	for _, in := range got {
		var v any
		_ = json.Unmarshal([]byte(in), &v)
		b, _ := json.Marshal(v)
		in = string(b) // keys sorted
		if !want[in] {
			t.Errorf("an execution started with %s", in)
		}
		delete(want, in)
	}
	if len(want) > 0 {
		t.Errorf("no execution started with %v (got %v)", want, got)
	}
	if !trig.Now().Equal(at("2026-11-24T01:00:00Z")) {
		t.Errorf("the clock reads %s", trig.Now())
	}
}

func TestUploadsFireOnlyForMatchingKeysOfNotifyingBuckets(t *testing.T) {
	trig, api, _, log := newApp(t)
	trig.ObjectCreated(fakes.ObjectCreated{Bucket: "uploads", Key: "in/a.csv", Size: 3, ETag: "abc", Reason: "PutObject"})
	trig.ObjectCreated(fakes.ObjectCreated{Bucket: "uploads", Key: "out/a.csv", Size: 3, Reason: "PutObject"})
	trig.ObjectCreated(fakes.ObjectCreated{Bucket: "quiet", Key: "in/a.csv", Size: 3, Reason: "PutObject"})
	got := inputs(t, api)
	if len(got) != 1 {
		t.Fatalf("%d executions started; want 1 (in/ of the notifying bucket): %v", len(got), got)
	}
	var event struct {
		DetailType string `json:"detail-type"`
		Detail     struct {
			Bucket struct{ Name string }
			Object struct {
				Key  string
				Size float64
				Etag string
			}
			Reason string
		}
	}
	if err := json.Unmarshal([]byte(got[0]), &event); err != nil {
		t.Fatal(err)
	}
	if event.DetailType != "Object Created" || event.Detail.Bucket.Name != "uploads" || event.Detail.Object.Key != "in/a.csv" ||
		event.Detail.Object.Size != 3 || event.Detail.Object.Etag != "abc" || event.Detail.Reason != "PutObject" {
		t.Errorf("the execution's input is not S3's event: %s", got[0])
	}
	log1 := trig.Log()
	if len(log1) != 2 || log1[1].Rule != "" || !strings.Contains(log1[1].Outcome, `detail.object.key is "out/a.csv"`) {
		t.Errorf("the unmatched upload is not logged with its reason: %+v", log1)
	}
	if !strings.Contains(log.String(), "OnUpload: Object Created from aws.s3 s3://uploads/in/a.csv -> started arn:") {
		t.Errorf("the log lacks the firing:\n%s", log)
	}
}

func TestAFailedTargetGoesToTheDeadLetterQueue(t *testing.T) {
	trig, _, aws, _ := newApp(t)
	trig.ObjectCreated(fakes.ObjectCreated{Bucket: "uploads", Key: "lost/a.csv", Reason: "PutObject"})
	got, err := aws.Receive(t.Context(), "Dlq", 1, time.Minute, 0)
	if err != nil || len(got) != 1 {
		t.Fatalf("the dead-letter queue holds %v, %v; want the event", got, err)
	}
	a := got[0].Attributes
	if a["ERROR_CODE"] != "StateMachineDoesNotExist" || a["RULE_ARN"] != "arn:aws:events:us-east-1:123456789012:rule/Missing" ||
		!strings.HasSuffix(a["TARGET_ARN"], ":stateMachine:Gone") || !strings.Contains(got[0].Body, `"key":"lost/a.csv"`) {
		t.Errorf("the dead letter is %+v", got[0])
	}
}

func TestMalformedCronIsRefusedNamingTheRule(t *testing.T) {
	tpl, _ := cfn.Parse([]byte(strings.Replace(app, "cron(0 2 * * ? *)", "cron(0 2 * * *)", 1)))
	_, err := New(Options{Assembly: &cfn.Assembly{Stacks: []*cfn.AssemblyStack{{Name: "App", Template: tpl}}}, Virtual: true})
	if err == nil || !strings.Contains(err.Error(), "stack App: rule Daily:") || !strings.Contains(err.Error(), "six fields") {
		t.Errorf("error %v; want one naming the stack, the rule and the fault", err)
	}
}

// flaky answers StartExecution with a 500 the first failures times, then
// passes it on.
type flaky struct {
	next     http.Handler
	mu       sync.Mutex
	failures int
	calls    int
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.calls++
	fail := f.calls <= f.failures
	f.mu.Unlock()
	if fail && r.Header.Get("X-Amz-Target") == "AWSStepFunctions.StartExecution" {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"__type":"InternalServerError","message":"try again"}`))
		return
	}
	f.next.ServeHTTP(w, r)
}

func TestATransientFailureIsRetried(t *testing.T) {
	tpl, _ := cfn.Parse([]byte(app))
	api := sfnapi.New(sfnapi.Options{})
	t.Cleanup(api.Close)
	if err := sfnapi.Call(api, "CreateStateMachine", map[string]string{"name": "Job", "roleArn": "arn:aws:iam::123456789012:role/r",
		"definition": `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`}, nil); err != nil {
		t.Fatal(err)
	}
	states := &flaky{next: api, failures: 2}
	trig, err := New(Options{Assembly: &cfn.Assembly{Stacks: []*cfn.AssemblyStack{{Name: "App", Template: tpl}}}, StepFunctions: states, AWS: &fakes.AWS{}, Virtual: true})
	if err != nil {
		t.Fatal(err)
	}
	trig.ObjectCreated(fakes.ObjectCreated{Bucket: "uploads", Key: "in/a.csv", Reason: "PutObject"})
	deadline := time.Now().Add(time.Minute) // failure detection only: the retries take 300 ms
	for len(inputs(t, api)) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the upload never started an execution; the log: %+v", trig.Log())
		}
		time.Sleep(20 * time.Millisecond)
	}
	states.mu.Lock()
	defer states.mu.Unlock()
	if states.calls != 3 {
		t.Errorf("StartExecution was called %d times; want 3 (two 500s, then the start)", states.calls)
	}
}
