package encrypted

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/jsii-runtime-go"
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
	keyActions := []string{"kms:Decrypt"}
	for _, a := range actions {
		if dynamoWrites[a] {
			keyActions = append(keyActions, "kms:Encrypt", "kms:GenerateDataKey")
			break
		}
	}
	GrantKey(grantee, key, keyActions...)
}

// GrantKey lets grantee perform exactly the given KMS actions with key.
func GrantKey(grantee awsiam.IGrantable, key awskms.IKey, actions ...string) {
	grantee.GrantPrincipal().AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings(actions...),
		Resources: jsii.Strings(*key.KeyArn()),
	}))
}
