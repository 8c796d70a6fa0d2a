// Package stacks composes the workflow constructs into deployable stacks and
// the stacks into the app. main.go (through cdkapp.Main, which also applies
// cdk-nag) and the tests (through internal/synthtest, which does the same)
// both build the app with Build, so the tests check what `cdk synth` emits.
package stacks

import (
	"fmt"
	"os"
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// Stack ids, which are also the CloudFormation stack names.
const (
	OrderFulfillmentStackID = "SfnkitOrderFulfillment"
	ETLStackID              = "SfnkitEtl"
	ImageProcessingStackID  = "SfnkitImageProcessing"
)

// Stages the app deploys.
const (
	// StageDev is for development: data is deleted with the stack and the
	// stack can be deleted. The default.
	StageDev = "dev"
	// StageProd retains tables, buckets, keys and log groups when the
	// stack is deleted, turns on termination protection, and must be
	// pinned to an account and region.
	StageProd = "prod"
)

// Config is what the app reads from context and the environment.
type Config struct {
	// Stage is StageDev or StageProd ("stage" context key). If empty,
	// StageDev.
	Stage string
	// Account and Region pin the stacks to an environment. If empty, the
	// stacks are environment-agnostic and the CLI's credentials decide
	// (only a dev stage may be).
	Account, Region string
	// CostCenter, if set, tags every resource for cost allocation
	// ("costCenter" context key).
	CostCenter string
	// ETLGlueJob names an existing Glue job to run as the ETL transform
	// ("etlGlueJob" context key). If nil, the Lambda transform runs.
	ETLGlueJob *string
	// ImageSageMakerEndpoint names a SageMaker endpoint for the image
	// workflow's custom-model branch ("imageSageMakerEndpoint" context
	// key). If empty, there is none.
	ImageSageMakerEndpoint string
	// Providers names the order workflow's payment provider and carrier
	// functions. A dev stage deploys the simulators for any it leaves
	// empty; a prod stage needs all three.
	Providers Providers
}

// Providers are existing Lambda functions that do what the order
// workflow's simulators only pretend to: charge, refund and ship.
type Providers struct {
	// PaymentFunctionArn, RefundFunctionArn and ShippingFunctionArn are
	// the functions' ARNs ("paymentFunctionArn", "refundFunctionArn",
	// "shippingFunctionArn" context keys).
	PaymentFunctionArn, RefundFunctionArn, ShippingFunctionArn string
	// TimeoutSeconds is their timeout, so the tasks wait long enough
	// ("providerFunctionTimeout" context key, in seconds). Required with
	// the ARNs.
	TimeoutSeconds int
}

// providersHint says how to name real providers on the command line.
const providersHint = "-c paymentFunctionArn=arn:aws:lambda:REGION:ACCOUNT:function:pay -c refundFunctionArn=... -c shippingFunctionArn=... -c providerFunctionTimeout=30 (their timeout in seconds)"

// simulated reports whether the order workflow deploys a simulator for
// some provider.
func (p Providers) simulated() bool {
	return p.PaymentFunctionArn == "" || p.RefundFunctionArn == "" || p.ShippingFunctionArn == ""
}

// ConfigFromContext reads the app's configuration from context: "stage"
// (dev or prod), "account" and "region" (-c account=... -c region=...),
// falling back to CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION, which the
// CDK CLI sets from the credentials, for a prod stage. A dev stage without
// them is environment-agnostic: the template is the same on every
// machine, and `cdk deploy` targets the account and region of the CLI's
// credentials.
func ConfigFromContext(app awscdk.App) Config {
	get := func(key string) string {
		v, _ := app.Node().TryGetContext(jsii.String(key)).(string)
		return v
	}
	cfg := Config{Stage: get("stage"), Account: get("account"), Region: get("region"), CostCenter: get("costCenter")}
	if cfg.Stage == StageProd {
		if cfg.Account == "" {
			cfg.Account = os.Getenv("CDK_DEFAULT_ACCOUNT")
		}
		if cfg.Region == "" {
			cfg.Region = os.Getenv("CDK_DEFAULT_REGION")
		}
	}
	if job, ok := app.Node().TryGetContext(jsii.String("etlGlueJob")).(string); ok {
		cfg.ETLGlueJob = &job
	}
	cfg.ImageSageMakerEndpoint = get("imageSageMakerEndpoint")
	cfg.Providers = Providers{
		PaymentFunctionArn:  get("paymentFunctionArn"),
		RefundFunctionArn:   get("refundFunctionArn"),
		ShippingFunctionArn: get("shippingFunctionArn"),
	}
	if t := get("providerFunctionTimeout"); t != "" {
		if n, err := strconv.Atoi(t); err == nil {
			cfg.Providers.TimeoutSeconds = n
		} else {
			cfg.Providers.TimeoutSeconds = -1 // Validate names the bad value
		}
	}
	return cfg
}

// Validate reports a stage the app does not know, and a prod stage that
// is not pinned to an account and region.
func (c Config) Validate() error {
	switch c.Stage {
	case "", StageDev:
	case StageProd:
		if c.Account == "" || c.Region == "" {
			return fmt.Errorf("stacks: stage prod needs an account and a region (got account %q, region %q); pass -c account=123456789012 -c region=eu-west-1, or deploy with credentials so the CDK CLI sets CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION", c.Account, c.Region)
		}
	default:
		return fmt.Errorf("stacks: context stage is %q; use -c stage=dev or -c stage=prod", c.Stage)
	}
	if c.Stage == StageProd && c.Providers.simulated() {
		return fmt.Errorf("stacks: stage prod would deploy the simulated payment provider and carrier, which move no money and ship nothing; name your functions with %s", providersHint)
	}
	if c.Providers != (Providers{}) {
		if c.Providers.TimeoutSeconds < 1 || c.Providers.TimeoutSeconds > 900 {
			return fmt.Errorf("stacks: providerFunctionTimeout is %d; with provider functions set it to their timeout, 1 to 900 seconds: %s", c.Providers.TimeoutSeconds, providersHint)
		}
	}
	return nil
}

func (c Config) stage() string {
	if c.Stage == "" {
		return StageDev
	}
	return c.Stage
}

// stackProps names the stack after its id and stage (two stages can share
// an account), describes it, pins its environment when known, and turns
// on termination protection in prod.
func (c Config) stackProps(id, description string) *awscdk.StackProps {
	props := &awscdk.StackProps{
		StackName:             jsii.String(id + "-" + c.stage()),
		Description:           jsii.String(description + " (" + c.stage() + ")"),
		TerminationProtection: jsii.Bool(c.stage() == StageProd),
	}
	if c.Account != "" || c.Region != "" {
		props.Env = &awscdk.Environment{Account: strOrNil(c.Account), Region: strOrNil(c.Region)}
	}
	return props
}

// removalPolicy is what happens to tables, buckets, keys and log groups
// when their stack is deleted: prod retains them, dev deletes them (a
// bucket that still holds objects then fails the deletion, on purpose).
func (c Config) removalPolicy() awscdk.RemovalPolicy {
	if c.stage() == StageProd {
		return awscdk.RemovalPolicy_RETAIN
	}
	return awscdk.RemovalPolicy_DESTROY
}

// tag marks every resource of a stack for cost allocation.
func (c Config) tag(stack awscdk.Stack, workflow string) {
	tags := awscdk.Tags_Of(stack)
	tags.Add(jsii.String("Project"), jsii.String("sfnkit"), nil)
	tags.Add(jsii.String("Stage"), jsii.String(c.stage()), nil)
	tags.Add(jsii.String("Workflow"), jsii.String(workflow), nil)
	if c.CostCenter != "" {
		tags.Add(jsii.String("CostCenter"), jsii.String(c.CostCenter), nil)
	}
}

// Stacks are the app's stacks.
type Stacks struct {
	OrderFulfillment *OrderFulfillmentStack
	ETL              *ETLStack
	ImageProcessing  *ImageProcessingStack
}

// Build adds every stack to app. It does not apply cdk-nag: the caller
// does (cdkapp.Main, synthtest.Synth), once for the whole app.
func Build(app awscdk.App, cfg Config) Stacks {
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	s := Stacks{
		OrderFulfillment: NewOrderFulfillmentStack(app, OrderFulfillmentStackID, cfg),
		ETL:              NewETLStack(app, ETLStackID, cfg),
		ImageProcessing:  NewImageProcessingStack(app, ImageProcessingStackID, cfg),
	}
	return s
}

func strOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return jsii.String(s)
}
