package etl

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/encrypted"
	"github.com/sfnkit/sfnkit/constructs/nag"
)

// grantStateMachine adds what the state machine's integrations need beyond
// what CDK grants: the key for the ledger updates, the work bucket for the
// map's results, and exactly what the Athena partition queries need (ADD
// PARTITION creates it, SET LOCATION updates it).
func grantStateMachine(e *ETL, p Props) {
	distributedMap := p.GlueJobName == nil
	role := e.StateMachine.Role
	encrypted.GrantTableKey(role, e.Key, "dynamodb:UpdateItem")
	if distributedMap {
		encrypted.GrantWrite(role, e.Buckets.Work, e.Key, MapResultsPrefix+"/")
		nag.Suppress(role, "AwsSolutions-IAM5",
			"CDK's ResultWriter grant lets the Distributed Map write its results into the work bucket, whose objects all expire after 30 days.",
			"Resource::arn:<AWS::Partition>:s3:::<"+nag.LogicalID(e.Buckets.Work)+">/*")
	}

	stack := awscdk.Stack_Of(e.Construct)
	arn := func(service, resource string) *string {
		return jsii.String("arn:" + *stack.Partition() + ":" + service + ":" + *stack.Region() + ":" + *stack.Account() + ":" + resource)
	}
	statement := func(actions []string, resources ...*string) {
		role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{Actions: jsii.Strings(actions...), Resources: &resources}))
	}
	statement([]string{"athena:StartQueryExecution", "athena:GetQueryExecution", "athena:StopQueryExecution"},
		arn("athena", "workgroup/"+*e.Catalog.WorkGroupName))
	statement([]string{"athena:GetDataCatalog"}, arn("athena", "datacatalog/AwsDataCatalog"))
	statement([]string{"glue:GetDatabase", "glue:GetTable", "glue:GetPartition", "glue:GetPartitions", "glue:CreatePartition", "glue:BatchCreatePartition", "glue:UpdatePartition"},
		arn("glue", "catalog"), arn("glue", "database/"+e.Catalog.DatabaseName), arn("glue", "table/"+e.Catalog.DatabaseName+"/"+e.Catalog.TableName))
	if !distributedMap {
		statement([]string{"glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"}, arn("glue", "job/"+*p.GlueJobName))
	}
	// Athena writes the query's result with the caller's permissions.
	statement([]string{"s3:GetBucketLocation", "s3:ListBucket"}, e.Buckets.Work.BucketArn())
	encrypted.GrantWrite(role, e.Buckets.Work, e.Key, AthenaResultsPrefix+"/")
	encrypted.GrantRead(role, e.Buckets.Work, e.Key, AthenaResultsPrefix+"/")
}
