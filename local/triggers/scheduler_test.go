package triggers

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/local/fakes"
	"github.com/sfnkit/sfnkit/local/sfnapi"
)

// scheduled is an app with an EventBridge Scheduler schedule in Berlin
// time and a rule on a custom bus.
const scheduled = `{"Resources":{
 "Job":{"Type":"AWS::StepFunctions::StateMachine","Properties":{}},
 "Bus":{"Type":"AWS::Events::EventBus","Properties":{"Name":"orders"}},
 "Nightly":{"Type":"AWS::Scheduler::Schedule","Properties":{"ScheduleExpression":"cron(30 1 * * ? *)","ScheduleExpressionTimezone":"Europe/Berlin",
   "FlexibleTimeWindow":{"Mode":"OFF"},"Target":{"Arn":{"Ref":"Job"},"RoleArn":"arn:aws:iam::123456789012:role/r",
   "Input":"{\"at\": \"<aws.scheduler.scheduled-time>\", \"by\": \"<aws.scheduler.schedule-arn>\"}"}}},
 "Placed":{"Type":"AWS::Events::Rule","Properties":{"EventBusName":{"Ref":"Bus"},"EventPattern":{"source":["shop"],"detail":{"total":[{"numeric":[">=",100]}]}},
   "Targets":[{"Arn":{"Ref":"Job"},"Id":"T","InputPath":"$.detail"}]}}
}}`

func newScheduled(t *testing.T) (*Triggers, *sfnapi.Server) {
	t.Helper()
	tpl, err := cfn.Parse([]byte(scheduled))
	if err != nil {
		t.Fatal(err)
	}
	api := sfnapi.New(sfnapi.Options{})
	t.Cleanup(api.Close)
	if err := sfnapi.Call(api, "CreateStateMachine", map[string]string{"name": "Job", "roleArn": "arn:aws:iam::123456789012:role/r",
		"definition": `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`}, nil); err != nil {
		t.Fatal(err)
	}
	trig, err := New(Options{Assembly: &cfn.Assembly{Stacks: []*cfn.AssemblyStack{{Name: "App", Template: tpl}}}, StepFunctions: api, AWS: &fakes.AWS{}, Virtual: true})
	if err != nil {
		t.Fatal(err)
	}
	return trig, api
}

func TestSchedulerScheduleFiresInItsTimeZoneWithItsContext(t *testing.T) {
	trig, api := newScheduled(t)
	// 2026-11-22T00:00Z is 01:00 in Berlin (CET): 01:30 Berlin is 00:30Z.
	if n, _ := trig.Advance(29 * time.Minute); n != 0 {
		t.Fatalf("fired %d times before 01:30 Berlin", n)
	}
	if n, _ := trig.Advance(time.Minute); n != 1 {
		t.Fatalf("fired %d times at 01:30 Berlin; want 1", n)
	}
	got := inputs(t, api)
	want := `{"at": "2026-11-22T00:30:00Z", "by": "arn:aws:scheduler:us-east-1:123456789012:schedule/default/Nightly"}`
	var a, b any
	_ = json.Unmarshal([]byte(got[0]), &a)
	_ = json.Unmarshal([]byte(want), &b)
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	if len(got) != 1 || string(x) != string(y) {
		t.Errorf("the execution's input is %v; want %s", got, want)
	}
}

func TestPutEventsReachTheRulesOfTheirBus(t *testing.T) {
	trig, api := newScheduled(t)
	put := func(body string) string {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set("X-Amz-Target", "AWSEvents.PutEvents")
		rec := httptest.NewRecorder()
		trig.EventsEndpoint().ServeHTTP(rec, req)
		return rec.Body.String()
	}
	put(`{"Entries":[{"Source":"shop","DetailType":"Order Placed","Detail":"{\"total\": 250}","EventBusName":"arn:aws:events:us-east-1:123456789012:event-bus/orders"}]}`)
	put(`{"Entries":[{"Source":"shop","DetailType":"Order Placed","Detail":"{\"total\": 20}","EventBusName":"orders"}]}`)
	put(`{"Entries":[{"Source":"shop","DetailType":"Order Placed","Detail":"{\"total\": 500}"}]}`) // the default bus has no rule
	if out := put(`{"Entries":[{"Source":"shop","DetailType":"x","Detail":"not json"}]}`); !strings.Contains(out, `"FailedEntryCount":1`) {
		t.Errorf("a malformed entry: %s", out)
	}
	got := inputs(t, api)
	if len(got) != 1 || got[0] != `{"total":250}` {
		t.Errorf("executions started with %v; want one with the detail of the order of 250", got)
	}
	log := trig.Log()
	if len(log) != 3 || !strings.Contains(log[1].Outcome, `detail.total is 20`) || !strings.Contains(log[2].Outcome, "no rule of the event bus default") {
		t.Errorf("the log: %+v", log)
	}
}
