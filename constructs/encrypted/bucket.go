package encrypted

import (
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/nag"
)

// BucketProps configures NewBucket.
type BucketProps struct {
	// Key encrypts the objects (SSE-KMS with an S3 bucket key). Required.
	Key awskms.IKey
	// AccessLogs receives the bucket's server access logs under the
	// bucket's id. Required; NewAccessLogBucket makes one.
	AccessLogs awss3.IBucket
	// Expiration deletes objects this long after they were written. If
	// zero, objects are kept.
	Expiration time.Duration
	// RemovalPolicy applies when the bucket leaves the stack. If empty,
	// RETAIN.
	RemovalPolicy awscdk.RemovalPolicy
	// EventBridge sends the bucket's object events to EventBridge. If
	// false, it does not.
	EventBridge bool
}

// NewBucket creates a private bucket encrypted with the key, refusing
// requests without TLS, with server access logs, and a lifecycle that
// aborts forgotten multipart uploads (and expires objects if asked).
func NewBucket(scope constructs.Construct, id string, props *BucketProps) awss3.Bucket {
	rule := &awss3.LifecycleRule{
		Id:                                  jsii.String("abort-incomplete-uploads"),
		AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(7)),
	}
	if props.Expiration > 0 {
		rule.Id = jsii.String("expire-and-abort-incomplete-uploads")
		rule.Expiration = awscdk.Duration_Days(jsii.Number(props.Expiration.Hours() / 24))
	}
	b := awss3.NewBucket(scope, jsii.String(id), &awss3.BucketProps{
		Encryption:             awss3.BucketEncryption_KMS,
		EncryptionKey:          props.Key,
		BucketKeyEnabled:       jsii.Bool(true),
		EnforceSSL:             jsii.Bool(true),
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		ObjectOwnership:        awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		ServerAccessLogsBucket: props.AccessLogs,
		ServerAccessLogsPrefix: jsii.String(id + "/"),
		LifecycleRules:         &[]*awss3.LifecycleRule{rule},
		RemovalPolicy:          removalOrRetain(props.RemovalPolicy),
	})
	if props.EventBridge {
		// CloudFormation turns this on natively; CDK's EventBridgeEnabled
		// would deploy a custom-resource Lambda with an AWS managed policy.
		b.Node().DefaultChild().(awss3.CfnBucket).AddPropertyOverride(
			jsii.String("NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled"), true)
	}
	return b
}

// NewAccessLogBucket creates the bucket that receives other buckets' server
// access logs. S3 delivers access logs only to buckets encrypted with
// S3-managed keys, so this one bucket uses SSE-S3; logs expire after a year.
func NewAccessLogBucket(scope constructs.Construct, id string, removal awscdk.RemovalPolicy) awss3.Bucket {
	b := awss3.NewBucket(scope, jsii.String(id), &awss3.BucketProps{
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:         jsii.String("expire-access-logs"),
			Expiration: awscdk.Duration_Days(jsii.Number(365)),
		}},
		RemovalPolicy: removalOrRetain(removal),
	})
	nag.Suppress(b, "AwsSolutions-S1",
		"This bucket is the destination of the other buckets' server access logs; logging it into itself would loop.")
	return b
}

func removalOrRetain(p awscdk.RemovalPolicy) awscdk.RemovalPolicy {
	if p == "" {
		return awscdk.RemovalPolicy_RETAIN
	}
	return p
}
