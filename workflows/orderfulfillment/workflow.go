package orderfulfillment

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/workflows/retry"
)

// Tasks are the workflow's Task states, created by the caller with the
// resources they use. Each must have the construct id of its State* name.
type Tasks struct {
	ValidateOrder        awsstepfunctions.TaskStateBase // Lambda: the order → {"order": normalized order with totalCents}
	RecordOrderReceived  awsstepfunctions.TaskStateBase // DynamoDB: order status RECEIVED
	RequestApproval      awsstepfunctions.TaskStateBase // .waitForTaskToken to the approver → PathApproval
	ProcessPayment       awsstepfunctions.TaskStateBase // Lambda → PathPayment
	ReserveInventory     awsstepfunctions.TaskStateBase // Lambda → PathReservation
	ShipOrder            awsstepfunctions.TaskStateBase // Lambda → PathShipment
	RecordOrderCompleted awsstepfunctions.TaskStateBase // DynamoDB: order status COMPLETED
	SendConfirmation     awsstepfunctions.TaskStateBase // SNS publish, no Lambda

	ReleaseInventory        awsstepfunctions.TaskStateBase // Lambda, idempotent → PathRelease
	RefundPayment           awsstepfunctions.TaskStateBase // Lambda, idempotent → PathRefund
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

// Validate reports a missing or misnamed task, or a negative threshold.
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
	return nil
}

type namedTask struct {
	name string
	task awsstepfunctions.TaskStateBase
}

func (t Tasks) byName() []namedTask {
	return []namedTask{
		{StateValidateOrder, t.ValidateOrder}, {StateRecordOrderReceived, t.RecordOrderReceived},
		{StateRequestApproval, t.RequestApproval}, {StateProcessPayment, t.ProcessPayment},
		{StateReserveInventory, t.ReserveInventory}, {StateShipOrder, t.ShipOrder},
		{StateRecordOrderCompleted, t.RecordOrderCompleted}, {StateSendConfirmation, t.SendConfirmation},
		{StateReleaseInventory, t.ReleaseInventory}, {StateRefundPayment, t.RefundPayment},
		{StateRecordOrderFailed, t.RecordOrderFailed}, {StateNotifyCustomerOfFailure, t.NotifyCustomerOfFailure},
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
	classify := awsstepfunctions.NewChoice(scope, jsii.String(StateClassifyFailure), &awsstepfunctions.ChoiceProps{
		Comment: jsii.String("Ends in the Fail state of the stage that failed"),
	}).
		When(awsstepfunctions.Condition_IsPresent(jsii.String(PathShippingError)), end.shippingFailed, nil).
		When(awsstepfunctions.Condition_IsPresent(jsii.String(PathInventoryError)), end.inventoryUnavailable, nil).
		When(awsstepfunctions.Condition_IsPresent(jsii.String(PathPaymentError)), end.paymentFailed, nil).
		When(awsstepfunctions.Condition_IsPresent(jsii.String(PathApprovalError)), end.orderNotApproved, nil).
		Otherwise(end.orderFailed)
	bookkeeping(t.NotifyCustomerOfFailure, classify, PathNotificationError)
	bookkeeping(t.RecordOrderFailed, t.NotifyCustomerOfFailure, PathStatusError)

	// Compensations, in reverse order of the steps they undo.
	compensation(t.RefundPayment, t.RecordOrderFailed, end.compensationFailed, ErrorInvalidPaymentRequest)
	compensation(t.ReleaseInventory, t.RefundPayment, end.compensationFailed, ErrorInvalidInventoryRequest)

	// The happy path, from the end back to the start.
	bookkeeping(t.SendConfirmation, end.orderCompleted, PathNotificationError)
	bookkeeping(t.RecordOrderCompleted, t.SendConfirmation, PathStatusError)

	t.ShipOrder.AddRetry(retry.Standard(ErrorCarrierUnavailable))
	catch(t.ShipOrder, t.ReleaseInventory, PathShippingError, ErrorAll)
	t.ShipOrder.Next(t.RecordOrderCompleted)

	t.ReserveInventory.AddRetry(retry.Standard(ErrorInventoryBusy))
	catch(t.ReserveInventory, t.RefundPayment, PathInventoryError, ErrorOutOfStock) // nothing was reserved
	catch(t.ReserveInventory, t.ReleaseInventory, PathInventoryError, ErrorAll)     // a reservation may have committed
	t.ReserveInventory.Next(t.ShipOrder)

	t.ProcessPayment.AddRetry(retry.Standard(ErrorProviderUnavailable))
	catch(t.ProcessPayment, t.RecordOrderFailed, PathPaymentError, ErrorPaymentDeclined) // no money moved
	catch(t.ProcessPayment, t.RefundPayment, PathPaymentError, ErrorAll)                 // money may have moved
	t.ProcessPayment.Next(t.ReserveInventory)

	t.RequestApproval.AddRetry(retry.Standard("SQS.AmazonSQSException", "SQS.SdkClientException"))
	catch(t.RequestApproval, t.RecordOrderFailed, PathApprovalError, ErrorApprovalRejected, ErrorTimeout, ErrorHeartbeatTimeout)
	catch(t.RequestApproval, t.RecordOrderFailed, PathApprovalError, ErrorAll)
	t.RequestApproval.Next(t.ProcessPayment)

	needsApproval := awsstepfunctions.NewChoice(scope, jsii.String(StateNeedsApproval), &awsstepfunctions.ChoiceProps{
		Comment: jsii.String(fmt.Sprintf("Orders of %d cents or more wait for a person's approval", props.ApprovalThresholdCents)),
	}).
		When(awsstepfunctions.Condition_NumberGreaterThanEquals(jsii.String(PathOrder+".totalCents"), jsii.Number(float64(props.ApprovalThresholdCents))), t.RequestApproval, nil).
		Otherwise(t.ProcessPayment)

	t.RecordOrderReceived.AddRetry(retry.Standard(ErrorTaskFailed))
	catch(t.RecordOrderReceived, end.orderFailed, PathError, ErrorAll)
	t.RecordOrderReceived.Next(needsApproval)

	catch(t.ValidateOrder, end.orderRejected, PathError, ErrorInvalidOrder)
	catch(t.ValidateOrder, end.orderFailed, PathError, ErrorAll)
	t.ValidateOrder.Next(t.RecordOrderReceived)
	return t.ValidateOrder
}

// bookkeeping wires a status write or notification: every failure of these
// idempotent calls is retried, and one that persists is recorded at
// errorPath and does not change the order's outcome.
func bookkeeping(task awsstepfunctions.TaskStateBase, next awsstepfunctions.IChainable, errorPath string) {
	task.AddRetry(retry.Standard(ErrorTaskFailed))
	catch(task, next, errorPath, ErrorAll)
	task.Next(next)
}

// compensation wires an undo step: retried for hours except on bad input,
// and a compensation that cannot complete ends the execution in
// CompensationFailed for a person to finish (the failure alarm fires).
func compensation(task awsstepfunctions.TaskStateBase, next, failed awsstepfunctions.IChainable, badInput string) {
	task.AddRetry(retry.Never(badInput))
	task.AddRetry(retry.Compensation(ErrorAll))
	catch(task, failed, PathCompensationError, ErrorAll)
	task.Next(next)
}

func catch(task awsstepfunctions.TaskStateBase, handler awsstepfunctions.IChainable, resultPath string, errors ...string) {
	task.AddCatch(handler, &awsstepfunctions.CatchProps{Errors: jsii.Strings(errors...), ResultPath: jsii.String(resultPath)})
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
		orderCompleted:       awsstepfunctions.NewSucceed(scope, jsii.String(StateOrderCompleted), nil),
		orderRejected:        fail(StateOrderRejected, "", PathError+".Cause"),
		orderFailed:          fail(StateOrderFailed, "An unexpected error stopped the order; its history shows where", ""),
		orderNotApproved:     fail(StateOrderNotApproved, "The approver rejected the order or did not answer in time", ""),
		paymentFailed:        fail(StatePaymentFailed, "The payment was declined or could not be completed; any charge was refunded", ""),
		inventoryUnavailable: fail(StateInventoryUnavailable, "Not every item was in stock; the payment was refunded", ""),
		shippingFailed:       fail(StateShippingFailed, "The order could not be shipped; stock was released and the payment refunded", ""),
		compensationFailed:   fail(StateCompensationFailed, "", PathCompensationError+".Cause"),
	}
}
