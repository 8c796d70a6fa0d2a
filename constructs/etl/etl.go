// Package etl is the ETL workflow as one construct: raw, curated,
// quarantine and work buckets; the run ledger; the Glue table and Athena
// workgroup that make the curated data queryable; the StartRun, Transform
// and QualityGate Go functions (or an existing Glue job); the secure state
// machine running workflows/etl; and the daily schedule.
package etl

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/encrypted"
	"github.com/sfnkit/sfnkit/constructs/gofunction"
	"github.com/sfnkit/sfnkit/constructs/statemachine"
	workflow "github.com/sfnkit/sfnkit/workflows/etl"
	"github.com/sfnkit/sfnkit/workflows/etl/contract"
)

// Handler entry points.
const (
	EntryStartRun    = "github.com/sfnkit/sfnkit/lambdas/cmd/start-run"
	EntryTransform   = "github.com/sfnkit/sfnkit/lambdas/cmd/transform"
	EntryQualityGate = "github.com/sfnkit/sfnkit/lambdas/cmd/quality-gate"
)

// Prefixes of the work bucket.
const (
	MapResultsPrefix    = "map-results"
	AthenaResultsPrefix = "athena-results"
	GlueSummaryPrefix   = "glue-summaries"
)

// Buckets of the workflow.
type Buckets struct {
	// Raw receives the data to load, under <prefix><runDate>/.
	Raw awss3.Bucket
	// Curated holds the validated rows,
	// <dataset>/run_date=<date>/run=<run id>/*.jsonl.gz.
	Curated awss3.Bucket
	// Quarantine holds every rejected row with its reason.
	Quarantine awss3.Bucket
	// Work holds the map's results, Athena's results and Glue summaries.
	Work awss3.Bucket
	// AccessLogs receives the other buckets' server access logs.
	AccessLogs awss3.Bucket
}

// Functions of the workflow; Transform is nil with the Glue variant.
type Functions struct {
	StartRun, Transform, QualityGate *gofunction.Function
}

// ETL is the workflow and every resource made for it.
type ETL struct {
	constructs.Construct

	Key          awskms.IKey
	Buckets      Buckets
	Ledger       awsdynamodb.Table
	AlertTopic   awssns.ITopic
	Functions    Functions
	Catalog      *Catalog
	StateMachine *statemachine.StateMachine
	// Schedule starts the daily run (nil with DisableSchedule);
	// ScheduleDeadLetters keeps the starts it could not deliver.
	Schedule            awsevents.Rule
	ScheduleDeadLetters awssqs.Queue
}

// New defines the workflow. Invalid props panic with a message naming the
// prop, the value and the fix.
func New(scope constructs.Construct, id string, props *Props) *ETL {
	if err := props.Validate(); err != nil {
		panic(err)
	}
	p := props.withDefaults()
	this := constructs.NewConstruct(scope, jsii.String(id))
	e := &ETL{Construct: this, Key: p.Key, AlertTopic: p.AlertTopic}
	if e.Key == nil {
		e.Key = encrypted.NewKey(this, "Key", &encrypted.KeyProps{Description: "Encrypts the ETL workflow's data", RemovalPolicy: p.RemovalPolicy})
	}
	if e.AlertTopic == nil {
		e.AlertTopic = encrypted.NewTopic(this, "AlertTopic", e.Key, "ETL run failures and alarms")
	}
	logs := encrypted.NewAccessLogBucket(this, "AccessLogs", p.RemovalPolicy)
	bucket := func(id string, expiration int) awss3.Bucket {
		return encrypted.NewBucket(this, id, &encrypted.BucketProps{Key: e.Key, AccessLogs: logs, RemovalPolicy: p.RemovalPolicy, Expiration: days(expiration)})
	}
	e.Buckets = Buckets{
		Raw:        encrypted.NewBucket(this, "RawBucket", &encrypted.BucketProps{Key: e.Key, AccessLogs: logs, RemovalPolicy: p.RemovalPolicy, Expiration: p.RawExpiration}),
		Curated:    bucket("CuratedBucket", 0),
		Quarantine: bucket("QuarantineBucket", 90),
		Work:       bucket("WorkBucket", 30),
		AccessLogs: logs,
	}
	e.Ledger = encrypted.NewTable(this, "RunLedger", &encrypted.TableProps{PartitionKey: "runDate", Key: e.Key, RemovalPolicy: p.RemovalPolicy})
	e.Catalog = newCatalog(this, e, p)
	e.Functions = newFunctions(this, e, p)

	tasks := newTasks(this, e, p)
	wp := &workflow.Props{Tasks: tasks}
	if tasks.Transform != nil {
		wp.Map = workflow.MapProps{
			ItemReader:                 itemReader(e.Buckets.Raw),
			ResultWriter:               resultWriter(e.Buckets.Work),
			MaxItemsPerBatch:           p.BatchSize,
			MaxConcurrency:             p.MaxConcurrency,
			ToleratedFailurePercentage: p.ToleratedFailurePercentage,
		}
	}
	e.StateMachine = statemachine.New(this, "StateMachine", &statemachine.Props{
		Definition:    workflow.Definition(this, wp),
		Timeout:       runTimeout,
		Key:           e.Key,
		AlarmTopic:    e.AlertTopic,
		LogRetention:  p.LogRetention,
		RemovalPolicy: p.RemovalPolicy,
		Comment:       "ETL: claim the run date, transform raw objects in batches, gate on quality, register the partition, record the run",
	})
	grantStateMachine(e, p)
	if !p.DisableSchedule {
		e.Schedule, e.ScheduleDeadLetters = newSchedule(this, e, p)
	}
	return e
}

// GrantStartRun lets identity start a run on demand, e.g.
// aws stepfunctions start-execution --state-machine-arn ... --input '{"runDate":"2026-11-21"}'.
func (e *ETL) GrantStartRun(identity awsiam.IGrantable) awsiam.Grant {
	return e.StateMachine.GrantStartExecution(identity)
}

// GrantUpload lets identity write raw objects for the workflow to load.
func (e *ETL) GrantUpload(identity awsiam.IGrantable) awsiam.Grant {
	return e.Buckets.Raw.GrantPut(identity, jsii.String("*"))
}

// GrantQuery lets identity read the curated data (for Athena queries).
func (e *ETL) GrantQuery(identity awsiam.IGrantable) awsiam.Grant {
	return e.Buckets.Curated.GrantRead(identity, jsii.String(contract.Sales.Name+"/*"))
}
