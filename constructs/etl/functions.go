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
	fn := func(id string, h gofunction.Handler, description string, props gofunction.Props) *gofunction.Function {
		props.Description = description
		props.Key, props.LogRetention, props.RemovalPolicy = e.Key, p.LogRetention, p.RemovalPolicy
		return gofunction.Use(scope, id, h, props)
	}
	transform := p.Handlers.Transform
	if p.GlueJobName != nil {
		transform = gofunction.Handler{} // a Glue job transforms instead
	}
	gofunction.Prepare(p.Handlers.StartRun, transform, p.Handlers.QualityGate)
	f := Functions{
		StartRun: fn("StartRunFunction", p.Handlers.StartRun, "Validates a run and claims its date in the ledger", gofunction.Props{
			Environment: map[string]string{
				contract.EnvLedgerTable: *e.Ledger.TableName(),
				contract.EnvRawBucket:   *e.Buckets.Raw.BucketName(),
				contract.EnvStaleAfter:  (runTimeout + time.Hour).String(),
			},
		}),
		QualityGate: fn("QualityGateFunction", p.Handlers.QualityGate, "Totals a run's rows and applies the quality thresholds", gofunction.Props{
			Environment: map[string]string{contract.EnvWorkBucket: *e.Buckets.Work.BucketName()},
			Timeout:     time.Minute,
		}),
	}
	// An existing function is granted nothing: its permissions are its
	// owner's.
	if f.StartRun.Built() {
		encrypted.GrantTable(f.StartRun, e.Ledger, e.Key, "dynamodb:UpdateItem")
	}
	if f.QualityGate.Built() {
		encrypted.GrantRead(f.QualityGate, e.Buckets.Work, e.Key, MapResultsPrefix+"/", GlueSummaryPrefix+"/")
	}

	if p.GlueJobName == nil {
		f.Transform = fn("TransformFunction", p.Handlers.Transform, "Validates and normalizes one batch of raw objects", gofunction.Props{
			Environment: map[string]string{
				contract.EnvRawBucket:        *e.Buckets.Raw.BucketName(),
				contract.EnvCuratedBucket:    *e.Buckets.Curated.BucketName(),
				contract.EnvQuarantineBucket: *e.Buckets.Quarantine.BucketName(),
			},
			MemoryMiB: 1024,
			Timeout:   5 * time.Minute,
		})
		if !f.Transform.Built() {
			return f
		}
		encrypted.GrantRead(f.Transform, e.Buckets.Raw, e.Key, "")
		encrypted.GrantWrite(f.Transform, e.Buckets.Curated, e.Key, contract.Sales.Name+"/")
		encrypted.GrantWrite(f.Transform, e.Buckets.Quarantine, e.Key, contract.Sales.Name+"/")
	}
	return f
}
