// Package imageprocessing is the image workflow as one construct: the
// images bucket sending its events to EventBridge, the rule that starts the
// Express state machine for every upload under uploads/, the results and
// preferences tables, the notification topic, the ExtractMetadata,
// Thumbnails and GenerateInsights Go functions, and the direct Rekognition,
// DynamoDB, S3 and SNS integrations of workflows/imageprocessing.
package imageprocessing

import (
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/encrypted"
	"github.com/sfnkit/sfnkit/constructs/gofunction"
	"github.com/sfnkit/sfnkit/constructs/nag"
	"github.com/sfnkit/sfnkit/constructs/statemachine"
	workflow "github.com/sfnkit/sfnkit/workflows/imageprocessing"
	"github.com/sfnkit/sfnkit/workflows/imageprocessing/contract"
)

// Handler entry points.
const (
	EntryExtractMetadata  = "github.com/sfnkit/sfnkit/lambdas/cmd/extract-metadata"
	EntryMakeThumbnails   = "github.com/sfnkit/sfnkit/lambdas/cmd/make-thumbnails"
	EntryGenerateInsights = "github.com/sfnkit/sfnkit/lambdas/cmd/generate-insights"
)

// Prefixes of the images bucket.
const (
	UploadsPrefix    = "uploads/"
	ProcessedPrefix  = "processed/"
	QuarantinePrefix = "quarantine/"
)

// Events published on the notification topic, in the "event" attribute.
const (
	EventImageProcessed   = "ImageProcessed"
	EventImageQuarantined = "ImageQuarantined"
)

// Functions of the workflow.
type Functions struct {
	ExtractMetadata, MakeThumbnails, GenerateInsights *gofunction.Function
}

// ImageProcessing is the workflow and every resource made for it.
type ImageProcessing struct {
	constructs.Construct

	Key awskms.IKey
	// Images holds uploads/{userId}/..., processed/ thumbnails and
	// quarantine/; AccessLogs receives its server access logs.
	Images, AccessLogs awss3.Bucket
	// Results holds one insight record per object version (imageKey, etag);
	// Preferences holds each user's interests and thresholds (userId).
	Results, Preferences awsdynamodb.Table
	// Notifications carries ImageProcessed and ImageQuarantined events,
	// with "event" and "userId" message attributes to filter on.
	Notifications awssns.Topic
	Functions     Functions
	StateMachine  *statemachine.StateMachine
	// UploadRule starts an execution for each upload; UploadDeadLetters
	// keeps the events it could not deliver.
	UploadRule        awsevents.Rule
	UploadDeadLetters awssqs.Queue
}

// New defines the workflow. Invalid props panic with a message naming the
// prop, the value and the fix.
func New(scope constructs.Construct, id string, props *Props) *ImageProcessing {
	if err := props.Validate(); err != nil {
		panic(err)
	}
	p := props.withDefaults()
	this := constructs.NewConstruct(scope, jsii.String(id))
	ip := &ImageProcessing{Construct: this, Key: p.Key}
	if ip.Key == nil {
		ip.Key = encrypted.NewKey(this, "Key", &encrypted.KeyProps{Description: "Encrypts the image workflow's data", RemovalPolicy: p.RemovalPolicy})
	}
	ip.AccessLogs = encrypted.NewAccessLogBucket(this, "AccessLogs", p.RemovalPolicy)
	ip.Images = encrypted.NewBucket(this, "ImagesBucket", &encrypted.BucketProps{
		Key: ip.Key, AccessLogs: ip.AccessLogs, RemovalPolicy: p.RemovalPolicy, EventBridge: true,
	})
	ip.Results = encrypted.NewTable(this, "ResultsTable", &encrypted.TableProps{PartitionKey: "imageKey", SortKey: "etag", Key: ip.Key, RemovalPolicy: p.RemovalPolicy})
	ip.Preferences = encrypted.NewTable(this, "PreferencesTable", &encrypted.TableProps{PartitionKey: "userId", Key: ip.Key, RemovalPolicy: p.RemovalPolicy})
	ip.Notifications = encrypted.NewTopic(this, "Notifications", ip.Key, "Image processing results")
	ip.Functions = newFunctions(this, ip, p)

	ip.StateMachine = statemachine.New(this, "StateMachine", &statemachine.Props{
		Definition:    workflow.Definition(this, &workflow.Props{Tasks: newTasks(this, ip, p)}),
		Express:       true,
		Key:           ip.Key,
		AlarmTopic:    p.AlarmTopic,
		LogRetention:  p.LogRetention,
		RemovalPolicy: p.RemovalPolicy,
		Comment:       "Image processing: metadata, parallel analysis and thumbnails, preferences, moderation, insights",
	})
	grantStateMachine(ip, p)
	ip.UploadRule, ip.UploadDeadLetters = newUploadRule(this, ip)
	return ip
}

func newFunctions(scope constructs.Construct, ip *ImageProcessing, p Props) Functions {
	limits := map[string]string{
		contract.EnvImagesBucket: *ip.Images.BucketName(),
		contract.EnvMaxPixels:    strconv.FormatInt(p.MaxPixels, 10),
		contract.EnvMaxBytes:     strconv.FormatInt(p.MaxBytes, 10),
	}
	sizes := make([]string, len(p.ThumbnailSizes))
	for i, s := range p.ThumbnailSizes {
		sizes[i] = strconv.Itoa(s)
	}
	thumbEnv := map[string]string{contract.EnvThumbnailSizes: strings.Join(sizes, ",")}
	if p.ThumbnailMinThickness != 0 {
		thumbEnv[contract.EnvThumbnailMinThickness] = strconv.Itoa(p.ThumbnailMinThickness)
	}
	for k, v := range limits {
		thumbEnv[k] = v
	}
	fn := func(id string, h gofunction.Handler, description string, props gofunction.Props) *gofunction.Function {
		props.Description = description
		props.Key, props.LogRetention, props.RemovalPolicy = ip.Key, p.LogRetention, p.RemovalPolicy
		return gofunction.Use(scope, id, h, props)
	}
	gofunction.Prepare(p.Handlers.ExtractMetadata, p.Handlers.MakeThumbnails, p.Handlers.GenerateInsights)
	thumbMemory := p.ThumbnailMemoryMiB // the measured worst case, validated with MaxPixels
	f := Functions{
		ExtractMetadata: fn("ExtractMetadataFunction", p.Handlers.ExtractMetadata, "Reads an upload's format and dimensions from its header", gofunction.Props{
			Environment: limits,
		}),
		MakeThumbnails: fn("MakeThumbnailsFunction", p.Handlers.MakeThumbnails, "Resizes an upload to the thumbnail sizes", gofunction.Props{
			Environment: thumbEnv, MemoryMiB: thumbMemory, Timeout: time.Minute,
		}),
		GenerateInsights: fn("GenerateInsightsFunction", p.Handlers.GenerateInsights, "Turns labels and preferences into an insight record", gofunction.Props{}),
	}
	// An existing function is granted nothing: its permissions are its
	// owner's.
	if f.ExtractMetadata.Built() {
		encrypted.GrantRead(f.ExtractMetadata, ip.Images, ip.Key, UploadsPrefix)
	}
	if f.MakeThumbnails.Built() {
		encrypted.GrantRead(f.MakeThumbnails, ip.Images, ip.Key, UploadsPrefix)
		encrypted.GrantWrite(f.MakeThumbnails, ip.Images, ip.Key, ProcessedPrefix)
	}
	return f
}

// grantStateMachine gives the state machine's direct integrations exactly
// what they touch: Rekognition reads uploads with the caller's rights, the
// quarantine copies from uploads/ to quarantine/, deletes the upload and
// the thumbnails made of it under processed/.
func grantStateMachine(ip *ImageProcessing, p Props) {
	role := ip.StateMachine.Role
	encrypted.GrantRead(role, ip.Images, ip.Key, UploadsPrefix)
	encrypted.GrantWrite(role, ip.Images, ip.Key, QuarantinePrefix)
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("s3:DeleteObject"),
		Resources: &[]*string{ip.Images.ArnForObjects(jsii.String(UploadsPrefix + "*"))},
	}))
	encrypted.GrantTable(role, ip.Preferences, ip.Key, "dynamodb:GetItem")
	encrypted.GrantTable(role, ip.Results, ip.Key, "dynamodb:PutItem")
	ip.StateMachine.AllowUnscoped("Rekognition's image analysis supports no resource-level permissions; the images it reads are limited by the s3:GetObject grant on uploads/.",
		"rekognition:DetectLabels", "rekognition:DetectModerationLabels")
	nag.Suppress(role, "AwsSolutions-IAM5",
		"The quarantine step deletes the object it moved; S3 names objects by key, and this grant covers only uploads/ of the images bucket.",
		nag.ObjectsFinding(ip.Images, UploadsPrefix))
	nag.Suppress(role, "AwsSolutions-IAM5",
		"The quarantine deletes the thumbnails of an unsafe image, whose keys are only known at run time; the grant is s3:DeleteObject on processed/ of the images bucket.",
		nag.ObjectsFinding(ip.Images, ProcessedPrefix))
}

// newUploadRule starts an execution for every object created under
// uploads/ of the images bucket; events it cannot deliver after retries go
// to a dead-letter queue.
func newUploadRule(scope constructs.Construct, ip *ImageProcessing) (awsevents.Rule, awssqs.Queue) {
	dlq := encrypted.NewEventsDeadLetterQueue(scope, "UploadDeadLetters", ip.Key, "the upload rule")
	rule := awsevents.NewRule(scope, jsii.String("UploadRule"), &awsevents.RuleProps{
		Description: jsii.String("Starts image processing for each object created under uploads/"),
		EventPattern: &awsevents.EventPattern{
			Source:     jsii.Strings("aws.s3"),
			DetailType: jsii.Strings("Object Created"),
			Detail: &map[string]interface{}{
				"bucket": map[string]interface{}{"name": []interface{}{*ip.Images.BucketName()}},
				"object": map[string]interface{}{"key": []interface{}{map[string]interface{}{"prefix": UploadsPrefix}}},
			},
		},
	})
	rule.AddTarget(awseventstargets.NewSfnStateMachine(ip.StateMachine.StateMachine, &awseventstargets.SfnStateMachineProps{
		DeadLetterQueue: dlq,
		RetryAttempts:   jsii.Number(3),
		MaxEventAge:     awscdk.Duration_Hours(jsii.Number(1)),
	}))
	return rule, dlq
}

// GrantUpload lets identity upload images under uploads/.
func (ip *ImageProcessing) GrantUpload(identity awsiam.IGrantable) awsiam.Grant {
	return ip.Images.GrantPut(identity, jsii.String(UploadsPrefix+"*"))
}

// GrantReadResults lets identity read insight records and thumbnails.
func (ip *ImageProcessing) GrantReadResults(identity awsiam.IGrantable) {
	ip.Results.GrantReadData(identity)
	ip.Images.GrantRead(identity, jsii.String(ProcessedPrefix+"*"))
}
