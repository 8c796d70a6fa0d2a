package orderfulfillment_test

import (
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/gofunction"
	"github.com/sfnkit/sfnkit/constructs/orderfulfillment"
)

// The whole order workflow with your own payment functions and an existing
// carrier function; the validator, inventory and approval handlers are
// this library's.
func ExampleNew() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Orders"), nil)
	orders := orderfulfillment.New(stack, "Orders", &orderfulfillment.Props{
		Handlers: orderfulfillment.Handlers{
			ProcessPayment: gofunction.Handler{Entry: "./cmd/charge"},
			RefundPayment:  gofunction.Handler{Entry: "./cmd/refund"},
			ShipOrder: gofunction.Handler{
				Function: awslambda.Function_FromFunctionArn(stack, jsii.String("Carrier"),
					jsii.String("arn:aws:lambda:eu-west-1:123456789012:function:book-shipment")),
				Timeout: 30 * time.Second,
			},
		},
		ApprovalThresholdCents: 50_000,
	})
	checkout := awsiam.NewRole(stack, jsii.String("Checkout"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("ecs-tasks.amazonaws.com"), nil),
	})
	orders.GrantSubmitOrder(checkout)
}

// For development, the deterministic payment and carrier simulators.
func ExampleNew_simulated() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("OrdersDev"), nil)
	orderfulfillment.New(stack, "Orders", &orderfulfillment.Props{
		SimulatedProviders: true,
		RemovalPolicy:      awscdk.RemovalPolicy_DESTROY,
	})
}
