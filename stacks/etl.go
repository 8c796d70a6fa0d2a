package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/etl"
)

// ETLStack deploys the ETL workflow.
type ETLStack struct {
	awscdk.Stack
	Workflow *etl.ETL
}

// NewETLStack defines the stack and its outputs. The "etlGlueJob" context
// key switches the transform to an existing Glue job.
func NewETLStack(scope constructs.Construct, id string, cfg Config) *ETLStack {
	stack := awscdk.NewStack(scope, jsii.String(id), cfg.stackProps(id, "ETL: Distributed Map over S3, data-quality gate, Athena load"))
	cfg.tag(stack, "etl")
	wf := etl.New(stack, "Etl", &etl.Props{
		GlueJobName:   cfg.ETLGlueJob,
		RemovalPolicy: cfg.removalPolicy(),
	})
	output(stack, "StateMachineArn", wf.StateMachine.StateMachineArn(), "ARN of the ETL state machine")
	output(stack, "RawBucketName", wf.Buckets.Raw.BucketName(), "Upload raw CSV or JSON Lines under raw/<YYYY-MM-DD>/")
	output(stack, "CuratedBucketName", wf.Buckets.Curated.BucketName(), "Curated data, queryable in Athena")
	output(stack, "QuarantineBucketName", wf.Buckets.Quarantine.BucketName(), "Rejected rows with their reasons")
	output(stack, "AthenaWorkGroup", wf.Catalog.WorkGroupName, "Athena workgroup for the curated table")
	output(stack, "AlertTopicArn", wf.AlertTopic.TopicArn(), "Subscribe on-call to run failures and alarms")
	return &ETLStack{Stack: stack, Workflow: wf}
}
