package synthtest

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/etl"
	"github.com/sfnkit/sfnkit/constructs/imageprocessing"
	"github.com/sfnkit/sfnkit/stacks"
)

// The configurations the test packages share (see Shared).
var (
	// Dev is the app as `cdk synth` makes it with cdk.json's context: the
	// dev stage.
	Dev = Configuration{Name: "dev", Nag: true, build: func(app awscdk.App) {
		stacks.Build(app, stacks.Config{})
	}}

	// Prod is the app for the prod stage, with the real providers' ARNs
	// that stage requires.
	Prod = Configuration{Name: "prod", Nag: true, build: func(app awscdk.App) {
		stacks.Build(app, ProdConfig)
	}}

	// Variants holds the workflows with props other than the app's, each
	// in a stack of its own, with the cdk-nag packs.
	Variants = Configuration{Name: "variants", Nag: true, build: func(app awscdk.App) {
		tuned := awscdk.NewStack(app, jsii.String(EtlTunedStack), nil)
		etl.New(tuned, "Etl", &etl.Props{BatchSize: 50, MaxConcurrency: 20, ToleratedFailurePercentage: 5, Schedule: "rate(12 hours)", MaxRejectRatio: jsii.Number(0.01)})
		glue := awscdk.NewStack(app, jsii.String(EtlGlueStack), nil)
		etl.New(glue, "Etl", &etl.Props{GlueJobName: jsii.String(EtlGlueJob), DisableSchedule: true})
		model := awscdk.NewStack(app, jsii.String(ImagesModelStack), nil)
		imageprocessing.New(model, "Images", &imageprocessing.Props{SageMakerEndpoint: ImagesModelEndpoint, ThumbnailSizes: []int{64, 1024}, ModerationMinConfidence: 60})
	}}
)

// ProdConfig is Prod's configuration.
var ProdConfig = stacks.Config{Stage: stacks.StageProd, Account: "123456789012", Region: "eu-west-1", CostCenter: "cc-42",
	Providers: stacks.Providers{
		PaymentFunctionArn:  "arn:aws:lambda:eu-west-1:123456789012:function:payments-charge",
		RefundFunctionArn:   "arn:aws:lambda:eu-west-1:123456789012:function:payments-refund",
		ShippingFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:carrier-book",
		TimeoutSeconds:      30,
	}}

// The stacks of Variants and what they are configured with.
const (
	// EtlTunedStack is the ETL workflow with a batch size, concurrency,
	// failure tolerance, schedule and reject ratio of its own.
	EtlTunedStack = "EtlTuned"
	// EtlGlueStack is the ETL workflow transforming with the Glue job
	// EtlGlueJob, without a schedule.
	EtlGlueStack = "EtlGlue"
	EtlGlueJob   = "nightly-sales"
	// ImagesModelStack is the image workflow classifying with the
	// SageMaker endpoint ImagesModelEndpoint, two thumbnail sizes and a
	// moderation confidence of 60.
	ImagesModelStack    = "ImagesWithModel"
	ImagesModelEndpoint = "Image-Classifier"
)
