package encrypted

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// DefaultLogRetention is how long logs are kept when a prop leaves it unset.
const DefaultLogRetention = awslogs.RetentionDays_THREE_MONTHS

// LogGroupProps configures NewLogGroup.
type LogGroupProps struct {
	// Key encrypts the log events. Required; NewKey makes a suitable one.
	Key awskms.IKey
	// Retention is how long events are kept. If empty, DefaultLogRetention.
	Retention awslogs.RetentionDays
	// LogGroupName is the group's name. If nil, CloudFormation generates one.
	LogGroupName *string
	// RemovalPolicy applies when the group leaves the stack. If empty, RETAIN.
	RemovalPolicy awscdk.RemovalPolicy
}

// NewLogGroup creates a KMS-encrypted log group with finite retention.
func NewLogGroup(scope constructs.Construct, id string, props *LogGroupProps) awslogs.LogGroup {
	retention := props.Retention
	if retention == "" {
		retention = DefaultLogRetention
	}
	removal := props.RemovalPolicy
	if removal == "" {
		removal = awscdk.RemovalPolicy_RETAIN
	}
	return awslogs.NewLogGroup(scope, jsii.String(id), &awslogs.LogGroupProps{
		EncryptionKey: props.Key,
		Retention:     retention,
		LogGroupName:  props.LogGroupName,
		RemovalPolicy: removal,
	})
}
