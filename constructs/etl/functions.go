package etl

import (
	"time"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/sfnkit/sfnkit/constructs/encrypted"
	"github.com/sfnkit/sfnkit/constructs/gofunction"
	"github.com/sfnkit/sfnkit/workflows/etl/contract"
)

// runTimeout ends a run that takes longer; a RUNNING ledger claim older
// than runTimeout plus an hour can be taken over by a new run.
const runTimeout = 6 * time.Hour

func newFunctions(scope constructs.Construct, e *ETL, p Props) Functions {
	fn := func(id, entry, description string, props gofunction.Props) *gofunction.Function {
		props.Entry, props.Description = entry, description
		props.Key, props.LogRetention, props.RemovalPolicy = e.Key, p.LogRetention, p.RemovalPolicy
		return gofunction.New(scope, id, &props)
	}
	f := Functions{
		StartRun: fn("StartRunFunction", EntryStartRun, "Validates a run and claims its date in the ledger", gofunction.Props{
			Environment: map[string]string{
				contract.EnvLedgerTable: *e.Ledger.TableName(),
				contract.EnvRawBucket:   *e.Buckets.Raw.BucketName(),
				contract.EnvStaleAfter:  (runTimeout + time.Hour).String(),
			},
		}),
		QualityGate: fn("QualityGateFunction", EntryQualityGate, "Totals a run's rows and applies the quality thresholds", gofunction.Props{
			Environment: map[string]string{contract.EnvWorkBucket: *e.Buckets.Work.BucketName()},
			Timeout:     time.Minute,
		}),
	}
	encrypted.GrantTable(f.StartRun, e.Ledger, e.Key, "dynamodb:UpdateItem")
	encrypted.GrantRead(f.QualityGate, e.Buckets.Work, e.Key, MapResultsPrefix+"/", GlueSummaryPrefix+"/")

	if p.GlueJobName == nil {
		f.Transform = fn("TransformFunction", EntryTransform, "Validates and normalizes one batch of raw objects", gofunction.Props{
			Environment: map[string]string{
				contract.EnvRawBucket:        *e.Buckets.Raw.BucketName(),
				contract.EnvCuratedBucket:    *e.Buckets.Curated.BucketName(),
				contract.EnvQuarantineBucket: *e.Buckets.Quarantine.BucketName(),
			},
			MemoryMiB: 1024,
			Timeout:   5 * time.Minute,
		})
		encrypted.GrantRead(f.Transform, e.Buckets.Raw, e.Key, "")
		encrypted.GrantWrite(f.Transform, e.Buckets.Curated, e.Key, contract.Sales.Name+"/")
		encrypted.GrantWrite(f.Transform, e.Buckets.Quarantine, e.Key, contract.Sales.Name+"/")
	}
	return f
}
