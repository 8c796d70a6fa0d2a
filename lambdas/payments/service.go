package payments

import (
	"context"
	"errors"
	"fmt"
	"regexp"
)

// ChargeInput is the ProcessPayment event.
type ChargeInput struct {
	OrderID     string `json:"orderId"`
	AmountCents int64  `json:"amountCents"`
	Method      string `json:"method"`
	Token       string `json:"token"`
}

// Receipt is what ProcessPayment returns.
type Receipt struct {
	PaymentID   string `json:"paymentId"`
	AmountCents int64  `json:"amountCents"`
	Status      Status `json:"status"`
}

// RefundInput is the RefundPayment event.
type RefundInput struct {
	OrderID string `json:"orderId"`
}

// RefundResult is what RefundPayment returns. Refunded is false when there
// was nothing to refund (no charge was ever made).
type RefundResult struct {
	Refunded    bool   `json:"refunded"`
	AmountCents int64  `json:"amountCents"`
	Detail      string `json:"detail"`
}

var orderIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Service charges and refunds orders idempotently.
type Service struct {
	Provider Provider
	Ledger   Ledger
}

// Charge takes payment for an order once. A repeated call for the same order
// returns the first outcome: the same receipt, or the same *PaymentDeclined.
func (s *Service) Charge(ctx context.Context, in ChargeInput) (Receipt, error) {
	if !orderIDPattern.MatchString(in.OrderID) {
		return Receipt{}, &InvalidPaymentRequest{Reason: fmt.Sprintf("orderId %.70q is not a valid order id", in.OrderID)}
	}
	if in.AmountCents < 0 {
		return Receipt{}, &InvalidPaymentRequest{Reason: fmt.Sprintf("amountCents %d is negative", in.AmountCents)}
	}
	existing, err := s.Ledger.Get(ctx, in.OrderID)
	if err != nil {
		return Receipt{}, fmt.Errorf("reading payment ledger: %w", err)
	}
	if existing != nil {
		return outcome(*existing, in.AmountCents)
	}

	result, err := s.Provider.Charge(ctx, ChargeRequest{
		IdempotencyKey: in.OrderID, AmountCents: in.AmountCents, Method: in.Method, Token: in.Token,
	})
	if err != nil {
		return Receipt{}, &ProviderUnavailable{Cause: err}
	}
	record := Record{OrderID: in.OrderID, AmountCents: in.AmountCents, PaymentID: result.PaymentID, Status: StatusCharged}
	if !result.Approved {
		record.Status, record.DeclineReason = StatusDeclined, result.DeclineReason
	}
	// A concurrent attempt may have written first; its record wins.
	if existing, err = s.Ledger.Create(ctx, record); err != nil {
		return Receipt{}, fmt.Errorf("writing payment ledger: %w", err)
	}
	if existing != nil {
		record = *existing
	}
	return outcome(record, in.AmountCents)
}

func outcome(r Record, askedCents int64) (Receipt, error) {
	if r.AmountCents != askedCents {
		return Receipt{}, &PaymentConflict{OrderID: r.OrderID, ChargedCents: r.AmountCents, AskedCents: askedCents}
	}
	switch r.Status {
	case StatusCharged:
		return Receipt{PaymentID: r.PaymentID, AmountCents: r.AmountCents, Status: r.Status}, nil
	case StatusDeclined:
		return Receipt{}, &PaymentDeclined{OrderID: r.OrderID, Reason: r.DeclineReason}
	default:
		return Receipt{}, &PaymentDeclined{OrderID: r.OrderID, Reason: "the payment was already " + string(r.Status)}
	}
}

// Refund returns an order's money. It is safe to repeat and safe to call for
// an order that was never charged: the compensation path calls it whenever
// the charge may have happened.
func (s *Service) Refund(ctx context.Context, in RefundInput) (RefundResult, error) {
	if !orderIDPattern.MatchString(in.OrderID) {
		return RefundResult{}, &InvalidPaymentRequest{Reason: fmt.Sprintf("orderId %.70q is not a valid order id", in.OrderID)}
	}
	record, err := s.Ledger.Get(ctx, in.OrderID)
	if err != nil {
		return RefundResult{}, fmt.Errorf("reading payment ledger: %w", err)
	}
	if record == nil {
		// The charge may have succeeded at the provider before the ledger
		// write was lost; the provider knows it by its idempotency key.
		err := s.Provider.Refund(ctx, in.OrderID, 0)
		if errors.Is(err, ErrNoSuchCharge) {
			return RefundResult{Detail: "no payment was taken"}, nil
		}
		if err != nil {
			return RefundResult{}, &ProviderUnavailable{Cause: err}
		}
		return RefundResult{Refunded: true, Detail: "refunded a charge missing from the ledger"}, nil
	}
	switch record.Status {
	case StatusDeclined:
		return RefundResult{Detail: "the payment was declined; nothing to refund"}, nil
	case StatusRefunded:
		return RefundResult{Refunded: true, AmountCents: record.AmountCents, Detail: "already refunded"}, nil
	}
	if err := s.Provider.Refund(ctx, in.OrderID, record.AmountCents); err != nil && !errors.Is(err, ErrNoSuchCharge) {
		return RefundResult{}, &ProviderUnavailable{Cause: err}
	}
	if err := s.Ledger.MarkRefunded(ctx, in.OrderID); err != nil && !errors.Is(err, ErrNotCharged) {
		return RefundResult{}, fmt.Errorf("recording refund: %w", err)
	}
	return RefundResult{Refunded: true, AmountCents: record.AmountCents, Detail: "refunded"}, nil
}
