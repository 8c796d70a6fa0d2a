// Package payments charges and refunds orders: the ProcessPayment step and the
// RefundPayment compensation of the order-fulfillment workflow.
//
// Both are idempotent on the order id. A charge is sent to the Provider with
// the order id as its idempotency key, so a retried step never charges twice,
// and its outcome is kept in a Ledger so a retry returns the first answer.
package payments

import (
	"context"
	"errors"
	"fmt"
)

// Status is the state of an order's payment in the ledger.
type Status string

// Payment statuses.
const (
	StatusCharged  Status = "CHARGED"
	StatusDeclined Status = "DECLINED"
	StatusRefunded Status = "REFUNDED"
)

// Record is an order's payment as kept in the ledger.
type Record struct {
	OrderID       string `json:"orderId" dynamodbav:"orderId"`
	PaymentID     string `json:"paymentId,omitempty" dynamodbav:"paymentId,omitempty"`
	AmountCents   int64  `json:"amountCents" dynamodbav:"amountCents"`
	Status        Status `json:"status" dynamodbav:"status"`
	DeclineReason string `json:"declineReason,omitempty" dynamodbav:"declineReason,omitempty"`
}

// Ledger stores one payment Record per order.
type Ledger interface {
	// Get returns the order's record, or nil if there is none.
	Get(ctx context.Context, orderID string) (*Record, error)
	// Create stores r unless the order already has a record, in which case it
	// returns the existing record and stores nothing.
	Create(ctx context.Context, r Record) (existing *Record, err error)
	// MarkRefunded moves a CHARGED record to REFUNDED. It returns
	// ErrNotCharged if the record is missing or in another status.
	MarkRefunded(ctx context.Context, orderID string) error
}

// ErrNotCharged is returned by Ledger.MarkRefunded for a record that is not
// CHARGED.
var ErrNotCharged = errors.New("payment is not in status CHARGED")

// PaymentDeclined is returned when the provider refuses the charge. The
// workflow catches it by this type name and ends in PaymentFailed.
type PaymentDeclined struct {
	OrderID string
	Reason  string
}

func (e *PaymentDeclined) Error() string {
	return fmt.Sprintf("payment for order %s declined: %s", e.OrderID, e.Reason)
}

// InvalidPaymentRequest is returned for an event the handler cannot act on.
type InvalidPaymentRequest struct{ Reason string }

func (e *InvalidPaymentRequest) Error() string { return "invalid payment request: " + e.Reason }

// PaymentConflict is returned when an order id is charged again with a
// different amount: a bug or tampering, never something to retry.
type PaymentConflict struct {
	OrderID                  string
	ChargedCents, AskedCents int64
}

func (e *PaymentConflict) Error() string {
	return fmt.Sprintf("order %s was already charged %d cents; refusing a charge of %d cents", e.OrderID, e.ChargedCents, e.AskedCents)
}

// ProviderUnavailable is a transient provider failure; the workflow retries it.
type ProviderUnavailable struct{ Cause error }

func (e *ProviderUnavailable) Error() string {
	return "payment provider unavailable: " + e.Cause.Error()
}
func (e *ProviderUnavailable) Unwrap() error { return e.Cause }
