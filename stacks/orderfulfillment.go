package stacks

import (
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/gofunction"
	"github.com/sfnkit/sfnkit/constructs/orderfulfillment"
)

// OrderFulfillmentStack deploys the order-fulfillment workflow.
type OrderFulfillmentStack struct {
	awscdk.Stack
	Workflow *orderfulfillment.OrderFulfillment
}

// NewOrderFulfillmentStack defines the stack and its outputs.
func NewOrderFulfillmentStack(scope constructs.Construct, id string, cfg Config) *OrderFulfillmentStack {
	stack := awscdk.NewStack(scope, jsii.String(id), cfg.stackProps(id, "Order fulfillment: saga with approval by task token"))
	cfg.tag(stack, "orderfulfillment")
	wf := orderfulfillment.New(stack, "OrderFulfillment", &orderfulfillment.Props{
		Handlers:           cfg.Providers.handlers(stack),
		SimulatedProviders: cfg.Providers.simulated(),
		RemovalPolicy:      cfg.removalPolicy(),
	})
	output(stack, "StateMachineArn", wf.StateMachine.StateMachineArn(), "ARN of the order-fulfillment state machine")
	output(stack, "ApiUrl", wf.Api.RestApi.Url(), "Base URL of the orders API (POST /orders, POST /approvals; SigV4 auth)")
	output(stack, "ApprovalQueueUrl", wf.ApprovalQueue.QueueUrl(), "Queue of approval requests, each carrying its task token")
	output(stack, "AlarmTopicArn", wf.StateMachine.AlarmTopic.TopicArn(), "Subscribe on-call to this topic")
	return &OrderFulfillmentStack{Stack: stack, Workflow: wf}
}

// handlers takes the provider functions named by ARN; the ones left empty
// stay zero, for the simulators of a dev stage.
func (p Providers) handlers(scope constructs.Construct) orderfulfillment.Handlers {
	existing := func(id, arn string) gofunction.Handler {
		if arn == "" {
			return gofunction.Handler{}
		}
		return gofunction.Handler{
			Function: awslambda.Function_FromFunctionArn(scope, jsii.String(id), jsii.String(arn)),
			Timeout:  time.Duration(p.TimeoutSeconds) * time.Second,
		}
	}
	return orderfulfillment.Handlers{
		ProcessPayment: existing("PaymentProvider", p.PaymentFunctionArn),
		RefundPayment:  existing("RefundProvider", p.RefundFunctionArn),
		ShipOrder:      existing("Carrier", p.ShippingFunctionArn),
	}
}

func output(stack awscdk.Stack, id string, value *string, description string) {
	awscdk.NewCfnOutput(stack, jsii.String(id), &awscdk.CfnOutputProps{Value: value, Description: jsii.String(description)})
}
