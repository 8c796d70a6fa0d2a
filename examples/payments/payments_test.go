package payments

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestChargeMapsTheServiceOntoTheWorkflowsErrors(t *testing.T) {
	var keys []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		var req ChargeRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		switch req.Token {
		case "tok_ok":
			_ = json.NewEncoder(w).Encode(Result{OrderID: req.OrderID, PaymentID: "pay_1", AmountCents: req.AmountCents, Status: "CHARGED"})
		case "tok_declined":
			w.WriteHeader(http.StatusPaymentRequired)
			_, _ = w.Write([]byte(`{"reason":"insufficient_funds"}`))
		default:
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	s := &Service{BaseURL: srv.URL}
	ctx := context.Background()

	got, err := s.Charge(ctx, ChargeRequest{OrderID: "o-1", AmountCents: 4500, Token: "tok_ok"})
	if err != nil || got.PaymentID != "pay_1" || got.AmountCents != 4500 {
		t.Errorf("Charge = %+v, %v", got, err)
	}
	var declined *PaymentDeclined
	if _, err := s.Charge(ctx, ChargeRequest{OrderID: "o-2", AmountCents: 1, Token: "tok_declined"}); !errors.As(err, &declined) || declined.Reason != "insufficient_funds" {
		t.Errorf("a declined card gave %v, want PaymentDeclined with the reason", err)
	}
	var unavailable *ProviderUnavailable
	if _, err := s.Charge(ctx, ChargeRequest{OrderID: "o-3", AmountCents: 1, Token: "tok_down"}); !errors.As(err, &unavailable) {
		t.Errorf("a 503 gave %v, want ProviderUnavailable", err)
	}
	var invalid *InvalidPaymentRequest
	if _, err := s.Charge(ctx, ChargeRequest{OrderID: "o-4", AmountCents: 0, Token: "tok_ok"}); !errors.As(err, &invalid) {
		t.Errorf("a zero amount gave %v, want InvalidPaymentRequest", err)
	}
	if len(keys) != 3 || keys[0] != "o-1" || keys[2] != "o-3" {
		t.Errorf("idempotency keys = %v, want the order ids of the three calls that reached the service", keys)
	}
}
