package encrypted

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/nag"
)

// NewTopic creates an SNS topic encrypted with key whose policy refuses
// every request not made over TLS. CDK's EnforceSSL refuses only
// sns:Publish; subscribing, reading or changing the topic's attributes
// over plain HTTP would still be allowed.
func NewTopic(scope constructs.Construct, id string, key awskms.IKey, displayName string) awssns.Topic {
	topic := awssns.NewTopic(scope, jsii.String(id), &awssns.TopicProps{
		DisplayName: jsii.String(displayName),
		MasterKey:   key,
	})
	topic.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("DenyInsecureTransport"),
		Effect:     awsiam.Effect_DENY,
		Principals: &[]awsiam.IPrincipal{awsiam.NewStarPrincipal()},
		Actions:    jsii.Strings("sns:*"),
		Resources:  &[]*string{topic.TopicArn()},
		Conditions: &map[string]interface{}{"Bool": map[string]interface{}{"aws:SecureTransport": "false"}},
	}))
	return topic
}

// QueueProps configures NewQueue.
type QueueProps struct {
	// Key encrypts the messages. Required.
	Key awskms.IKey
	// VisibilityTimeout is how long a received message stays hidden. If nil, 30 seconds.
	VisibilityTimeout awscdk.Duration
	// Retention is how long a message is kept. If nil, 4 days; the
	// dead-letter queue keeps messages for the maximum, 14 days.
	Retention awscdk.Duration
	// MaxReceiveCount is how many receives send a message to the dead-letter
	// queue. If zero, 5.
	MaxReceiveCount float64
}

// NewQueue creates an SQS queue and its dead-letter queue, both encrypted
// with the key and TLS-only. It returns the queue and the dead-letter queue.
func NewQueue(scope constructs.Construct, id string, props *QueueProps) (awssqs.Queue, awssqs.Queue) {
	maxReceive := props.MaxReceiveCount
	if maxReceive == 0 {
		maxReceive = 5
	}
	dlq := NewDeadLetterQueue(scope, id+"DeadLetters", props.Key, "the queue "+id)
	queue := awssqs.NewQueue(scope, jsii.String(id), &awssqs.QueueProps{
		Encryption:          awssqs.QueueEncryption_KMS,
		EncryptionMasterKey: props.Key,
		EnforceSSL:          jsii.Bool(true),
		VisibilityTimeout:   props.VisibilityTimeout,
		RetentionPeriod:     props.Retention,
		DeadLetterQueue:     &awssqs.DeadLetterQueue{Queue: dlq, MaxReceiveCount: jsii.Number(maxReceive)},
	})
	return queue, dlq
}

// NewDeadLetterQueue creates a queue that keeps what source failed to
// deliver or process for the maximum 14 days, encrypted and TLS-only.
func NewDeadLetterQueue(scope constructs.Construct, id string, key awskms.IKey, source string) awssqs.Queue {
	dlq := awssqs.NewQueue(scope, jsii.String(id), &awssqs.QueueProps{
		Encryption:          awssqs.QueueEncryption_KMS,
		EncryptionMasterKey: key,
		EnforceSSL:          jsii.Bool(true),
		RetentionPeriod:     awscdk.Duration_Days(jsii.Number(14)),
	})
	reason := "This is the dead-letter queue of " + source + "; messages end here for inspection."
	nag.Suppress(dlq, "Serverless-SQSRedrivePolicy", reason)
	nag.Suppress(dlq, "AwsSolutions-SQS3", reason)
	return dlq
}

// NewEventsDeadLetterQueue is a dead-letter queue for an EventBridge
// target: it also lets EventBridge of this account use the key to write to
// the encrypted queue.
func NewEventsDeadLetterQueue(scope constructs.Construct, id string, key awskms.IKey, source string) awssqs.Queue {
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowEventBridgeDeadLetters"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("events.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey"),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]interface{}{"StringEquals": map[string]interface{}{"aws:SourceAccount": *awscdk.Stack_Of(scope).Account()}},
	}), jsii.Bool(false))
	return NewDeadLetterQueue(scope, id, key, source)
}
