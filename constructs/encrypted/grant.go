package encrypted

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/nag"
)

// dynamoWrites are the DynamoDB actions that write items. A transaction
// (TransactWriteItems) is authorized by the write actions it contains.
var dynamoWrites = map[string]bool{
	"dynamodb:PutItem": true, "dynamodb:UpdateItem": true, "dynamodb:DeleteItem": true,
	"dynamodb:BatchWriteItem": true,
}

// GrantTable lets grantee perform exactly the given DynamoDB actions on the
// table and use its key for them: kms:Decrypt to read, plus kms:Encrypt and
// kms:GenerateDataKey when an action writes. Unlike CDK's grantReadData and
// grantWriteData, it names no wildcard action.
func GrantTable(grantee awsiam.IGrantable, table awsdynamodb.ITable, key awskms.IKey, actions ...string) {
	grantee.GrantPrincipal().AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings(actions...),
		Resources: jsii.Strings(*table.TableArn()),
	}))
	GrantTableKey(grantee, key, actions...)
}

// GrantTableKey lets grantee use key for the given DynamoDB actions on a
// table encrypted with it: kms:Decrypt to read, plus kms:Encrypt and
// kms:GenerateDataKey when an action writes. It is the key half of
// GrantTable, for grantees that already hold the table actions: CDK's
// DynamoDB tasks and CallAwsService grant the state machine the table
// action but not the table's customer-managed key, so without this the
// task fails with a KMS AccessDenied at run time.
func GrantTableKey(grantee awsiam.IGrantable, key awskms.IKey, actions ...string) {
	keyActions := []string{"kms:Decrypt"}
	for _, a := range actions {
		if dynamoWrites[a] {
			keyActions = append(keyActions, "kms:Encrypt", "kms:GenerateDataKey")
			break
		}
	}
	GrantKey(grantee, key, keyActions...)
}

// GrantTopicPublish lets grantee publish to topic (sns:Publish) and use
// key, the topic's key, for it.
func GrantTopicPublish(grantee awsiam.IGrantable, topic awssns.ITopic, key awskms.IKey) {
	grantee.GrantPrincipal().AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("sns:Publish"),
		Resources: jsii.Strings(*topic.TopicArn()),
	}))
	GrantTopicKey(grantee, key)
}

// GrantTopicKey lets grantee use key for publishing to a topic encrypted
// with it (kms:Decrypt and kms:GenerateDataKey, what SNS asks of a
// publisher). It is the key half of GrantTopicPublish, for CDK's SnsPublish
// task, which grants sns:Publish but not the topic's key.
func GrantTopicKey(grantee awsiam.IGrantable, key awskms.IKey) {
	GrantKey(grantee, key, "kms:Decrypt", "kms:GenerateDataKey")
}

// GrantKey lets grantee perform exactly the given KMS actions with key.
func GrantKey(grantee awsiam.IGrantable, key awskms.IKey, actions ...string) {
	grantee.GrantPrincipal().AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings(actions...),
		Resources: jsii.Strings(*key.KeyArn()),
	}))
}

// GrantRead lets grantee read the objects under each prefix of the bucket
// (s3:GetObject on bucket/prefix*) and decrypt them with key.
func GrantRead(grantee awsiam.IGrantable, bucket awss3.IBucket, key awskms.IKey, prefixes ...string) {
	grantee.GrantPrincipal().AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("s3:GetObject"),
		Resources: objectArns(bucket, prefixes),
	}))
	suppressPrefixWildcards(grantee, bucket, prefixes)
	GrantKey(grantee, key, "kms:Decrypt")
}

// GrantWrite lets grantee write objects under each prefix of the bucket,
// in one request or as a multipart upload, encrypted with key.
func GrantWrite(grantee awsiam.IGrantable, bucket awss3.IBucket, key awskms.IKey, prefixes ...string) {
	grantee.GrantPrincipal().AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("s3:PutObject", "s3:AbortMultipartUpload"),
		Resources: objectArns(bucket, prefixes),
	}))
	suppressPrefixWildcards(grantee, bucket, prefixes)
	// A multipart upload reads its own parts' data keys back.
	GrantKey(grantee, key, "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey")
}

// suppressPrefixWildcards records why a grant on objects under prefixes
// needs a wildcard: S3 names objects by key, and the grant is limited to
// the keys under those prefixes of one bucket.
func suppressPrefixWildcards(grantee awsiam.IGrantable, bucket awss3.IBucket, prefixes []string) {
	holder, ok := grantee.GrantPrincipal().(constructs.IConstruct)
	if !ok {
		return
	}
	findings := make([]interface{}, len(prefixes))
	for i, p := range prefixes {
		findings[i] = nag.ObjectsFinding(bucket, p)
	}
	nag.Suppress(holder, "AwsSolutions-IAM5",
		"S3 grants name objects by key pattern; this one covers only the objects under the listed prefixes of one bucket of this workflow.",
		findings...)
}

func objectArns(bucket awss3.IBucket, prefixes []string) *[]*string {
	arns := make([]*string, len(prefixes))
	for i, p := range prefixes {
		arns[i] = bucket.ArnForObjects(jsii.String(p + "*"))
	}
	return &arns
}
