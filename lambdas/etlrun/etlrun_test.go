package etlrun

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 22, 2, 0, 5, 0, time.UTC)

func starter() (*Starter, *MemoryLedger) {
	ledger := &MemoryLedger{}
	return &Starter{Ledger: ledger, RawBucket: "raw-bucket", StaleAfter: 6 * time.Hour, Now: func() time.Time { return now }}, ledger
}

func TestScheduledRunLoadsTheDayBefore(t *testing.T) {
	s, ledger := starter()
	run, err := s.Handle(context.Background(), Input{Request: Request{ScheduledAt: "2026-11-22T02:00:00Z"}, ExecutionID: "exec-1"})
	if err != nil {
		t.Fatal(err)
	}
	want := Run{RunDate: "2026-11-21", RunID: "exec-1", Bucket: "raw-bucket", RawPrefix: "raw/2026-11-21/"}
	if run != want {
		t.Errorf("run = %+v, want %+v", run, want)
	}
	if e, _ := ledger.Entry("2026-11-21"); e.Status != StatusRunning || e.ExecutionID != "exec-1" {
		t.Errorf("ledger = %+v", e)
	}
}

func TestSucceededDateIsSkippedAndRunningDateRefused(t *testing.T) {
	ctx := context.Background()
	s, ledger := starter()
	req := Request{RunDate: "2026-11-20", Prefix: "landing/sales"}
	run, err := s.Handle(ctx, Input{Request: req, ExecutionID: "exec-1"})
	if err != nil || run.RawPrefix != "landing/sales/2026-11-20/" {
		t.Fatalf("first claim: %+v, %v", run, err)
	}
	// The same execution retrying its StartRun keeps its claim.
	if _, err := s.Handle(ctx, Input{Request: req, ExecutionID: "exec-1"}); err != nil {
		t.Errorf("retry by the owner: %v", err)
	}
	// Another execution while it runs is refused.
	var busy *RunInProgress
	if _, err := s.Handle(ctx, Input{Request: req, ExecutionID: "exec-2"}); !errors.As(err, &busy) || busy.ExecutionID != "exec-1" {
		t.Errorf("concurrent run: %v", err)
	}
	// Once succeeded, a re-run is skipped.
	ledger.SetStatus("2026-11-20", StatusSucceeded)
	run, err = s.Handle(ctx, Input{Request: req, ExecutionID: "exec-3"})
	if err != nil || !run.AlreadySucceeded {
		t.Errorf("re-run of a succeeded date = %+v, %v", run, err)
	}
	// A failed date may run again.
	ledger.SetStatus("2026-11-20", StatusFailed)
	if run, err := s.Handle(ctx, Input{Request: req, ExecutionID: "exec-4"}); err != nil || run.AlreadySucceeded {
		t.Errorf("re-run of a failed date = %+v, %v", run, err)
	}
}

func TestStaleClaimIsTakenOver(t *testing.T) {
	ctx := context.Background()
	s, _ := starter()
	earlier := *s
	earlier.Now = func() time.Time { return now.Add(-7 * time.Hour) }
	if _, err := earlier.Handle(ctx, Input{Request: Request{RunDate: "2026-11-20"}, ExecutionID: "stopped"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Handle(ctx, Input{Request: Request{RunDate: "2026-11-20"}, ExecutionID: "new"}); err != nil {
		t.Errorf("a claim older than StaleAfter still blocks: %v", err)
	}
}

func TestInvalidRunInput(t *testing.T) {
	s, _ := starter()
	tests := []Input{
		{Request: Request{}, ExecutionID: "e"},
		{Request: Request{RunDate: "2026-02-30"}, ExecutionID: "e"},
		{Request: Request{RunDate: "2026-11-21'; DROP TABLE sales; --"}, ExecutionID: "e"},
		{Request: Request{RunDate: "2027-01-01"}, ExecutionID: "e"},
		{Request: Request{ScheduledAt: "tomorrow"}, ExecutionID: "e"},
		{Request: Request{RunDate: "2026-11-21", Bucket: "someone-elses-bucket"}, ExecutionID: "e"},
		{Request: Request{RunDate: "2026-11-21", Prefix: "../secrets/"}, ExecutionID: "e"},
		{Request: Request{RunDate: "2026-11-21", Prefix: "/abs/"}, ExecutionID: "e"},
		{Request: Request{RunDate: "2026-11-21", Prefix: "a b/"}, ExecutionID: "e"},
		{Request: Request{RunDate: "2026-11-21"}},
	}
	for _, in := range tests {
		var invalid *InvalidRunInput
		if _, err := s.Handle(context.Background(), in); !errors.As(err, &invalid) {
			t.Errorf("Handle(%+v) = %v, want InvalidRunInput", in, err)
		}
	}
}

// failingLedger fails every claim, as DynamoDB does when it throttles.
type failingLedger struct{}

func (failingLedger) Claim(context.Context, string, string, time.Time, time.Time) (*Entry, error) {
	return nil, errors.New("ProvisionedThroughputExceededException")
}

func TestLedgerFailureIsRetryable(t *testing.T) {
	s := &Starter{Ledger: failingLedger{}, RawBucket: "raw", StaleAfter: time.Hour}
	_, err := s.Handle(context.Background(), Input{Request: Request{RunDate: "2026-11-21"}, ExecutionID: "e"})
	var unavailable *LedgerUnavailable
	if !errors.As(err, &unavailable) || !strings.Contains(err.Error(), "ProvisionedThroughputExceededException") {
		t.Fatalf("Handle = %v, want LedgerUnavailable naming the cause", err)
	}
}
