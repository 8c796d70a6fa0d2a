package asl

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"
)

var expressArnPattern = regexp.MustCompile(`^arn:aws:states:us-east-1:123456789012:express:StateMachine:([^:]+):[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// expressEngine is an engine of EXPRESS executions on a virtual clock.
func expressEngine() *Engine {
	return NewEngine(Options{Type: Express, Clock: NewVirtualClock(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))})
}

// TestExpressExecutions checks an Express execution's ARN, as the result
// and $states.context give it, and that a name may start two executions:
// Express delivery is at least once, StartExecution is not idempotent.
func TestExpressExecutions(t *testing.T) {
	sm, err := ParseFor([]byte(`{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":{"id":"{% $states.context.Execution.Id %}","name":"{% $states.context.Execution.Name %}"},"End":true}}}`), Express)
	if err != nil {
		t.Fatal(err)
	}
	e := expressEngine()
	var arns []string
	for range 2 {
		x, err := e.Start(context.Background(), sm, []byte(`{}`), "order-7")
		if err != nil {
			t.Fatalf("an Express execution name may be reused: %v", err)
		}
		res, _ := x.Wait(context.Background())
		out := res.Output.(map[string]any)
		m := expressArnPattern.FindStringSubmatch(x.Arn)
		if m == nil || m[1] != "order-7" || out["id"] != x.Arn || out["name"] != "order-7" {
			t.Errorf("execution %s, context %v; want arn:aws:states:REGION:ACCOUNT:express:MACHINE:order-7:UUID in both", x.Arn, out)
		}
		arns = append(arns, x.Arn)
	}
	if arns[0] == arns[1] {
		t.Errorf("two Express executions share the ARN %s", arns[0])
	}
	// A Standard engine keeps a name to one execution.
	std := NewEngine(Options{})
	if _, err := std.Start(context.Background(), sm, []byte(`{}`), "order-7"); err != nil {
		t.Fatal(err)
	}
	if _, err := std.Start(context.Background(), sm, []byte(`{"other":1}`), "order-7"); !IsAPIError(err, CodeExecutionAlreadyExists) {
		t.Errorf("Standard reuse of a name: %v; want ExecutionAlreadyExists", err)
	}
}

// TestExpressDuration checks "Express Workflows can run for up to five
// minutes": a longer run times out at five minutes, whatever the
// machine's TimeoutSeconds; a shorter TimeoutSeconds still applies.
func TestExpressDuration(t *testing.T) {
	for _, tt := range []struct {
		timeout string
		want    time.Duration
		cause   string
	}{
		{``, 5 * time.Minute, "ran longer than 5m0s"},
		{`"TimeoutSeconds":3600,`, 5 * time.Minute, "ran longer than 5m0s"},
		{`"TimeoutSeconds":60,`, time.Minute, "exceeded its TimeoutSeconds"},
	} {
		sm, err := ParseFor([]byte(`{`+tt.timeout+`"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3000,"End":true}}}`), Express)
		if err != nil {
			t.Fatal(err)
		}
		e := expressEngine()
		x, err := e.Start(context.Background(), sm, []byte(`{}`), "")
		if err != nil {
			t.Fatal(err)
		}
		res, _ := x.Wait(context.Background())
		if res.Status != StatusTimedOut || res.Error != ErrTimeout || !strings.Contains(res.Cause, tt.cause) || x.StopDate().Sub(x.StartTime) != tt.want {
			t.Errorf("%s: %s %s (%s) after %v; want TIMED_OUT after %v", tt.timeout, res.Status, res.Error, res.Cause, x.StopDate().Sub(x.StartTime), tt.want)
		}
	}
}

// TestExpressRefusesCallbacks checks that an Express engine will not run
// a machine with a pattern Express lacks, even one Parse let through as
// Standard, and that ParseFor refuses it as validation.
func TestExpressRefusesCallbacks(t *testing.T) {
	def := []byte(`{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::ecs:runTask.sync","End":true}}}],"End":true}}}`)
	sm, err := Parse(def)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := expressEngine().Start(context.Background(), sm, []byte(`{}`), ""); err == nil || !strings.Contains(err.Error(), "/States/P/Branches/0/States/T") {
		t.Errorf("Start = %v; want the .sync task refused by path", err)
	}
	_, err = ParseFor(def, Express)
	if err == nil || !strings.Contains(err.Error(), "Express state machine does not support '.sync' service integration") {
		t.Errorf("ParseFor(EXPRESS) = %v; want the .sync refused", err)
	}
	if _, err := ParseWorkflowType("express"); err == nil {
		t.Error("ParseWorkflowType accepted a lower-case type; CreateStateMachine's enum is STANDARD or EXPRESS")
	}
}
