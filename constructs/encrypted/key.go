// Package encrypted makes the storage and messaging resources every workflow
// uses (keys, log groups, tables, topics, queues) encrypted with the
// workflow's customer-managed KMS key and, where it applies, reachable only
// over TLS. Each function is our defaults applied to ordinary CDK props.
package encrypted

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// KeyProps configures NewKey.
type KeyProps struct {
	// Description says what the key protects. If empty, the construct path.
	Description string
	// RemovalPolicy applies when the key leaves the stack. If nil, RETAIN:
	// deleting a key makes everything encrypted with it unreadable.
	RemovalPolicy awscdk.RemovalPolicy
}

// NewKey creates a symmetric customer-managed key with yearly rotation whose
// policy also lets this account's CloudWatch Logs and CloudWatch alarms use
// it, so one key can protect a workflow's log groups and alarm topic.
func NewKey(scope constructs.Construct, id string, props *KeyProps) awskms.Key {
	if props == nil {
		props = &KeyProps{}
	}
	description := props.Description
	if description == "" {
		description = "Encrypts the data of " + *scope.Node().Path() + "/" + id
	}
	removal := props.RemovalPolicy
	if removal == "" {
		removal = awscdk.RemovalPolicy_RETAIN
	}
	key := awskms.NewKey(scope, jsii.String(id), &awskms.KeyProps{
		Description:       jsii.String(description),
		EnableKeyRotation: jsii.Bool(true),
		RemovalPolicy:     removal,
		PendingWindow:     awscdk.Duration_Days(jsii.Number(30)),
	})
	stack := awscdk.Stack_Of(scope)
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowCloudWatchLogsOfThisAccount"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("logs."+*stack.Region()+".amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:DescribeKey"),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]interface{}{
			"ArnLike": map[string]interface{}{
				"kms:EncryptionContext:aws:logs:arn": "arn:" + *stack.Partition() + ":logs:" + *stack.Region() + ":" + *stack.Account() + ":log-group:*",
			},
		},
	}), jsii.Bool(false))
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowCloudWatchAlarmsOfThisAccountToPublish"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey"),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]interface{}{
			"StringEquals": map[string]interface{}{"aws:SourceAccount": *stack.Account()},
		},
	}), jsii.Bool(false))
	return key
}
