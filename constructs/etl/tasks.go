package etl

import (
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctionstasks"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/statemachine"
	workflow "github.com/sfnkit/sfnkit/workflows/etl"
	"github.com/sfnkit/sfnkit/workflows/etl/contract"
)

// The run ledger's statuses written by the state machine.
const (
	LedgerSucceeded = contract.LedgerSucceeded
	LedgerFailed    = contract.LedgerFailed
)

// EventRunFailed is the "event" attribute of a run-failure alert.
const EventRunFailed = "EtlRunFailed"

func path(p string) *string { return awsstepfunctions.JsonPath_StringAt(jsii.String(p)) }

func newTasks(scope constructs.Construct, e *ETL, p Props) workflow.Tasks {
	t := workflow.Tasks{
		StartRun: statemachine.NewLambdaTask(scope, contract.StateStartRun, &statemachine.LambdaTaskProps{
			Function: e.Functions.StartRun.Function, FunctionTimeout: e.Functions.StartRun.Timeout,
			Payload: awsstepfunctions.TaskInput_FromObject(&map[string]interface{}{
				"request":     awsstepfunctions.JsonPath_ObjectAt(jsii.String("$")),
				"executionId": awsstepfunctions.JsonPath_ExecutionId(),
			}),
			ResultPath: contract.PathRun,
		}),
		LoadPartition:   partitionQuery(scope, e, contract.StateLoadPartition, "Adds the run date's partition of the curated table if it is new", e.Catalog.addPartitionQuery),
		SwitchPartition: partitionQuery(scope, e, contract.StateSwitchPartition, "Points the run date's partition at this run's rows, so no earlier run's rows show", e.Catalog.switchPartitionQuery),
		FinishRun: ledgerUpdate(scope, contract.StateFinishRun, e, LedgerSucceeded,
			", rowsIn = :rowsIn, rowsCurated = :rowsCurated, rowsQuarantined = :rowsQuarantined",
			map[string]awsstepfunctionstasks.DynamoAttributeValue{
				":rowsIn":          number(contract.PathQuality + ".rowsIn"),
				":rowsCurated":     number(contract.PathQuality + ".rowsCurated"),
				":rowsQuarantined": number(contract.PathQuality + ".rowsQuarantined"),
			}),
		MarkRunFailed: ledgerUpdate(scope, contract.StateMarkRunFailed, e, LedgerFailed, "", nil),
		AlertRunFailed: awsstepfunctionstasks.NewSnsPublish(scope, jsii.String(contract.StateAlertRunFailed), &awsstepfunctionstasks.SnsPublishProps{
			Topic: e.AlertTopic,
			Message: awsstepfunctions.TaskInput_FromObject(&map[string]interface{}{
				"event":       EventRunFailed,
				"executionId": awsstepfunctions.JsonPath_ExecutionId(),
				"state":       awsstepfunctions.JsonPath_ObjectAt(jsii.String("$")),
			}),
			MessageAttributes: &map[string]*awsstepfunctionstasks.MessageAttribute{"event": {Value: jsii.String(EventRunFailed)}},
			ResultPath:        awsstepfunctions.JsonPath_DISCARD(),
			TaskTimeout:       statemachine.ServiceTaskTimeout(),
		}),
	}
	gate := map[string]interface{}{"maxRejectRatio": *p.MaxRejectRatio, "minRows": p.MinRows}
	if p.GlueJobName == nil {
		t.Transform = statemachine.NewLambdaTask(scope, contract.StateTransform, &statemachine.LambdaTaskProps{Function: e.Functions.Transform.Function, FunctionTimeout: e.Functions.Transform.Timeout})
		gate["resultWriterDetails"] = awsstepfunctions.JsonPath_ObjectAt(jsii.String(contract.PathExtract + ".ResultWriterDetails"))
	} else {
		summaryKey := GlueSummaryPrefix + "/run_date={}/summary.json"
		t.TransformWithGlue = glueJobRun(scope, e, *p.GlueJobName, summaryKey)
		summary := awsstepfunctions.JsonPath_Format(jsii.String(summaryKey), path(contract.PathRun+".runDate"))
		gate["glueSummary"] = map[string]interface{}{"Bucket": *e.Buckets.Work.BucketName(), "Key": summary}
	}
	t.QualityGate = statemachine.NewLambdaTask(scope, contract.StateQualityGate, &statemachine.LambdaTaskProps{
		Function:   e.Functions.QualityGate.Function,
		Payload:    awsstepfunctions.TaskInput_FromObject(&gate),
		ResultPath: contract.PathQuality,
	})
	return t
}

// partitionQuery runs one Athena statement about the run date's partition
// (.sync); query makes it, a States.Format template of the run date and the
// run id (contract.RunPrefix). It is a custom state because CDK's
// AthenaStartQueryExecution grants S3 actions on every bucket and Glue
// deletes on the whole database; grantStateMachine grants exactly what
// these queries need.
func partitionQuery(scope constructs.Construct, e *ETL, id, comment string, query func(curatedBucket string) string) awsstepfunctions.CustomState {
	stack := awscdk.Stack_Of(scope)
	return awsstepfunctions.NewCustomState(scope, jsii.String(id), &awsstepfunctions.CustomStateProps{
		StateJson: &map[string]interface{}{
			"Type":     "Task",
			"Comment":  comment,
			"Resource": "arn:" + *stack.Partition() + ":states:::athena:startQueryExecution.sync",
			"Parameters": map[string]interface{}{
				"QueryString.$": "States.Format('" + query(*e.Buckets.Curated.BucketName()) + "', " +
					contract.PathRun + ".runDate, " + contract.PathRun + ".runDate, " + contract.PathRun + ".runId)",
				"QueryExecutionContext": map[string]interface{}{"Database": e.Catalog.DatabaseName},
				"WorkGroup":             *e.Catalog.WorkGroupName,
			},
			// Keep only the query id: a jsii nil would drop the field, and
			// the default ResultPath "$" would replace the run's state.
			"ResultSelector": map[string]interface{}{"queryExecutionId.$": "$.QueryExecution.QueryExecutionId"},
			"ResultPath":     contract.PathLoad,
			"TimeoutSeconds": 600,
		},
	})
}

// glueJobRun runs the existing Glue job and waits for it (.sync). It is a
// custom state because CDK's GlueStartJobRun turns its task timeout into
// the job's own timeout and leaves the state without TimeoutSeconds.
func glueJobRun(scope constructs.Construct, e *ETL, job, summaryKey string) awsstepfunctions.CustomState {
	stack := awscdk.Stack_Of(scope)
	runDate := contract.PathRun + ".runDate"
	return awsstepfunctions.NewCustomState(scope, jsii.String(contract.StateTransformWithGlue), &awsstepfunctions.CustomStateProps{
		StateJson: &map[string]interface{}{
			"Type":     "Task",
			"Comment":  "Runs the existing Glue job " + job + " over the run date's raw objects",
			"Resource": "arn:" + *stack.Partition() + ":states:::glue:startJobRun.sync",
			"Parameters": map[string]interface{}{
				"JobName": job,
				"Arguments": map[string]interface{}{
					"--run_date.$":        runDate,
					"--raw_bucket.$":      contract.PathRun + ".bucket",
					"--raw_prefix.$":      contract.PathRun + ".rawPrefix",
					"--run_id.$":          contract.PathRun + ".runId",
					"--curated_bucket":    *e.Buckets.Curated.BucketName(),
					"--curated_prefix.$":  "States.Format('" + contract.RunPrefix(contract.Sales.Name, "{}", "{}") + "', " + runDate + ", " + contract.PathRun + ".runId)",
					"--quarantine_bucket": *e.Buckets.Quarantine.BucketName(),
					"--summary_path.$":    "States.Format('s3://" + *e.Buckets.Work.BucketName() + "/" + summaryKey + "', " + runDate + ")",
				},
			},
			"ResultPath":     contract.PathExtract,
			"TimeoutSeconds": int((2 * time.Hour).Seconds()),
		},
	})
}

// number passes a numeric field to DynamoDB, which takes numbers as strings.
func number(p string) awsstepfunctionstasks.DynamoAttributeValue {
	return awsstepfunctionstasks.DynamoAttributeValue_NumberFromString(awsstepfunctions.JsonPath_Format(jsii.String("{}"), path(p)))
}

// ledgerUpdate records a run's outcome, only while the ledger entry still
// belongs to this execution.
func ledgerUpdate(scope constructs.Construct, id string, e *ETL, status, extraSet string, extraValues map[string]awsstepfunctionstasks.DynamoAttributeValue) awsstepfunctionstasks.DynamoUpdateItem {
	values := map[string]awsstepfunctionstasks.DynamoAttributeValue{
		":status": awsstepfunctionstasks.DynamoAttributeValue_FromString(jsii.String(status)),
		":now":    awsstepfunctionstasks.DynamoAttributeValue_FromString(path("$$.State.EnteredTime")),
		":me":     awsstepfunctionstasks.DynamoAttributeValue_FromString(awsstepfunctions.JsonPath_ExecutionId()),
	}
	for k, v := range extraValues {
		values[k] = v
	}
	return awsstepfunctionstasks.NewDynamoUpdateItem(scope, jsii.String(id), &awsstepfunctionstasks.DynamoUpdateItemProps{
		Table:                     e.Ledger,
		Key:                       &map[string]awsstepfunctionstasks.DynamoAttributeValue{"runDate": awsstepfunctionstasks.DynamoAttributeValue_FromString(path(contract.PathRun + ".runDate"))},
		UpdateExpression:          jsii.String("SET #status = :status, finishedAt = :now" + extraSet),
		ConditionExpression:       jsii.String("executionId = :me"),
		ExpressionAttributeNames:  &map[string]*string{"#status": jsii.String("status")},
		ExpressionAttributeValues: &values,
		ResultPath:                awsstepfunctions.JsonPath_DISCARD(),
		TaskTimeout:               statemachine.ServiceTaskTimeout(),
	})
}

func itemReader(raw awss3.IBucket) awsstepfunctions.IItemReader {
	return awsstepfunctions.NewS3ObjectsItemReader(&awsstepfunctions.S3ObjectsItemReaderProps{
		Bucket: raw,
		Prefix: path(contract.PathRun + ".rawPrefix"),
	})
}

func resultWriter(work awss3.IBucket) awsstepfunctions.ResultWriterV2 {
	return awsstepfunctions.NewResultWriterV2(&awsstepfunctions.ResultWriterV2Props{Bucket: work, Prefix: jsii.String(MapResultsPrefix)})
}

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
