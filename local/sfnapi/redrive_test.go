package sfnapi

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sfnkit/sfnkit/asl"
)

// board answers the tasks of the redrive and map-run tests: a task's key
// is the "id" of its input, else its state's name; a broken key fails
// until mended. Tasks whose resource ends in "block" report that they
// started and wait to be released.
type board struct {
	mu      sync.Mutex
	calls   map[string]int
	broken  map[string]bool
	started chan struct{}
	release chan struct{}
	clock   *asl.VirtualClock // the engines' clock, if virtual
}

func newBoard(broken ...string) *board {
	b := &board{calls: map[string]int{}, broken: map[string]bool{}, started: make(chan struct{}, 16), release: make(chan struct{})}
	for _, k := range broken {
		b.broken[k] = true
	}
	return b
}

func (b *board) mend() {
	b.mu.Lock()
	b.broken = map[string]bool{}
	b.mu.Unlock()
}

func (b *board) count(key string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.calls[key]
}

func (b *board) resolve(state, resource string, _ any) (asl.TaskHandler, bool) {
	return asl.TaskFunc(func(ctx context.Context, req asl.TaskRequest) (any, error) {
		if strings.HasSuffix(resource, "block") {
			b.started <- struct{}{}
			<-b.release
			return req.Input, nil
		}
		key := state
		if in, ok := req.Input.(map[string]any); ok && in["id"] != nil {
			key = in["id"].(string)
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		b.calls[key]++
		if b.broken[key] {
			return nil, &asl.Failure{Name: "Broken", Cause: key + " is broken"}
		}
		return req.Input, nil
	}), true
}

// boardClient serves machines whose tasks b answers.
func boardClient(t *testing.T, b *board) *sfn.Client {
	t.Helper()
	srv := New(Options{Prepare: func(m *Machine) (Prepared, error) {
		var clock asl.Clock = asl.RealClock{}
		if b.clock != nil {
			clock = b.clock
		}
		return Prepared{Engine: asl.NewEngine(asl.Options{Clock: clock, Tasks: asl.ResolverFunc(b.resolve), StateMachineArn: m.Arn, Type: asl.WorkflowType(m.Type)})}, nil
	}})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return serving(t, sfn.New(sfn.Options{Region: "us-east-1", Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1}, LocalEndpoint(ts.URL)), srv)
}

const twoSteps = `{"StartAt":"A","States":{
  "A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:a","ResultPath":"$.a","Next":"B"},
  "B":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:b","End":true}}}`

func start(t *testing.T, c *sfn.Client, machine, input string) string {
	t.Helper()
	out, err := c.StartExecution(context.Background(), &sfn.StartExecutionInput{StateMachineArn: aws.String(machine), Input: aws.String(input)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.ExecutionArn)
}

func TestRedriveExecution(t *testing.T) {
	ctx := context.Background()
	b := newBoard("B")
	c := boardClient(t, b)
	sm := create(t, c, "two", twoSteps, types.StateMachineTypeStandard)
	arn := start(t, c, sm, `{"n":1}`)
	// GIVEN a failed execution
	if d := wait(t, c, arn); d.Status != types.ExecutionStatusFailed || aws.ToInt32(d.RedriveCount) != 0 || d.RedriveStatus != types.ExecutionRedriveStatusRedrivable {
		t.Fatalf("before the redrive: %s, count %d, %s", d.Status, aws.ToInt32(d.RedriveCount), d.RedriveStatus)
	}
	// WHEN it is redriven, twice with one client token
	b.mend()
	first, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(arn), ClientToken: aws.String("once")})
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(arn), ClientToken: aws.String("once")})
	if err != nil || !aws.ToTime(again.RedriveDate).Equal(aws.ToTime(first.RedriveDate)) {
		t.Fatalf("the retried redrive: %v, %v vs %v", err, again, first.RedriveDate)
	}
	// THEN it succeeds from B, once redriven, and no more redrivable
	d := wait(t, c, arn)
	if d.Status != types.ExecutionStatusSucceeded || aws.ToInt32(d.RedriveCount) != 1 || d.RedriveDate == nil ||
		d.RedriveStatus != types.ExecutionRedriveStatusNotRedrivable || aws.ToString(d.RedriveStatusReason) != "Execution is SUCCEEDED and cannot be redriven" {
		t.Errorf("after the redrive: %s, count %d, %v, %s %q", d.Status, aws.ToInt32(d.RedriveCount), d.RedriveDate, d.RedriveStatus, aws.ToString(d.RedriveStatusReason))
	}
	if b.count("A") != 1 || b.count("B") != 2 {
		t.Errorf("calls %v, want A once and B twice", b.calls)
	}
	h, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	var redriven *types.HistoryEvent
	for i := range h.Events {
		if h.Events[i].Type == types.HistoryEventTypeExecutionRedriven {
			redriven = &h.Events[i]
		}
	}
	if redriven == nil || redriven.ExecutionRedrivenEventDetails == nil || aws.ToInt32(redriven.ExecutionRedrivenEventDetails.RedriveCount) != 1 {
		t.Errorf("history has no ExecutionRedriven event with redriveCount 1: %+v", redriven)
	}
	for filter, want := range map[types.ExecutionRedriveFilter]int{types.ExecutionRedriveFilterRedriven: 1, types.ExecutionRedriveFilterNotRedriven: 0} {
		l, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(sm), RedriveFilter: filter})
		if err != nil || len(l.Executions) != want {
			t.Fatalf("ListExecutions %s: %v, %d executions, want %d", filter, err, len(l.Executions), want)
		}
		if want == 1 && aws.ToInt32(l.Executions[0].RedriveCount) != 1 {
			t.Errorf("listed redrive count %d", aws.ToInt32(l.Executions[0].RedriveCount))
		}
	}
	if _, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(arn)}); code(err) != "ExecutionNotRedrivable" {
		t.Errorf("redrive of a succeeded execution: %v", err)
	}
}

func TestRedriveExecutionRefuses(t *testing.T) {
	ctx := context.Background()
	b := newBoard()
	c := boardClient(t, b)
	blocked := create(t, c, "blocked", `{"StartAt":"W","States":{"W":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:block","End":true}}}`, types.StateMachineTypeStandard)
	running := start(t, c, blocked, `{}`)
	<-b.started
	defer close(b.release)
	express := create(t, c, "fast", `{"StartAt":"P","States":{"P":{"Type":"Fail","Error":"E"}}}`, types.StateMachineTypeExpress)
	expressArn := start(t, c, express, `{}`)
	cases := map[string]struct {
		arn, token, want string
	}{
		"running":        {running, "", "ExecutionNotRedrivable"},
		"express":        {expressArn, "", "ExecutionNotRedrivable"},
		"not an ARN":     {"execution-1", "", "InvalidArn"},
		"unknown":        {strings.Replace(running, ":blocked:", ":nobody:", 1), "", "ExecutionDoesNotExist"},
		"long token":     {running, strings.Repeat("t", 65), "ValidationException"},
		"token with tab": {running, "a\tb", "ValidationException"},
	}
	for name, tc := range cases {
		in := &sfn.RedriveExecutionInput{ExecutionArn: aws.String(tc.arn)}
		if tc.token != "" {
			in.ClientToken = aws.String(tc.token)
		}
		if _, err := c.RedriveExecution(ctx, in); code(err) != tc.want {
			t.Errorf("%s: got %v, want %s", name, err, tc.want)
		}
	}
	bad := map[string]*sfn.ListExecutionsInput{
		"redriveFilter": {StateMachineArn: aws.String(blocked), RedriveFilter: "SOMETIMES"},
		"both ARNs":     {StateMachineArn: aws.String(blocked), MapRunArn: aws.String("arn:aws:states:us-east-1:123456789012:mapRun:blocked/M:1")},
		"no ARN":        {},
	}
	for name, in := range bad {
		if _, err := c.ListExecutions(ctx, in); code(err) != "ValidationException" {
			t.Errorf("ListExecutions with %s: %v", name, err)
		}
	}
}

func TestRedriveWindowIsFourteenDays(t *testing.T) {
	b := newBoard("B")
	b.clock = asl.NewVirtualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	c := boardClient(t, b)
	sm := create(t, c, "old", twoSteps, types.StateMachineTypeStandard)
	arn := start(t, c, sm, `{}`)
	wait(t, c, arn)
	b.clock.Advance(RedriveWindow + time.Second)
	d := wait(t, c, arn)
	if d.RedriveStatus != types.ExecutionRedriveStatusNotRedrivable || !strings.Contains(aws.ToString(d.RedriveStatusReason), "14 days") {
		t.Errorf("redrive status %s %q", d.RedriveStatus, aws.ToString(d.RedriveStatusReason))
	}
	if _, err := c.RedriveExecution(context.Background(), &sfn.RedriveExecutionInput{ExecutionArn: aws.String(arn)}); code(err) != "ExecutionNotRedrivable" {
		t.Errorf("redrive after 14 days: %v", err)
	}
}
