package payments

import (
	"context"
	"errors"
	"sync"
	"testing"
)

// countingProvider wraps a Provider and counts the money it moved.
type countingProvider struct {
	inner            Provider
	mu               sync.Mutex
	charges, refunds int
}

func (p *countingProvider) Charge(ctx context.Context, req ChargeRequest) (ChargeResult, error) {
	p.mu.Lock()
	p.charges++
	p.mu.Unlock()
	return p.inner.Charge(ctx, req)
}

func (p *countingProvider) Refund(ctx context.Context, key string, amount int64) error {
	err := p.inner.Refund(ctx, key, amount)
	if err == nil {
		p.mu.Lock()
		p.refunds++
		p.mu.Unlock()
	}
	return err
}

func newService() (*Service, *countingProvider, *MemoryLedger) {
	provider := &countingProvider{inner: &Simulator{}}
	ledger := &MemoryLedger{}
	return &Service{Provider: provider, Ledger: ledger}, provider, ledger
}

func TestChargeIsIdempotent(t *testing.T) {
	ctx := context.Background()
	svc, provider, _ := newService()
	in := ChargeInput{OrderID: "ord-1", AmountCents: 4999, Method: "card", Token: "tok_visa"}

	first, err := svc.Charge(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	second, err := svc.Charge(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if first != second || first.Status != StatusCharged || first.PaymentID != SimulatedPaymentID("ord-1") {
		t.Errorf("receipts differ or wrong: %+v vs %+v", first, second)
	}
	if provider.charges != 1 {
		t.Errorf("provider charged %d times, want 1", provider.charges)
	}
}

func TestChargeConcurrentRetriesChargeOnce(t *testing.T) {
	ctx := context.Background()
	svc, _, ledger := newService()
	in := ChargeInput{OrderID: "ord-2", AmountCents: 100, Method: "card", Token: "tok_visa"}
	var wg sync.WaitGroup
	receipts := make([]Receipt, 16)
	for i := range receipts {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r, err := svc.Charge(ctx, in)
			if err != nil {
				t.Error(err)
			}
			receipts[i] = r
		}(i)
	}
	wg.Wait()
	for _, r := range receipts[1:] {
		if r != receipts[0] {
			t.Fatalf("concurrent attempts returned different receipts: %+v vs %+v", r, receipts[0])
		}
	}
	if rec, _ := ledger.Get(ctx, "ord-2"); rec == nil || rec.Status != StatusCharged {
		t.Errorf("ledger record = %+v", rec)
	}
}

func TestChargeDeclinedStaysDeclined(t *testing.T) {
	ctx := context.Background()
	svc, provider, _ := newService()
	in := ChargeInput{OrderID: "ord-3", AmountCents: 100, Method: "card", Token: "tok_decline"}
	for i := 0; i < 2; i++ {
		_, err := svc.Charge(ctx, in)
		var declined *PaymentDeclined
		if !errors.As(err, &declined) || declined.Reason != "card_declined" {
			t.Fatalf("attempt %d: err = %v, want *PaymentDeclined card_declined", i, err)
		}
	}
	if provider.charges != 1 {
		t.Errorf("provider asked %d times, want 1", provider.charges)
	}
}

func TestChargeRejects(t *testing.T) {
	ctx := context.Background()
	svc, _, _ := newService()
	if _, err := svc.Charge(ctx, ChargeInput{OrderID: "ord-4", AmountCents: 100, Token: "tok_visa"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   ChargeInput
		want any
	}{
		{"same order other amount", ChargeInput{OrderID: "ord-4", AmountCents: 1, Token: "tok_visa"}, new(*PaymentConflict)},
		{"negative amount", ChargeInput{OrderID: "ord-5", AmountCents: -1, Token: "tok_visa"}, new(*InvalidPaymentRequest)},
		{"empty order id", ChargeInput{AmountCents: 1, Token: "tok_visa"}, new(*InvalidPaymentRequest)},
		{"hostile order id", ChargeInput{OrderID: "x' OR 1=1", AmountCents: 1, Token: "tok_visa"}, new(*InvalidPaymentRequest)},
		{"provider down", ChargeInput{OrderID: "ord-6", AmountCents: 1, Token: "tok_unavailable"}, new(*ProviderUnavailable)},
		{"not a token", ChargeInput{OrderID: "ord-7", AmountCents: 1, Token: "4111111111111111"}, new(*PaymentDeclined)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.Charge(ctx, tt.in)
			if err == nil || !errors.As(err, tt.want) {
				t.Errorf("err = %v (%T), want %T", err, err, tt.want)
			}
		})
	}
}

func TestRefund(t *testing.T) {
	ctx := context.Background()
	svc, provider, ledger := newService()
	if _, err := svc.Charge(ctx, ChargeInput{OrderID: "ord-8", AmountCents: 700, Token: "tok_visa"}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		res, err := svc.Refund(ctx, RefundInput{OrderID: "ord-8"})
		if err != nil || !res.Refunded || res.AmountCents != 700 {
			t.Fatalf("refund %d = %+v, %v", i, res, err)
		}
	}
	if provider.refunds != 1 {
		t.Errorf("provider refunded %d times, want 1", provider.refunds)
	}
	if rec, _ := ledger.Get(ctx, "ord-8"); rec.Status != StatusRefunded {
		t.Errorf("status = %s, want REFUNDED", rec.Status)
	}

	// Nothing charged: a no-op, not an error.
	res, err := svc.Refund(ctx, RefundInput{OrderID: "never-charged"})
	if err != nil || res.Refunded {
		t.Errorf("refund of uncharged order = %+v, %v", res, err)
	}
	// Declined: nothing to give back.
	_, _ = svc.Charge(ctx, ChargeInput{OrderID: "ord-9", AmountCents: 5, Token: "tok_decline"})
	if res, err := svc.Refund(ctx, RefundInput{OrderID: "ord-9"}); err != nil || res.Refunded {
		t.Errorf("refund of declined order = %+v, %v", res, err)
	}
	var invalid *InvalidPaymentRequest
	if _, err := svc.Refund(ctx, RefundInput{OrderID: ""}); !errors.As(err, &invalid) {
		t.Errorf("refund without order id: %v", err)
	}
}

func TestRefundFindsChargeMissingFromLedger(t *testing.T) {
	// GIVEN a charge the provider took but whose ledger write was lost
	ctx := context.Background()
	svc, provider, _ := newService()
	if _, err := provider.Charge(ctx, ChargeRequest{IdempotencyKey: "ord-10", AmountCents: 50, Token: "tok_visa"}); err != nil {
		t.Fatal(err)
	}
	// WHEN the compensation runs THEN the money goes back
	res, err := svc.Refund(ctx, RefundInput{OrderID: "ord-10"})
	if err != nil || !res.Refunded || provider.refunds != 1 {
		t.Errorf("refund = %+v, %v, provider refunds %d", res, err, provider.refunds)
	}
}
