package encrypted

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// TableProps configures NewTable.
type TableProps struct {
	// PartitionKey is the name of the table's string partition key. Required.
	PartitionKey string
	// SortKey is the name of a string sort key. If empty, none.
	SortKey string
	// Key encrypts the table. Required.
	Key awskms.IKey
	// RemovalPolicy applies when the table leaves the stack. If empty, RETAIN.
	RemovalPolicy awscdk.RemovalPolicy
}

// NewTable creates an on-demand DynamoDB table with string keys,
// encrypted with the key, with point-in-time recovery and deletion protection
// unless the removal policy is DESTROY.
func NewTable(scope constructs.Construct, id string, props *TableProps) awsdynamodb.Table {
	removal := props.RemovalPolicy
	if removal == "" {
		removal = awscdk.RemovalPolicy_RETAIN
	}
	var sortKey *awsdynamodb.Attribute
	if props.SortKey != "" {
		sortKey = &awsdynamodb.Attribute{Name: jsii.String(props.SortKey), Type: awsdynamodb.AttributeType_STRING}
	}
	return awsdynamodb.NewTable(scope, jsii.String(id), &awsdynamodb.TableProps{
		PartitionKey:  &awsdynamodb.Attribute{Name: jsii.String(props.PartitionKey), Type: awsdynamodb.AttributeType_STRING},
		SortKey:       sortKey,
		BillingMode:   awsdynamodb.BillingMode_PAY_PER_REQUEST,
		Encryption:    awsdynamodb.TableEncryption_CUSTOMER_MANAGED,
		EncryptionKey: props.Key,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		DeletionProtection: jsii.Bool(removal != awscdk.RemovalPolicy_DESTROY),
		RemovalPolicy:      removal,
	})
}
