package orderfulfillment

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctionstasks"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/gofunction"
	"github.com/sfnkit/sfnkit/constructs/statemachine"
	workflow "github.com/sfnkit/sfnkit/workflows/orderfulfillment"
	"github.com/sfnkit/sfnkit/workflows/orderfulfillment/contract"
	"github.com/sfnkit/sfnkit/workflows/retry"
)

// Order statuses the workflow writes to the orders table.
const (
	StatusReceived  = "RECEIVED"
	StatusCompleted = "COMPLETED"
	StatusFailed    = "FAILED"
)

// Customer events published to the customer topic, in the "event" attribute.
const (
	EventOrderConfirmed = "OrderConfirmed"
	EventOrderFailed    = "OrderFailed"
)

// newTasks creates the workflow's Task states with the payloads and result
// paths of the workflow's data contract (workflow.Path*).
func newTasks(scope constructs.Construct, o *OrderFulfillment, p Props) workflow.Tasks {
	order := func(field string) *string {
		return awsstepfunctions.JsonPath_StringAt(jsii.String(contract.PathOrder + "." + field))
	}
	lambdaTask := func(id string, fn *taskFunction, payload map[string]interface{}, resultPath string) awsstepfunctionstasks.LambdaInvoke {
		var input awsstepfunctions.TaskInput
		if payload != nil {
			input = awsstepfunctions.TaskInput_FromObject(&payload)
		}
		return statemachine.NewLambdaTask(scope, id, &statemachine.LambdaTaskProps{
			Function: fn.Function.Function, FunctionTimeout: fn.Function.Timeout, Payload: input, ResultPath: resultPath, RetryPolicy: fn.retry,
		})
	}
	byOrderID := map[string]interface{}{"orderId": order("orderId")}

	return workflow.Tasks{
		ValidateOrder: lambdaTask(contract.StateValidateOrder, standard(o.Functions.ValidateOrder), nil, "$"),
		RecordOrderReceived: awsstepfunctionstasks.NewDynamoPutItem(scope, jsii.String(contract.StateRecordOrderReceived), &awsstepfunctionstasks.DynamoPutItemProps{
			Table: o.Tables.Orders,
			Item: &map[string]awsstepfunctionstasks.DynamoAttributeValue{
				"orderId":      awsstepfunctionstasks.DynamoAttributeValue_FromString(order("orderId")),
				"customerId":   awsstepfunctionstasks.DynamoAttributeValue_FromString(order("customerId")),
				"email":        awsstepfunctionstasks.DynamoAttributeValue_FromString(order("email")),
				"totalCents":   awsstepfunctionstasks.DynamoAttributeValue_NumberFromString(awsstepfunctions.JsonPath_Format(jsii.String("{}"), order("totalCents"))),
				"status":       awsstepfunctionstasks.DynamoAttributeValue_FromString(jsii.String(StatusReceived)),
				"executionArn": awsstepfunctionstasks.DynamoAttributeValue_FromString(awsstepfunctions.JsonPath_ExecutionId()),
				"updatedAt":    awsstepfunctionstasks.DynamoAttributeValue_FromString(awsstepfunctions.JsonPath_StringAt(jsii.String("$$.State.EnteredTime"))),
			},
			ResultPath:  awsstepfunctions.JsonPath_DISCARD(),
			TaskTimeout: statemachine.ServiceTaskTimeout(),
		}),
		RequestApproval: awsstepfunctionstasks.NewSqsSendMessage(scope, jsii.String(contract.StateRequestApproval), &awsstepfunctionstasks.SqsSendMessageProps{
			Queue:              o.ApprovalQueue,
			IntegrationPattern: awsstepfunctions.IntegrationPattern_WAIT_FOR_TASK_TOKEN,
			MessageBody: awsstepfunctions.TaskInput_FromObject(&map[string]interface{}{
				"taskToken":   awsstepfunctions.JsonPath_TaskToken(),
				"orderId":     order("orderId"),
				"customerId":  order("customerId"),
				"totalCents":  awsstepfunctions.JsonPath_NumberAt(jsii.String(contract.PathOrder + ".totalCents")),
				"items":       awsstepfunctions.JsonPath_ListAt(jsii.String(contract.PathOrder + ".items")),
				"executionId": awsstepfunctions.JsonPath_ExecutionId(),
			}),
			HeartbeatTimeout: awsstepfunctions.Timeout_Duration(awscdk.Duration_Seconds(jsii.Number(p.ApprovalHeartbeat.Seconds()))),
			TaskTimeout:      awsstepfunctions.Timeout_Duration(awscdk.Duration_Seconds(jsii.Number(p.ApprovalTimeout.Seconds()))),
			ResultPath:       jsii.String(contract.PathApproval),
		}),
		// A JSONata state, whose output and catchers drop the payment token.
		ProcessPayment: statemachine.NewLambdaTask(scope, contract.StateProcessPayment, &statemachine.LambdaTaskProps{
			Function: o.Functions.ProcessPayment.Function, FunctionTimeout: o.Functions.ProcessPayment.Timeout,
			QueryLanguage: awsstepfunctions.QueryLanguage_JSONATA,
			Payload: awsstepfunctions.TaskInput_FromObject(&map[string]interface{}{
				"orderId":     "{% $states.input.order.orderId %}",
				"amountCents": "{% $states.input.order.totalCents %}",
				"method":      "{% $states.input.order.payment.method %}",
				"token":       "{% $states.input.order.payment.token %}",
			}),
			Output: workflow.PaymentOutput,
		}),
		ReserveInventory: lambdaTask(contract.StateReserveInventory, standard(o.Functions.ReserveInventory), map[string]interface{}{
			"orderId": order("orderId"),
			"items":   awsstepfunctions.JsonPath_ListAt(jsii.String(contract.PathOrder + ".items")),
		}, contract.PathReservation),
		ShipOrder: lambdaTask(contract.StateShipOrder, standard(o.Functions.ShipOrder), map[string]interface{}{
			"orderId":         order("orderId"),
			"items":           awsstepfunctions.JsonPath_ListAt(jsii.String(contract.PathOrder + ".items")),
			"shippingAddress": awsstepfunctions.JsonPath_ObjectAt(jsii.String(contract.PathOrder + ".shippingAddress")),
		}, contract.PathShipment),
		RecordOrderCompleted: updateStatus(scope, contract.StateRecordOrderCompleted, o, StatusCompleted, map[string]awsstepfunctionstasks.DynamoAttributeValue{
			":tracking": awsstepfunctionstasks.DynamoAttributeValue_FromString(awsstepfunctions.JsonPath_StringAt(jsii.String(contract.PathShipment + ".trackingNumber"))),
		}, ", trackingNumber = :tracking"),
		SendConfirmation: notify(scope, contract.StateSendConfirmation, o, EventOrderConfirmed, map[string]interface{}{
			"trackingNumber": awsstepfunctions.JsonPath_StringAt(jsii.String(contract.PathShipment + ".trackingNumber")),
			"carrier":        awsstepfunctions.JsonPath_StringAt(jsii.String(contract.PathShipment + ".carrier")),
			"totalCents":     awsstepfunctions.JsonPath_NumberAt(jsii.String(contract.PathOrder + ".totalCents")),
		}),

		ReleaseInventory:        lambdaTask(contract.StateReleaseInventory, compensating(o.Functions.ReleaseInventory), byOrderID, contract.PathRelease),
		RefundPayment:           lambdaTask(contract.StateRefundPayment, compensating(o.Functions.RefundPayment), byOrderID, contract.PathRefund),
		RecordOrderFailed:       updateStatus(scope, contract.StateRecordOrderFailed, o, StatusFailed, nil, ""),
		NotifyCustomerOfFailure: notify(scope, contract.StateNotifyCustomerOfFailure, o, EventOrderFailed, nil),
	}
}

// taskFunction pairs a function with the retry policy of its task.
type taskFunction struct {
	Function *gofunction.Function
	retry    func(errors ...string) *awsstepfunctions.RetryProps
}

func standard(f *gofunction.Function) *taskFunction {
	return &taskFunction{Function: f, retry: retry.Standard}
}

func compensating(f *gofunction.Function) *taskFunction {
	return &taskFunction{Function: f, retry: retry.Compensation}
}

// updateStatus sets the order's status (and any extra attributes) in the
// orders table by a direct DynamoDB integration.
func updateStatus(scope constructs.Construct, id string, o *OrderFulfillment, status string,
	extraValues map[string]awsstepfunctionstasks.DynamoAttributeValue, extraSet string) awsstepfunctionstasks.DynamoUpdateItem {
	values := map[string]awsstepfunctionstasks.DynamoAttributeValue{
		":status": awsstepfunctionstasks.DynamoAttributeValue_FromString(jsii.String(status)),
		":now":    awsstepfunctionstasks.DynamoAttributeValue_FromString(awsstepfunctions.JsonPath_StringAt(jsii.String("$$.State.EnteredTime"))),
	}
	for k, v := range extraValues {
		values[k] = v
	}
	return awsstepfunctionstasks.NewDynamoUpdateItem(scope, jsii.String(id), &awsstepfunctionstasks.DynamoUpdateItemProps{
		Table: o.Tables.Orders,
		Key: &map[string]awsstepfunctionstasks.DynamoAttributeValue{
			"orderId": awsstepfunctionstasks.DynamoAttributeValue_FromString(awsstepfunctions.JsonPath_StringAt(jsii.String(contract.PathOrder + ".orderId"))),
		},
		UpdateExpression:          jsii.String("SET #status = :status, updatedAt = :now" + extraSet),
		ExpressionAttributeNames:  &map[string]*string{"#status": jsii.String("status")},
		ExpressionAttributeValues: &values,
		ResultPath:                awsstepfunctions.JsonPath_DISCARD(),
		TaskTimeout:               statemachine.ServiceTaskTimeout(),
	})
}

// notify publishes a customer event to the customer topic by a direct SNS
// integration; the event name is both a message field and an attribute
// subscribers can filter on.
func notify(scope constructs.Construct, id string, o *OrderFulfillment, event string, extra map[string]interface{}) awsstepfunctionstasks.SnsPublish {
	message := map[string]interface{}{
		"event":       event,
		"orderId":     awsstepfunctions.JsonPath_StringAt(jsii.String(contract.PathOrder + ".orderId")),
		"email":       awsstepfunctions.JsonPath_StringAt(jsii.String(contract.PathOrder + ".email")),
		"executionId": awsstepfunctions.JsonPath_ExecutionId(),
	}
	for k, v := range extra {
		message[k] = v
	}
	return awsstepfunctionstasks.NewSnsPublish(scope, jsii.String(id), &awsstepfunctionstasks.SnsPublishProps{
		Topic:   o.CustomerTopic,
		Message: awsstepfunctions.TaskInput_FromObject(&message),
		MessageAttributes: &map[string]*awsstepfunctionstasks.MessageAttribute{
			"event": {Value: jsii.String(event)},
		},
		ResultPath:  awsstepfunctions.JsonPath_DISCARD(),
		TaskTimeout: statemachine.ServiceTaskTimeout(),
	})
}
