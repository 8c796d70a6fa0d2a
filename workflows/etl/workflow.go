// Package etl builds the ETL state graph: claim the run date, extract and
// transform the raw objects (a Distributed Map of Lambda batches, or an
// existing Glue job) into the run's own prefix, check data quality, register
// the curated partition with Athena and point it at the run's prefix, and
// record the outcome in the run ledger; any failure marks
// the run FAILED and alerts.
//
// The caller creates the tasks with the resources they use; this package
// decides the order, the Distributed Map's shape and every Retry and Catch.
// Names and data paths are in package contract.
package etl

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/workflows/etl/contract"
	"github.com/sfnkit/sfnkit/workflows/retry"
)

// Tasks are the workflow's Task states, created by the caller. Exactly one
// of Transform and TransformWithGlue is set. Each must have the construct
// id of its State* name.
type Tasks struct {
	StartRun          awsstepfunctions.TaskStateBase // Lambda → contract.PathRun
	Transform         awsstepfunctions.TaskStateBase // Lambda, one batch per child execution
	TransformWithGlue awsstepfunctions.CustomState   // GlueStartJobRun .sync → contract.PathExtract
	QualityGate       awsstepfunctions.TaskStateBase // Lambda → contract.PathQuality
	LoadPartition     awsstepfunctions.CustomState   // Athena StartQueryExecution .sync: add the date's partition if new
	SwitchPartition   awsstepfunctions.CustomState   // Athena StartQueryExecution .sync: point it at this run's prefix
	FinishRun         awsstepfunctions.TaskStateBase // DynamoDB: ledger SUCCEEDED with counts
	MarkRunFailed     awsstepfunctions.TaskStateBase // DynamoDB: ledger FAILED
	AlertRunFailed    awsstepfunctions.TaskStateBase // SNS publish
}

// MapProps shapes the Distributed Map of the Lambda transform.
type MapProps struct {
	// ItemReader lists the raw objects (S3 ListObjectsV2 under the run's
	// raw prefix). Required.
	ItemReader awsstepfunctions.IItemReader
	// ResultWriter stores the child executions' results. Required.
	ResultWriter awsstepfunctions.ResultWriterV2
	// MaxItemsPerBatch objects go to one Transform invocation.
	MaxItemsPerBatch int
	// MaxConcurrency child executions run at once.
	MaxConcurrency int
	// ToleratedFailurePercentage of failed batches lets the map run on to
	// the quality gate, which fails the run naming every failed batch's
	// objects; beyond it the map stops early and fails the run itself.
	ToleratedFailurePercentage float64
}

// Props configures the workflow.
type Props struct {
	Tasks Tasks
	// Map is required with Tasks.Transform and ignored with the Glue job.
	Map MapProps
}

// Validate reports a missing or misnamed task.
func (p *Props) Validate() error {
	if p == nil {
		return fmt.Errorf("etl: Props is nil")
	}
	t := p.Tasks
	if (t.Transform == nil) == (t.TransformWithGlue == nil) {
		return fmt.Errorf("etl: set exactly one of Props.Tasks.Transform (Lambda) and Props.Tasks.TransformWithGlue (Glue job)")
	}
	named := []struct {
		name string
		task awsstepfunctions.TaskStateBase
	}{
		{contract.StateStartRun, t.StartRun}, {contract.StateQualityGate, t.QualityGate}, {contract.StateFinishRun, t.FinishRun},
		{contract.StateMarkRunFailed, t.MarkRunFailed}, {contract.StateAlertRunFailed, t.AlertRunFailed},
	}
	if t.Transform != nil {
		named = append(named, struct {
			name string
			task awsstepfunctions.TaskStateBase
		}{contract.StateTransform, t.Transform})
		if p.Map.ItemReader == nil || p.Map.ResultWriter == nil {
			return fmt.Errorf("etl: Props.Map needs an ItemReader and a ResultWriter for the Lambda transform")
		}
	} else if *t.TransformWithGlue.Node().Id() != contract.StateTransformWithGlue {
		return fmt.Errorf("etl: Props.Tasks.TransformWithGlue must have the construct id %q", contract.StateTransformWithGlue)
	}
	if t.LoadPartition == nil || *t.LoadPartition.Node().Id() != contract.StateLoadPartition {
		return fmt.Errorf("etl: Props.Tasks.LoadPartition must be a state with the construct id %q", contract.StateLoadPartition)
	}
	if t.SwitchPartition == nil || *t.SwitchPartition.Node().Id() != contract.StateSwitchPartition {
		return fmt.Errorf("etl: Props.Tasks.SwitchPartition must be a state with the construct id %q", contract.StateSwitchPartition)
	}
	for _, n := range named {
		if n.task == nil {
			return fmt.Errorf("etl: Props.Tasks.%s is nil", n.name)
		}
		if id := *n.task.Node().Id(); id != n.name {
			return fmt.Errorf("etl: Props.Tasks.%s has construct id %q; give it the id %q", n.name, id, n.name)
		}
	}
	return nil
}

// Definition wires the tasks into the workflow and returns its first state.
func Definition(scope constructs.Construct, props *Props) awsstepfunctions.IChainable {
	if err := props.Validate(); err != nil {
		panic(err)
	}
	t := props.Tasks

	// Failure tail: mark the ledger, alert, end in the Fail state that says why.
	runFailed := awsstepfunctions.NewFail(scope, jsii.String(contract.StateRunFailed), &awsstepfunctions.FailProps{
		Error: jsii.String(contract.StateRunFailed), Cause: jsii.String("The run failed; the ledger says FAILED and the alert topic has the details"),
	})
	qualityFailed := awsstepfunctions.NewFail(scope, jsii.String(contract.StateDataQualityFailed), &awsstepfunctions.FailProps{
		Error: jsii.String(contract.StateDataQualityFailed), CausePath: jsii.String(contract.PathQualityError + ".Cause"),
	})
	classify := awsstepfunctions.NewChoice(scope, jsii.String(contract.StateClassifyFailure), nil).
		When(awsstepfunctions.Condition_IsPresent(jsii.String(contract.PathQualityError)), qualityFailed, nil).
		Otherwise(runFailed)
	t.AlertRunFailed.AddRetry(retry.Standard(contract.ErrorTaskFailed))
	catch(t.AlertRunFailed, classify, contract.PathAlertError, contract.ErrorAll)
	t.AlertRunFailed.Next(classify)
	t.MarkRunFailed.AddRetry(retry.Standard(contract.ErrorTaskFailed))
	catch(t.MarkRunFailed, t.AlertRunFailed, contract.PathLedgerError, contract.ErrorAll)
	t.MarkRunFailed.Next(t.AlertRunFailed)

	// The happy path, from the end back to the start.
	succeeded := awsstepfunctions.NewSucceed(scope, jsii.String(contract.StateRunSucceeded), nil)
	t.FinishRun.AddRetry(retry.Standard(contract.ErrorTaskFailed))
	catch(t.FinishRun, t.MarkRunFailed, contract.PathError, contract.ErrorAll)
	t.FinishRun.Next(succeeded)

	// The run's rows are under a prefix of its own; the partition shows
	// them only once it points there, so a failed run's rows never show
	// and a rerun never adds to them.
	t.SwitchPartition.AddRetry(retry.Standard(contract.ErrorTaskFailed)) // SET LOCATION is safe to repeat
	t.SwitchPartition.AddCatch(t.MarkRunFailed, &awsstepfunctions.CatchProps{Errors: jsii.Strings(contract.ErrorAll), ResultPath: jsii.String(contract.PathError)})
	t.SwitchPartition.Next(t.FinishRun)

	t.LoadPartition.AddRetry(retry.Standard(contract.ErrorTaskFailed)) // ADD IF NOT EXISTS makes the query safe to repeat
	t.LoadPartition.AddCatch(t.MarkRunFailed, &awsstepfunctions.CatchProps{Errors: jsii.Strings(contract.ErrorAll), ResultPath: jsii.String(contract.PathError)})
	t.LoadPartition.Next(t.SwitchPartition)

	catch(t.QualityGate, t.MarkRunFailed, contract.PathQualityError, contract.ErrorDataQualityFailed)
	catch(t.QualityGate, t.MarkRunFailed, contract.PathError, contract.ErrorAll)
	t.QualityGate.Next(t.LoadPartition)

	var extract awsstepfunctions.IChainable
	if t.Transform != nil {
		extract = distributedMap(scope, t.Transform, props.Map, t.MarkRunFailed, t.QualityGate)
	} else {
		t.TransformWithGlue.AddRetry(retry.Standard(contract.ErrorGlueConcurrentRunsExceeded))
		t.TransformWithGlue.AddCatch(t.MarkRunFailed, &awsstepfunctions.CatchProps{Errors: jsii.Strings(contract.ErrorAll), ResultPath: jsii.String(contract.PathError)})
		t.TransformWithGlue.Next(t.QualityGate)
		extract = t.TransformWithGlue
	}

	alreadyLoaded := awsstepfunctions.NewChoice(scope, jsii.String(contract.StateAlreadyLoaded), &awsstepfunctions.ChoiceProps{
		Comment: jsii.String("A run date that already succeeded is not loaded again"),
	}).
		When(awsstepfunctions.Condition_BooleanEquals(jsii.String(contract.PathRun+".alreadySucceeded"), jsii.Bool(true)),
			awsstepfunctions.NewSucceed(scope, jsii.String(contract.StateRunAlreadySucceeded), nil), nil).
		Otherwise(extract)

	inProgress := awsstepfunctions.NewFail(scope, jsii.String(contract.StateRunInProgress), &awsstepfunctions.FailProps{
		Error: jsii.String(contract.StateRunInProgress), CausePath: jsii.String(contract.PathError + ".Cause"),
	})
	t.StartRun.AddRetry(retry.Standard(contract.ErrorLedgerUnavailable))
	catch(t.StartRun, inProgress, contract.PathError, contract.ErrorRunInProgress) // another execution owns the date: leave its ledger alone
	catch(t.StartRun, t.AlertRunFailed, contract.PathError, contract.ErrorAll)     // nothing was claimed: alert only
	t.StartRun.Next(alreadyLoaded)
	return t.StartRun
}

// distributedMap runs the transform over the raw objects in batches.
// Failed batches up to the tolerance are left to the quality gate, which
// fails the run naming them; beyond it the map fails the run at once.
func distributedMap(scope constructs.Construct, transform awsstepfunctions.TaskStateBase, p MapProps, failed, next awsstepfunctions.IChainable) awsstepfunctions.IChainable {
	transform.AddRetry(retry.Standard(contract.ErrorStorageUnavailable))
	m := awsstepfunctions.NewDistributedMap(scope, jsii.String(contract.StateExtractTransform), &awsstepfunctions.DistributedMapProps{
		Comment:    jsii.String("Transforms the raw objects of the run date in batches, one child execution per batch"),
		ItemReader: p.ItemReader,
		ItemBatcher: awsstepfunctions.NewItemBatcher(&awsstepfunctions.ItemBatcherProps{
			MaxItemsPerBatch: jsii.Number(p.MaxItemsPerBatch),
			// CDK renders BatchInput as given, so the path key is spelled out.
			BatchInput: &map[string]interface{}{"runDate.$": contract.PathRun + ".runDate", "runId.$": contract.PathRun + ".runId"},
		}),
		MaxConcurrency:             jsii.Number(p.MaxConcurrency),
		ToleratedFailurePercentage: jsii.Number(p.ToleratedFailurePercentage),
		ResultWriterV2:             p.ResultWriter,
		ResultPath:                 jsii.String(contract.PathExtract),
		MapExecutionType:           awsstepfunctions.StateMachineType_STANDARD,
	})
	m.ItemProcessor(transform, nil)
	m.AddCatch(failed, &awsstepfunctions.CatchProps{Errors: jsii.Strings(contract.ErrorAll), ResultPath: jsii.String(contract.PathError)})
	m.Next(next)
	return m
}

func catch(task awsstepfunctions.TaskStateBase, handler awsstepfunctions.IChainable, resultPath string, errors ...string) {
	task.AddCatch(handler, &awsstepfunctions.CatchProps{Errors: jsii.Strings(errors...), ResultPath: jsii.String(resultPath)})
}
