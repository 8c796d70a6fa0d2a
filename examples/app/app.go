// Package app is the example team's CDK app: its own loyalty workflow,
// and sfnkit's order workflow with the team's payment functions and its
// carrier's existing function. main.go synthesizes it; the tests check
// what it synthesizes.
package app

import (
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/gofunction"
	"github.com/sfnkit/sfnkit/constructs/orderfulfillment"
	"github.com/sfnkit/sfnkit/examples/workflow"
)

// Stack names of the app.
const (
	LoyaltyStack = "TeamLoyalty"
	OrdersStack  = "TeamOrders"
)

// PaymentsAPIURL is where the team's payment functions reach its payment
// service.
const PaymentsAPIURL = "https://payments.internal.example.com"

// CarrierFunctionArn is the carrier team's shipping function, which this
// team invokes but does not deploy.
const CarrierFunctionArn = "arn:aws:lambda:eu-west-1:123456789012:function:carrier-book-shipment"

// Build adds the team's stacks to app.
func Build(app awscdk.App) {
	loyalty := awscdk.NewStack(app, jsii.String(LoyaltyStack), nil)
	workflow.NewLoyalty(loyalty, "Loyalty", awscdk.RemovalPolicy_DESTROY)

	orders := awscdk.NewStack(app, jsii.String(OrdersStack), nil)
	paymentsEnv := map[string]string{"PAYMENTS_API_URL": PaymentsAPIURL}
	orderfulfillment.New(orders, "Orders", &orderfulfillment.Props{
		Handlers: orderfulfillment.Handlers{
			// The team's own Go functions, built from this module.
			ProcessPayment: gofunction.Handler{Entry: "./cmd/charge", Environment: paymentsEnv},
			RefundPayment:  gofunction.Handler{Entry: "./cmd/refund", Environment: paymentsEnv},
			// Another team's function, invoked as it is.
			ShipOrder: gofunction.Handler{
				Function: awslambda.Function_FromFunctionArn(orders, jsii.String("Carrier"), jsii.String(CarrierFunctionArn)),
				Timeout:  30 * time.Second,
			},
		},
		ApprovalThresholdCents: 50_000,
		ApprovalTimeout:        4 * time.Hour,
		RemovalPolicy:          awscdk.RemovalPolicy_DESTROY,
	})
}
