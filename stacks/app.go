// Package stacks composes the workflow constructs into deployable stacks and
// the stacks into the app, with cdk-nag applied. main.go and the tests both
// build the app through Build, so the tests check what `cdk synth` emits.
package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// Stack ids, which are also the CloudFormation stack names.
const (
	OrderFulfillmentStackID = "SfnkitOrderFulfillment"
	ETLStackID              = "SfnkitEtl"
	ImageProcessingStackID  = "SfnkitImageProcessing"
)

// Config is what the app reads from context and the environment.
type Config struct {
	// Account and Region pin the stacks to an environment. If empty, the
	// stacks are environment-agnostic and the CLI's credentials decide.
	Account, Region string
	// ETLGlueJob names an existing Glue job to run as the ETL transform
	// ("etlGlueJob" context key). If nil, the Lambda transform runs.
	ETLGlueJob *string
	// ImageSageMakerEndpoint names a SageMaker endpoint for the image
	// workflow's custom-model branch ("imageSageMakerEndpoint" context
	// key). If empty, there is none.
	ImageSageMakerEndpoint string
}

// ConfigFromContext reads the app's configuration from the "account" and
// "region" context keys (-c account=... -c region=...). Without them the
// stacks are environment-agnostic: the template is the same on every
// machine, and `cdk deploy` targets the account and region of the CLI's
// credentials.
func ConfigFromContext(app awscdk.App) Config {
	get := func(key string) string {
		v, _ := app.Node().TryGetContext(jsii.String(key)).(string)
		return v
	}
	cfg := Config{Account: get("account"), Region: get("region")}
	if job, ok := app.Node().TryGetContext(jsii.String("etlGlueJob")).(string); ok {
		cfg.ETLGlueJob = &job
	}
	cfg.ImageSageMakerEndpoint = get("imageSageMakerEndpoint")
	return cfg
}

func (c Config) stackProps(description string) *awscdk.StackProps {
	props := &awscdk.StackProps{Description: jsii.String(description)}
	if c.Account != "" || c.Region != "" {
		props.Env = &awscdk.Environment{Account: strOrNil(c.Account), Region: strOrNil(c.Region)}
	}
	return props
}

func (c Config) removalPolicy() awscdk.RemovalPolicy {
	return awscdk.RemovalPolicy_RETAIN
}

// Stacks are the app's stacks.
type Stacks struct {
	OrderFulfillment *OrderFulfillmentStack
	ETL              *ETLStack
	ImageProcessing  *ImageProcessingStack
}

// NewApp creates the CDK app. It turns off version reporting (the
// AWS::CDK::Metadata resource), so templates hold only what a reviewer needs
// to read and are identical across CDK patch releases of the same code.
func NewApp(props *awscdk.AppProps) awscdk.App {
	p := awscdk.AppProps{}
	if props != nil {
		p = *props
	}
	p.AnalyticsReporting = jsii.Bool(false)
	return awscdk.NewApp(&p)
}

// Build adds every stack to app and applies the cdk-nag AwsSolutions and
// Serverless rule packs to all of them. A finding that is neither fixed nor
// suppressed with a reason is an error annotation, which fails `cdk synth`.
func Build(app awscdk.App, cfg Config) Stacks {
	s := Stacks{
		OrderFulfillment: NewOrderFulfillmentStack(app, OrderFulfillmentStackID, cfg),
		ETL:              NewETLStack(app, ETLStackID, cfg),
		ImageProcessing:  NewImageProcessingStack(app, ImageProcessingStackID, cfg),
	}
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	awscdk.Aspects_Of(app).Add(cdknag.NewServerlessChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	return s
}

func strOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return jsii.String(s)
}
