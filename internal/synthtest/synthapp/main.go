// Command synthapp is the CDK app of one of the configurations the test
// packages share (synthtest.Shared runs it, as the CDK CLI runs an app:
// context and output directory in CDK_CONTEXT_JSON and CDK_OUTDIR). It
// builds the app with cdkapp.Main, the cdk-nag packs applied, as main.go
// does.
//
//	synthapp dev|prod|variants
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/cdkapp"
	"github.com/sfnkit/sfnkit/constructs/etl"
	"github.com/sfnkit/sfnkit/constructs/imageprocessing"
	"github.com/sfnkit/sfnkit/internal/synthtest"
	"github.com/sfnkit/sfnkit/stacks"
)

// configurations build the app of each synthtest.Configuration.
var configurations = map[string]func(app awscdk.App){
	synthtest.Dev.Name: func(app awscdk.App) {
		stacks.Build(app, stacks.ConfigFromContext(app)) // as main.go
	},
	synthtest.Prod.Name: func(app awscdk.App) {
		stacks.Build(app, prod)
	},
	synthtest.Variants.Name: func(app awscdk.App) {
		tuned := awscdk.NewStack(app, jsii.String(synthtest.EtlTunedStack), nil)
		etl.New(tuned, "Etl", &etl.Props{BatchSize: 50, MaxConcurrency: 20, ToleratedFailurePercentage: 5, Schedule: "rate(12 hours)", MaxRejectRatio: jsii.Number(0.01)})
		glue := awscdk.NewStack(app, jsii.String(synthtest.EtlGlueStack), nil)
		etl.New(glue, "Etl", &etl.Props{GlueJobName: jsii.String(synthtest.EtlGlueJob), DisableSchedule: true})
		model := awscdk.NewStack(app, jsii.String(synthtest.ImagesModelStack), nil)
		imageprocessing.New(model, "Images", &imageprocessing.Props{SageMakerEndpoint: synthtest.ImagesModelEndpoint, ThumbnailSizes: []int{64, 1024}, ModerationMinConfidence: 60})
	},
}

// prod is the prod stage with the real providers' ARNs it requires.
var prod = stacks.Config{Stage: stacks.StageProd, Account: synthtest.ProdAccount, Region: synthtest.ProdRegion, CostCenter: synthtest.ProdCostCenter,
	Providers: stacks.Providers{
		PaymentFunctionArn:  "arn:aws:lambda:eu-west-1:123456789012:function:payments-charge",
		RefundFunctionArn:   "arn:aws:lambda:eu-west-1:123456789012:function:payments-refund",
		ShippingFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:carrier-book",
		TimeoutSeconds:      30,
	}}

func main() {
	build, ok := configurations[argument()]
	if !ok {
		fmt.Fprintf(os.Stderr, "synthapp: no configuration %q; give dev, prod or variants\n", argument())
		os.Exit(2)
	}
	cdkapp.Main(build)
}

func argument() string {
	if len(os.Args) != 2 {
		return ""
	}
	return os.Args[1]
}
