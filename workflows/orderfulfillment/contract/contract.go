// Package contract is the order-fulfillment workflow's contract: its state
// names, the error names its handlers raise, the paths of its data and the
// environment variables of its functions. The state graph (package
// orderfulfillment), the construct, the handlers, the tests and the local
// engine all use these constants. It imports neither the CDK nor the AWS
// SDK.
package contract

// Environment variables of the workflow's functions: the construct sets
// them, each handler's EnvFrom reads them.
const (
	EnvPaymentsTable     = "PAYMENTS_TABLE"     // ProcessPayment, RefundPayment: the payment ledger's table name
	EnvInventoryTable    = "INVENTORY_TABLE"    // ReserveInventory, ReleaseInventory: stock by sku
	EnvReservationsTable = "RESERVATIONS_TABLE" // ReserveInventory, ReleaseInventory: reservations by orderId
)

// Task states, in the order of the happy path, then the compensations.
const (
	StateValidateOrder        = "ValidateOrder"
	StateRecordOrderReceived  = "RecordOrderReceived"
	StateRequestApproval      = "RequestApproval"
	StateProcessPayment       = "ProcessPayment"
	StateReserveInventory     = "ReserveInventory"
	StateShipOrder            = "ShipOrder"
	StateRecordOrderCompleted = "RecordOrderCompleted"
	StateSendConfirmation     = "SendConfirmation"

	StateReleaseInventory        = "ReleaseInventory"
	StateRefundPayment           = "RefundPayment"
	StateRecordOrderFailed       = "RecordOrderFailed"
	StateNotifyCustomerOfFailure = "NotifyCustomerOfFailure"
)

// Choice states.
const (
	StateNeedsApproval   = "NeedsApproval"
	StateClassifyFailure = "ClassifyFailure"
)

// Terminal states. Each Fail state's Error is its own name.
const (
	StateOrderCompleted       = "OrderCompleted" // Succeed
	StateOrderRejected        = "OrderRejected"
	StateOrderNotApproved     = "OrderNotApproved"
	StatePaymentFailed        = "PaymentFailed"
	StateInventoryUnavailable = "InventoryUnavailable"
	StateShippingFailed       = "ShippingFailed"
	StateOrderFailed          = "OrderFailed"
	StateCompensationFailed   = "CompensationFailed"
)

// Errors raised by the workflow's handlers, as matched in ErrorEquals. Each
// is the Go type name of the handler's error (aws-lambda-go reports it as
// errorType), except ErrorApprovalRejected, which the approval callback sends
// with SendTaskFailure.
const (
	ErrorInvalidOrder            = "InvalidOrder"
	ErrorApprovalRejected        = "ApprovalRejected"
	ErrorPaymentDeclined         = "PaymentDeclined"
	ErrorProviderUnavailable     = "ProviderUnavailable"
	ErrorOutOfStock              = "OutOfStock"
	ErrorInventoryBusy           = "InventoryBusy"
	ErrorCarrierUnavailable      = "CarrierUnavailable"
	ErrorInvalidPaymentRequest   = "InvalidPaymentRequest"
	ErrorInvalidInventoryRequest = "InvalidInventoryRequest"
)

// Predefined Step Functions errors the workflow handles.
const (
	ErrorAll              = "States.ALL"
	ErrorTaskFailed       = "States.TaskFailed"
	ErrorTimeout          = "States.Timeout"
	ErrorHeartbeatTimeout = "States.HeartbeatTimeout"
)

// Paths of the execution's data. After ValidateOrder the state is
// {"order": {...}}; each step adds its result under its own key, and each
// failed stage records its error under its own key, which is how
// ClassifyFailure knows which stage failed after the shared compensations.
const (
	PathOrder        = "$.order"
	PathOrderPayment = "$.order.payment" // {"method", "token"} until ProcessPayment; its output and its catchers' keep {"method"}
	PathApproval     = "$.approval"
	PathPayment      = "$.payment"
	PathReservation  = "$.reservation"
	PathShipment     = "$.shipment"
	PathRefund       = "$.refund"
	PathRelease      = "$.release"

	PathError             = "$.error" // validation and recording, before any side effect
	PathApprovalError     = "$.approvalError"
	PathPaymentError      = "$.paymentError"
	PathInventoryError    = "$.inventoryError"
	PathShippingError     = "$.shippingError"
	PathCompensationError = "$.compensationError"
	PathStatusError       = "$.statusError"
	PathNotificationError = "$.notificationError"
)
