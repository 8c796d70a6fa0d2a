// Package orderfulfillment builds the order-fulfillment state graph:
// validation, approval by task token above a threshold, payment, all-or-
// nothing inventory reservation, shipping and confirmation, with saga
// compensation in reverse order when a step fails.
//
// The graph is built from tasks the caller creates (it knows the functions,
// tables and topics); this package decides the order, the transitions, and
// every Retry and Catch. Names and data paths are in package contract.
package orderfulfillment

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/workflows/orderfulfillment/contract"
	"github.com/sfnkit/sfnkit/workflows/retry"
)

// Tasks are the workflow's Task states, created by the caller with the
// resources they use. Each must have the construct id of its State* name.
type Tasks struct {
	ValidateOrder        awsstepfunctions.TaskStateBase // Lambda: the order → {"order": normalized order with totalCents}
	RecordOrderReceived  awsstepfunctions.TaskStateBase // DynamoDB: order status RECEIVED
	RequestApproval      awsstepfunctions.TaskStateBase // .waitForTaskToken to the approver → contract.PathApproval
	ProcessPayment       awsstepfunctions.TaskStateBase // Lambda, a JSONata state whose Output is PaymentOutput
	ReserveInventory     awsstepfunctions.TaskStateBase // Lambda → contract.PathReservation
	ShipOrder            awsstepfunctions.TaskStateBase // Lambda → contract.PathShipment
	RecordOrderCompleted awsstepfunctions.TaskStateBase // DynamoDB: order status COMPLETED
	SendConfirmation     awsstepfunctions.TaskStateBase // SNS publish, no Lambda

	ReleaseInventory        awsstepfunctions.TaskStateBase // Lambda, idempotent → contract.PathRelease
	RefundPayment           awsstepfunctions.TaskStateBase // Lambda, idempotent → contract.PathRefund
	RecordOrderFailed       awsstepfunctions.TaskStateBase // DynamoDB: order status FAILED
	NotifyCustomerOfFailure awsstepfunctions.TaskStateBase // SNS publish
}

// Props configures the workflow.
type Props struct {
	// Tasks are the workflow's Task states. All are required.
	Tasks Tasks
	// ApprovalThresholdCents sends orders whose totalCents is at least this
	// to RequestApproval. Must not be negative.
	ApprovalThresholdCents int64
}

// PaymentOutput is the JSONata Output of ProcessPayment: the state's input
// with the order's payment details ({"method", "token"}) reduced to the
// method, and the function's result at contract.PathPayment. With
// PaymentErrorOutput on its catchers, no state after ProcessPayment
// carries the customer's payment token, on any way out: the history and
// the console show every state's input and output.
var PaymentOutput = withoutPaymentToken(contract.PathPayment, "$states.result")

// PaymentErrorOutput is the JSONata Output of ProcessPayment's catchers:
// the state's input without the payment token, with the error output
// ({"Error", "Cause"}) at contract.PathPaymentError, where
// ClassifyFailure looks for it.
var PaymentErrorOutput = withoutPaymentToken(contract.PathPaymentError, "$states.errorOutput")

// withoutPaymentToken is the JSONata expression of the state's input
// without the payment token, with value (a JSONata expression) at path, a
// top-level path of package contract.
func withoutPaymentToken(path, value string) string {
	return fmt.Sprintf(`{%% $merge([$states.input, {"order": $merge([$states.input.order, {"payment": {"method": $states.input.order.payment.method}}]), %q: %s}]) %%}`,
		strings.TrimPrefix(path, "$."), value)
}

// Validate reports a missing or misnamed task, a ProcessPayment whose
// output would keep the payment token, or a negative threshold.
func (p *Props) Validate() error {
	if p == nil {
		return fmt.Errorf("orderfulfillment: Props is nil")
	}
	if p.ApprovalThresholdCents < 0 {
		return fmt.Errorf("orderfulfillment: Props.ApprovalThresholdCents is %d; it must be 0 or more cents", p.ApprovalThresholdCents)
	}
	for _, want := range p.Tasks.byName() {
		if want.task == nil {
			return fmt.Errorf("orderfulfillment: Props.Tasks.%s is nil: create the task and pass it", want.name)
		}
		if id := *want.task.Node().Id(); id != want.name {
			return fmt.Errorf("orderfulfillment: Props.Tasks.%s has construct id %q; give it the id %q so the state keeps its documented name", want.name, id, want.name)
		}
	}
	state := *p.Tasks.ProcessPayment.ToStateJson(awsstepfunctions.QueryLanguage_JSON_PATH)
	if state["QueryLanguage"] != "JSONata" || state["Output"] != PaymentOutput {
		return fmt.Errorf("orderfulfillment: Props.Tasks.ProcessPayment has QueryLanguage %v and Output %v; every later state would carry the payment token: "+
			"make it a JSONata state whose Output is orderfulfillment.PaymentOutput (statemachine.LambdaTaskProps{QueryLanguage: awsstepfunctions.QueryLanguage_JSONATA, Output: orderfulfillment.PaymentOutput})",
			state["QueryLanguage"], state["Output"])
	}
	return nil
}

type namedTask struct {
	name string
	task awsstepfunctions.TaskStateBase
}

func (t Tasks) byName() []namedTask {
	return []namedTask{
		{contract.StateValidateOrder, t.ValidateOrder}, {contract.StateRecordOrderReceived, t.RecordOrderReceived},
		{contract.StateRequestApproval, t.RequestApproval}, {contract.StateProcessPayment, t.ProcessPayment},
		{contract.StateReserveInventory, t.ReserveInventory}, {contract.StateShipOrder, t.ShipOrder},
		{contract.StateRecordOrderCompleted, t.RecordOrderCompleted}, {contract.StateSendConfirmation, t.SendConfirmation},
		{contract.StateReleaseInventory, t.ReleaseInventory}, {contract.StateRefundPayment, t.RefundPayment},
		{contract.StateRecordOrderFailed, t.RecordOrderFailed}, {contract.StateNotifyCustomerOfFailure, t.NotifyCustomerOfFailure},
	}
}

// Definition wires the tasks into the workflow and returns its first state.
// Invalid props panic with a message naming the prop and the fix.
//
// Retries: each task's transient errors with the standard policy; the
// compensations with the compensation policy, except errors of bad input.
// Catches: a failure before any money moved ends the execution; a failure
// after it runs the compensations of every completed step in reverse order,
// records the order FAILED, tells the customer, and ends in the Fail state
// that names the failed stage.
func Definition(scope constructs.Construct, props *Props) awsstepfunctions.IChainable {
	if err := props.Validate(); err != nil {
		panic(err)
	}
	t := props.Tasks
	end := newTerminals(scope)

	// The failure tail, shared by every stage: record, notify, classify.
	classify := awsstepfunctions.NewChoice(scope, jsii.String(contract.StateClassifyFailure), &awsstepfunctions.ChoiceProps{
		Comment: jsii.String("Ends in the Fail state of the stage that failed"),
	}).
		When(awsstepfunctions.Condition_IsPresent(jsii.String(contract.PathShippingError)), end.shippingFailed, nil).
		When(awsstepfunctions.Condition_IsPresent(jsii.String(contract.PathInventoryError)), end.inventoryUnavailable, nil).
		When(awsstepfunctions.Condition_IsPresent(jsii.String(contract.PathPaymentError)), end.paymentFailed, nil).
		When(awsstepfunctions.Condition_IsPresent(jsii.String(contract.PathApprovalError)), end.orderNotApproved, nil).
		Otherwise(end.orderFailed)
	bookkeeping(t.NotifyCustomerOfFailure, classify, contract.PathNotificationError)
	bookkeeping(t.RecordOrderFailed, t.NotifyCustomerOfFailure, contract.PathStatusError)

	// Compensations, in reverse order of the steps they undo.
	compensation(t.RefundPayment, t.RecordOrderFailed, end.compensationFailed, contract.ErrorInvalidPaymentRequest)
	compensation(t.ReleaseInventory, t.RefundPayment, end.compensationFailed, contract.ErrorInvalidInventoryRequest)

	// The happy path, from the end back to the start.
	bookkeeping(t.SendConfirmation, end.orderCompleted, contract.PathNotificationError)
	bookkeeping(t.RecordOrderCompleted, t.SendConfirmation, contract.PathStatusError)

	t.ShipOrder.AddRetry(retry.Standard(contract.ErrorCarrierUnavailable))
	catch(t.ShipOrder, t.ReleaseInventory, contract.PathShippingError, contract.ErrorAll)
	t.ShipOrder.Next(t.RecordOrderCompleted)

	t.ReserveInventory.AddRetry(retry.Standard(contract.ErrorInventoryBusy))
	catch(t.ReserveInventory, t.RefundPayment, contract.PathInventoryError, contract.ErrorOutOfStock) // nothing was reserved
	catch(t.ReserveInventory, t.ReleaseInventory, contract.PathInventoryError, contract.ErrorAll)     // a reservation may have committed
	t.ReserveInventory.Next(t.ShipOrder)

	// ProcessPayment is a JSONata state: its output (PaymentOutput) and
	// its catchers' drop the payment token, which no later state needs.
	t.ProcessPayment.AddRetry(retry.Standard(contract.ErrorProviderUnavailable))
	catchWithoutPaymentToken(t.ProcessPayment, t.RecordOrderFailed, contract.ErrorPaymentDeclined) // no money moved
	catchWithoutPaymentToken(t.ProcessPayment, t.RefundPayment, contract.ErrorAll)                 // money may have moved
	t.ProcessPayment.Next(t.ReserveInventory)

	t.RequestApproval.AddRetry(retry.Standard("SQS.AmazonSQSException", "SQS.SdkClientException"))
	catch(t.RequestApproval, t.RecordOrderFailed, contract.PathApprovalError, contract.ErrorApprovalRejected, contract.ErrorTimeout, contract.ErrorHeartbeatTimeout)
	catch(t.RequestApproval, t.RecordOrderFailed, contract.PathApprovalError, contract.ErrorAll)
	t.RequestApproval.Next(t.ProcessPayment)

	needsApproval := awsstepfunctions.NewChoice(scope, jsii.String(contract.StateNeedsApproval), &awsstepfunctions.ChoiceProps{
		Comment: jsii.String(fmt.Sprintf("Orders of %d cents or more wait for a person's approval", props.ApprovalThresholdCents)),
	}).
		When(awsstepfunctions.Condition_NumberGreaterThanEquals(jsii.String(contract.PathOrder+".totalCents"), jsii.Number(float64(props.ApprovalThresholdCents))), t.RequestApproval, nil).
		Otherwise(t.ProcessPayment)

	t.RecordOrderReceived.AddRetry(retry.Standard(contract.ErrorTaskFailed))
	catch(t.RecordOrderReceived, end.orderFailed, contract.PathError, contract.ErrorAll)
	t.RecordOrderReceived.Next(needsApproval)

	catch(t.ValidateOrder, end.orderRejected, contract.PathError, contract.ErrorInvalidOrder)
	catch(t.ValidateOrder, end.orderFailed, contract.PathError, contract.ErrorAll)
	t.ValidateOrder.Next(t.RecordOrderReceived)
	return t.ValidateOrder
}

// bookkeeping wires a status write or notification: every failure of these
// idempotent calls is retried, and one that persists is recorded at
// errorPath and does not change the order's outcome.
func bookkeeping(task awsstepfunctions.TaskStateBase, next awsstepfunctions.IChainable, errorPath string) {
	task.AddRetry(retry.Standard(contract.ErrorTaskFailed))
	catch(task, next, errorPath, contract.ErrorAll)
	task.Next(next)
}

// compensation wires an undo step: retried for hours except on bad input,
// and a compensation that cannot complete ends the execution in
// CompensationFailed for a person to finish (the failure alarm fires).
func compensation(task awsstepfunctions.TaskStateBase, next, failed awsstepfunctions.IChainable, badInput string) {
	task.AddRetry(retry.Never(badInput))
	task.AddRetry(retry.Compensation(contract.ErrorAll))
	catch(task, failed, contract.PathCompensationError, contract.ErrorAll)
	task.Next(next)
}

func catch(task awsstepfunctions.TaskStateBase, handler awsstepfunctions.IChainable, resultPath string, errors ...string) {
	task.AddCatch(handler, &awsstepfunctions.CatchProps{Errors: jsii.Strings(errors...), ResultPath: jsii.String(resultPath)})
}

// catchWithoutPaymentToken catches errors of the JSONata ProcessPayment to
// handler with PaymentErrorOutput.
func catchWithoutPaymentToken(task awsstepfunctions.TaskStateBase, handler awsstepfunctions.IChainable, errors ...string) {
	task.AddCatch(handler, &awsstepfunctions.CatchProps{Errors: jsii.Strings(errors...), Outputs: PaymentErrorOutput})
}

// terminals are the workflow's end states.
type terminals struct {
	orderCompleted                                      awsstepfunctions.Succeed
	orderRejected, orderFailed, orderNotApproved        awsstepfunctions.Fail
	paymentFailed, inventoryUnavailable, shippingFailed awsstepfunctions.Fail
	compensationFailed                                  awsstepfunctions.Fail
}

func newTerminals(scope constructs.Construct) terminals {
	fail := func(name, cause, causePath string) awsstepfunctions.Fail {
		props := &awsstepfunctions.FailProps{Error: jsii.String(name)}
		if causePath != "" {
			props.CausePath = jsii.String(causePath)
		} else {
			props.Cause = jsii.String(cause)
		}
		return awsstepfunctions.NewFail(scope, jsii.String(name), props)
	}
	return terminals{
		orderCompleted:       awsstepfunctions.NewSucceed(scope, jsii.String(contract.StateOrderCompleted), nil),
		orderRejected:        fail(contract.StateOrderRejected, "", contract.PathError+".Cause"),
		orderFailed:          fail(contract.StateOrderFailed, "An unexpected error stopped the order; its history shows where", ""),
		orderNotApproved:     fail(contract.StateOrderNotApproved, "The approver rejected the order or did not answer in time", ""),
		paymentFailed:        fail(contract.StatePaymentFailed, "The payment was declined or could not be completed; any charge was refunded", ""),
		inventoryUnavailable: fail(contract.StateInventoryUnavailable, "Not every item was in stock; the payment was refunded", ""),
		shippingFailed:       fail(contract.StateShippingFailed, "The order could not be shipped; stock was released and the payment refunded", ""),
		compensationFailed:   fail(contract.StateCompensationFailed, "", contract.PathCompensationError+".Cause"),
	}
}
