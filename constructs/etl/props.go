package etl

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"

	"github.com/sfnkit/sfnkit/constructs/gofunction"
	"github.com/sfnkit/sfnkit/workflows/etl/contract"
)

// Defaults of the ETL workflow.
const (
	DefaultMaxRejectRatio   = 0.05
	DefaultBatchSize        = 10
	DefaultMaxConcurrency   = 10
	DefaultSchedule         = "cron(0 2 * * ? *)" // 02:00 UTC, loading the day before
	DefaultRawExpiration    = 30 * 24 * time.Hour
	DefaultDatabaseName     = contract.DefaultDatabaseName
	MaxDistributedMapConcur = 10_000 // Step Functions' limit for a Distributed Map
)

// Handlers chooses the code of the ETL workflow's functions; each zero
// Handler is this library's handler, real logic all three.
type Handlers struct {
	// StartRun validates a run and claims its date in the ledger. If zero,
	// lambdas/etlrun.
	StartRun gofunction.Handler
	// Transform validates and normalizes one batch of raw objects (unused
	// with GlueJobName). If zero, lambdas/transform.
	Transform gofunction.Handler
	// QualityGate totals a run's rows and applies the thresholds. If zero,
	// lambdas/qualitygate.
	QualityGate gofunction.Handler
}

// Props configures the ETL workflow. The zero value is a working, secure
// configuration with the Lambda transform.
type Props struct {
	// Handlers chooses the functions' code. A zero Handler is this
	// library's handler for the step. Functions built from an Entry get the
	// step's environment and bucket or table permissions; existing
	// functions get neither.
	Handlers Handlers

	// MaxRejectRatio fails a run whose quarantined rows exceed this share of
	// the rows read. If nil, 0.05. It must lie in [0, 1]; 0 tolerates none.
	MaxRejectRatio *float64

	// MinRows fails a run that reads fewer rows. If zero, 1: an empty day
	// is an error, not a success.
	MinRows int64

	// BatchSize is how many objects one Transform invocation handles. If
	// zero, 10. At most 1000.
	BatchSize int

	// MaxConcurrency is how many batches run at once. If zero, 10. At most
	// 10000, the Distributed Map's limit.
	MaxConcurrency int

	// ToleratedFailurePercentage of batches may fail (after retries)
	// without stopping the map early; the quality gate then fails the run,
	// naming every failed batch's objects, since their rows are lost. If
	// zero, the first failed batch stops the map. It must lie in [0, 100].
	ToleratedFailurePercentage float64

	// Schedule is the EventBridge schedule of the daily run, a rate(...) or
	// cron(...) expression. If empty, DefaultSchedule.
	Schedule string

	// DisableSchedule leaves out the scheduled run; runs start on demand.
	DisableSchedule bool

	// GlueJobName, when set, replaces the Lambda transform with this
	// existing Glue job, run with GlueStartJobRun .sync. The job receives
	// --run_date, --raw_bucket, --raw_prefix, --curated_bucket,
	// --curated_prefix, --quarantine_bucket and --summary_path, and must
	// write {"rowsIn","rowsCurated","rowsQuarantined"} to the summary path.
	GlueJobName *string

	// RawExpiration deletes raw objects this long after upload. If zero,
	// 30 days.
	RawExpiration time.Duration

	// DatabaseName is the Glue database. If empty, DefaultDatabaseName.
	DatabaseName string

	// Key encrypts everything the workflow stores. If nil, one is created.
	Key awskms.IKey

	// AlertTopic receives run-failure alerts and the state machine's
	// alarms. If nil, an encrypted topic is created.
	AlertTopic awssns.ITopic

	// LogRetention is how long logs are kept. If empty, three months.
	LogRetention awslogs.RetentionDays

	// RemovalPolicy applies to buckets, the ledger, the key and log groups.
	// If empty, RETAIN.
	RemovalPolicy awscdk.RemovalPolicy
}

// Validate reports the first invalid prop, naming it, the value received
// and the fix. It needs no synthesis.
func (p *Props) Validate() error {
	if p == nil {
		return nil
	}
	for _, f := range []struct {
		name    string
		handler gofunction.Handler
	}{{"StartRun", p.Handlers.StartRun}, {"Transform", p.Handlers.Transform}, {"QualityGate", p.Handlers.QualityGate}} {
		if err := f.handler.Validate("etl: Props.Handlers." + f.name); err != nil {
			return err
		}
	}
	if p.GlueJobName != nil && !p.Handlers.Transform.IsZero() {
		return fmt.Errorf("etl: Props.Handlers.Transform is set but so is GlueJobName %q: the Glue job replaces the transform function; set one of them", *p.GlueJobName)
	}
	if r := p.MaxRejectRatio; r != nil && (math.IsNaN(*r) || *r < 0 || *r > 1) {
		return fmt.Errorf("etl: Props.MaxRejectRatio is %v; it must lie in [0, 1] (0.05 rejects a run with more than 5%% bad rows)", *r)
	}
	if p.MinRows < 0 {
		return fmt.Errorf("etl: Props.MinRows is %d; it must be 0 (the default, 1) or more", p.MinRows)
	}
	if p.BatchSize < 0 || p.BatchSize > contract.MaxBatchItems {
		return fmt.Errorf("etl: Props.BatchSize is %d; a batch holds 1 to %d objects, or 0 for the default %d", p.BatchSize, contract.MaxBatchItems, DefaultBatchSize)
	}
	if p.MaxConcurrency < 0 || p.MaxConcurrency > MaxDistributedMapConcur {
		return fmt.Errorf("etl: Props.MaxConcurrency is %d; a Distributed Map runs 1 to %d children at once, or 0 for the default %d", p.MaxConcurrency, MaxDistributedMapConcur, DefaultMaxConcurrency)
	}
	if f := p.ToleratedFailurePercentage; math.IsNaN(f) || f < 0 || f > 100 {
		return fmt.Errorf("etl: Props.ToleratedFailurePercentage is %v; it must lie in [0, 100]", f)
	}
	if p.Schedule != "" {
		if err := ValidateSchedule(p.Schedule); err != nil {
			return fmt.Errorf("etl: Props.Schedule is %q: %v", p.Schedule, err)
		}
	}
	if p.GlueJobName != nil && !glueJobName.MatchString(*p.GlueJobName) {
		return fmt.Errorf("etl: Props.GlueJobName is %q; name an existing Glue job (1-255 characters, no control characters), or leave it nil for the Lambda transform", *p.GlueJobName)
	}
	if p.RawExpiration < 0 || p.RawExpiration%(24*time.Hour) != 0 {
		return fmt.Errorf("etl: Props.RawExpiration is %v; S3 expires objects after whole days, or 0 for the default 30 days", p.RawExpiration)
	}
	if p.DatabaseName != "" && !databaseName.MatchString(p.DatabaseName) {
		return fmt.Errorf("etl: Props.DatabaseName is %q; Athena needs lower-case letters, digits and '_', at most 255", p.DatabaseName)
	}
	return nil
}

var (
	glueJobName  = regexp.MustCompile(`^[^\x00-\x1f]{1,255}$`)
	databaseName = regexp.MustCompile(`^[a-z0-9_]{1,255}$`)
	rateExpr     = regexp.MustCompile(`^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$`)
	cronExpr     = regexp.MustCompile(`^cron\(([^()]+)\)$`)
	cronField    = regexp.MustCompile(`^[0-9A-Za-z*?,/#L\-]+$`)
)

// ValidateSchedule checks an EventBridge schedule expression: rate(N unit)
// with the unit singular exactly when N is 1, or cron with six fields of
// which day-of-month or day-of-week is "?".
func ValidateSchedule(expr string) error {
	if m := rateExpr.FindStringSubmatch(expr); m != nil {
		n, err := strconv.Atoi(m[1])
		if err != nil || n < 1 {
			return fmt.Errorf("a rate needs a positive value")
		}
		if (n == 1) != !strings.HasSuffix(m[2], "s") {
			return fmt.Errorf("write rate(1 %s) for one unit and rate(%d %ss) for more", strings.TrimSuffix(m[2], "s"), max(n, 2), strings.TrimSuffix(m[2], "s"))
		}
		return nil
	}
	m := cronExpr.FindStringSubmatch(expr)
	if m == nil {
		return fmt.Errorf(`use rate(value unit) or cron(minutes hours day-of-month month day-of-week year), e.g. %q`, DefaultSchedule)
	}
	fields := strings.Fields(m[1])
	if len(fields) != 6 {
		return fmt.Errorf("a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), got %d", len(fields))
	}
	for _, f := range fields {
		if !cronField.MatchString(f) {
			return fmt.Errorf("cron field %q has characters EventBridge does not accept", f)
		}
	}
	if (fields[2] == "?") == (fields[4] == "?") {
		return fmt.Errorf("exactly one of day-of-month (%q) and day-of-week (%q) must be \"?\"", fields[2], fields[4])
	}
	return nil
}

// withDefaults returns a copy of p with every zero field set.
func (p *Props) withDefaults() Props {
	var out Props
	if p != nil {
		out = *p
	}
	out.Handlers = Handlers{
		StartRun:    out.Handlers.StartRun.Or(EntryStartRun),
		Transform:   out.Handlers.Transform.Or(EntryTransform),
		QualityGate: out.Handlers.QualityGate.Or(EntryQualityGate),
	}
	if out.MaxRejectRatio == nil {
		r := DefaultMaxRejectRatio
		out.MaxRejectRatio = &r
	}
	if out.MinRows == 0 {
		out.MinRows = 1
	}
	if out.BatchSize == 0 {
		out.BatchSize = DefaultBatchSize
	}
	if out.MaxConcurrency == 0 {
		out.MaxConcurrency = DefaultMaxConcurrency
	}
	if out.Schedule == "" {
		out.Schedule = DefaultSchedule
	}
	if out.RawExpiration == 0 {
		out.RawExpiration = DefaultRawExpiration
	}
	if out.DatabaseName == "" {
		out.DatabaseName = DefaultDatabaseName
	}
	if out.RemovalPolicy == "" {
		out.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	return out
}
