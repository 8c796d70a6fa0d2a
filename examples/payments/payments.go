// Package payments is the example team's payment function for the order
// workflow: it charges and refunds through the team's own payment service
// over HTTP and answers in the workflow's payment contract, so the
// workflow's Retry and Catch work unchanged.
package payments

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// ChargeRequest is what the order workflow's ProcessPayment task sends.
type ChargeRequest struct {
	OrderID     string `json:"orderId"`
	AmountCents int64  `json:"amountCents"`
	Method      string `json:"method"`
	Token       string `json:"token"`
}

// RefundRequest is what the RefundPayment compensation sends.
type RefundRequest struct {
	OrderID string `json:"orderId"`
}

// Result is the payment record the workflow keeps at $.payment.
type Result struct {
	OrderID     string `json:"orderId"`
	PaymentID   string `json:"paymentId"`
	AmountCents int64  `json:"amountCents"`
	Status      string `json:"status"`
}

// PaymentDeclined is a card the payment service refused. Its type name is
// the error the workflow catches: no money moved, the order fails.
type PaymentDeclined struct{ OrderID, Reason string }

func (e *PaymentDeclined) Error() string {
	return fmt.Sprintf("payment for order %s declined: %s", e.OrderID, e.Reason)
}

// ProviderUnavailable is a payment service that did not answer; the
// workflow retries it with backoff.
type ProviderUnavailable struct{ Status int }

func (e *ProviderUnavailable) Error() string {
	return fmt.Sprintf("payment service unavailable: HTTP %d", e.Status)
}

// InvalidPaymentRequest is a request the function refuses before calling
// the service.
type InvalidPaymentRequest struct{ Reason string }

func (e *InvalidPaymentRequest) Error() string { return "invalid payment request: " + e.Reason }

// Service calls the team's payment service at BaseURL. Every call carries
// the order id as its idempotency key, so the workflow's retries never
// charge twice.
type Service struct {
	BaseURL string
	Client  *http.Client
}

// Charge charges req.AmountCents for req.OrderID.
func (s *Service) Charge(ctx context.Context, req ChargeRequest) (Result, error) {
	switch {
	case req.OrderID == "":
		return Result{}, &InvalidPaymentRequest{Reason: "orderId is empty"}
	case req.AmountCents <= 0:
		return Result{}, &InvalidPaymentRequest{Reason: fmt.Sprintf("amountCents is %d; it must be positive", req.AmountCents)}
	case req.Token == "":
		return Result{}, &InvalidPaymentRequest{Reason: "token is empty"}
	}
	return s.call(ctx, "/charges", req.OrderID, req)
}

// Refund refunds the payment of req.OrderID; refunding twice is a no-op on
// the service's side.
func (s *Service) Refund(ctx context.Context, req RefundRequest) (Result, error) {
	if req.OrderID == "" {
		return Result{}, &InvalidPaymentRequest{Reason: "orderId is empty"}
	}
	return s.call(ctx, "/refunds", req.OrderID, req)
}

// call posts body to path and maps the service's answer onto the
// workflow's errors: 402 declined, 5xx and transport errors retryable.
func (s *Service) call(ctx context.Context, path, orderID string, body any) (Result, error) {
	payload, err := json.Marshal(body)
	if err != nil {
		return Result{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.BaseURL+path, bytes.NewReader(payload))
	if err != nil {
		return Result{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", orderID)
	client := s.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return Result{}, &ProviderUnavailable{}
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusPaymentRequired:
		var declined struct{ Reason string }
		_ = json.NewDecoder(resp.Body).Decode(&declined)
		return Result{}, &PaymentDeclined{OrderID: orderID, Reason: declined.Reason}
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return Result{}, &ProviderUnavailable{Status: resp.StatusCode}
	case resp.StatusCode != http.StatusOK:
		return Result{}, &InvalidPaymentRequest{Reason: fmt.Sprintf("the payment service answered HTTP %d", resp.StatusCode)}
	}
	var result Result
	if err := json.NewDecoder(resp.Body).Decode(&result); err != nil {
		return Result{}, &ProviderUnavailable{Status: resp.StatusCode}
	}
	return result, nil
}
