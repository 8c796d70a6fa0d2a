// Package etlrun is the ETL workflow's StartRun step: it validates a run's
// input, works out the run date, and claims the date in the run ledger so
// that a date that already succeeded is skipped and two executions never
// load the same date at once.
package etlrun

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/sfnkit/sfnkit/workflows/etl/contract"
)

// Request is what starts a run: the execution's input.
type Request struct {
	// Bucket holds the raw data. If empty, the configured raw bucket; any
	// other bucket is refused.
	Bucket string `json:"bucket,omitempty"`
	// Prefix is the raw prefix; the run reads <Prefix><runDate>/. If empty,
	// "raw/".
	Prefix string `json:"prefix,omitempty"`
	// RunDate is the day to load, YYYY-MM-DD. If empty, the day before
	// ScheduledAt.
	RunDate string `json:"runDate,omitempty"`
	// ScheduledAt is the schedule's firing time (RFC 3339), which the daily
	// rule sends.
	ScheduledAt string `json:"scheduledAt,omitempty"`
}

// Input is the StartRun event.
type Input struct {
	Request     Request `json:"request"`
	ExecutionID string  `json:"executionId"`
}

// Run is what StartRun returns, at $.run.
type Run struct {
	RunDate string `json:"runDate"`
	// RunID names this execution's place for its output
	// (contract.RunPrefix); the partition is switched to it on success.
	RunID     string `json:"runId"`
	Bucket    string `json:"bucket"`
	RawPrefix string `json:"rawPrefix"`
	// AlreadySucceeded is set when the date was loaded before; the
	// workflow then ends without loading it again.
	AlreadySucceeded bool `json:"alreadySucceeded"`
}

// Ledger statuses, as the workflow's contract declares them: the state
// machine writes the outcomes.
const (
	StatusRunning   = contract.LedgerRunning
	StatusSucceeded = contract.LedgerSucceeded
	StatusFailed    = contract.LedgerFailed
)

// Entry is a run date's ledger entry.
type Entry struct {
	RunDate     string `dynamodbav:"runDate"`
	Status      string `dynamodbav:"status"`
	ExecutionID string `dynamodbav:"executionId"`
	StartedAt   string `dynamodbav:"startedAt"`
}

// Ledger claims run dates.
type Ledger interface {
	// Claim marks runDate RUNNING for executionID unless another execution
	// holds it RUNNING since after staleBefore, or it SUCCEEDED. It
	// returns the entry as it stood when the claim was refused, or nil.
	Claim(ctx context.Context, runDate, executionID string, now, staleBefore time.Time) (refused *Entry, err error)
}

// InvalidRunInput is a request the workflow cannot run.
type InvalidRunInput struct{ Reason string }

func (e *InvalidRunInput) Error() string { return "invalid run input: " + e.Reason }

// RunInProgress is returned when another execution is loading the same
// date; the workflow ends without touching that execution's ledger entry.
type RunInProgress struct {
	RunDate, ExecutionID string
}

func (e *RunInProgress) Error() string {
	return fmt.Sprintf("run date %s is being loaded by %s", e.RunDate, e.ExecutionID)
}

// LedgerUnavailable is a failure to read or write the run ledger, most
// often DynamoDB throttling. A claim by the same execution is idempotent,
// so the workflow retries it.
type LedgerUnavailable struct{ Cause error }

func (e *LedgerUnavailable) Error() string { return "run ledger unavailable: " + e.Cause.Error() }
func (e *LedgerUnavailable) Unwrap() error { return e.Cause }

var (
	datePattern   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	prefixPattern = regexp.MustCompile(`^[A-Za-z0-9!_.*'()/-]{1,512}$`)
)

// Starter is the StartRun Lambda.
type Starter struct {
	Ledger    Ledger
	RawBucket string
	// StaleAfter is how long a RUNNING claim blocks others: an execution
	// stopped without running its failure path leaves one behind.
	StaleAfter time.Duration
	// Now is the clock. If nil, time.Now.
	Now func() time.Time
}

// Handle validates the request and claims the run date.
func (s *Starter) Handle(ctx context.Context, in Input) (Run, error) {
	run, err := s.resolve(in.Request)
	if err != nil {
		return Run{}, err
	}
	if in.ExecutionID == "" {
		return Run{}, &InvalidRunInput{Reason: "executionId is missing"}
	}
	run.RunID = contract.RunID(in.ExecutionID)
	now := s.now()
	refused, err := s.Ledger.Claim(ctx, run.RunDate, in.ExecutionID, now, now.Add(-s.StaleAfter))
	if err != nil {
		return Run{}, &LedgerUnavailable{Cause: fmt.Errorf("claiming run date %s: %w", run.RunDate, err)}
	}
	switch {
	case refused == nil:
		return run, nil
	case refused.Status == StatusSucceeded:
		run.AlreadySucceeded = true
		return run, nil
	default:
		return Run{}, &RunInProgress{RunDate: run.RunDate, ExecutionID: refused.ExecutionID}
	}
}

func (s *Starter) resolve(r Request) (Run, error) {
	bucket := r.Bucket
	if bucket == "" {
		bucket = s.RawBucket
	}
	if bucket != s.RawBucket {
		return Run{}, &InvalidRunInput{Reason: fmt.Sprintf("bucket %.70q is not the workflow's raw bucket %q", r.Bucket, s.RawBucket)}
	}
	prefix := r.Prefix
	if prefix == "" {
		prefix = "raw/"
	}
	if !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	if !prefixPattern.MatchString(prefix) || strings.Contains(prefix, "..") || strings.HasPrefix(prefix, "/") {
		return Run{}, &InvalidRunInput{Reason: fmt.Sprintf("prefix %.70q must be a relative S3 prefix of safe characters", r.Prefix)}
	}

	var day time.Time
	switch {
	case r.RunDate != "":
		d, err := time.Parse("2006-01-02", r.RunDate)
		if err != nil || !datePattern.MatchString(r.RunDate) {
			return Run{}, &InvalidRunInput{Reason: fmt.Sprintf("runDate %.40q is not a calendar date YYYY-MM-DD", r.RunDate)}
		}
		day = d
	case r.ScheduledAt != "":
		t, err := time.Parse(time.RFC3339, r.ScheduledAt)
		if err != nil {
			return Run{}, &InvalidRunInput{Reason: fmt.Sprintf("scheduledAt %.40q is not an RFC 3339 time", r.ScheduledAt)}
		}
		day = t.UTC().Truncate(24*time.Hour).AddDate(0, 0, -1) // a daily run loads the day before
	default:
		return Run{}, &InvalidRunInput{Reason: "give runDate (YYYY-MM-DD) or scheduledAt"}
	}
	if day.After(s.now().UTC()) {
		return Run{}, &InvalidRunInput{Reason: fmt.Sprintf("runDate %s is in the future", day.Format("2006-01-02"))}
	}
	date := day.Format("2006-01-02")
	return Run{RunDate: date, Bucket: bucket, RawPrefix: prefix + date + "/"}, nil
}

func (s *Starter) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
