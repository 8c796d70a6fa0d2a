package payments

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// ChargeRequest asks a provider to take money once per IdempotencyKey.
type ChargeRequest struct {
	IdempotencyKey string
	AmountCents    int64
	Method         string
	Token          string
}

// ChargeResult is a provider's answer to a charge.
type ChargeResult struct {
	PaymentID     string
	Approved      bool
	DeclineReason string
}

// Provider is a payment service provider. Implementations must honour the
// idempotency key: the same key returns the same result and moves money once.
type Provider interface {
	Charge(ctx context.Context, req ChargeRequest) (ChargeResult, error)
	// Refund returns the money taken under chargeKey. It returns
	// ErrNoSuchCharge if nothing was charged under that key.
	Refund(ctx context.Context, chargeKey string, amountCents int64) error
}

// ErrNoSuchCharge is returned by Provider.Refund when there is nothing to refund.
var ErrNoSuchCharge = errors.New("no charge under that key")

// Simulator is the shipped Provider: deterministic and offline. It remembers
// the charges it approved in memory, so a refund in the same process finds its
// charge; a refund it has no memory of reports ErrNoSuchCharge, which callers
// treat as "nothing to give back".
//
// Tokens decide the outcome:
//   - "tok_decline" and "tok_insufficient_funds" are declined;
//   - "tok_unavailable" fails with a transient error (retried by the workflow);
//   - any other token starting with "tok_" is approved;
//   - anything else is declined as "invalid_token".
//
// The zero value is ready to use and safe for concurrent use.
type Simulator struct {
	mu      sync.Mutex
	charged map[string]int64
}

var _ Provider = (*Simulator)(nil)

// Charge implements Provider.
func (s *Simulator) Charge(_ context.Context, req ChargeRequest) (ChargeResult, error) {
	switch {
	case req.Token == "tok_unavailable":
		return ChargeResult{}, errors.New("simulated provider outage")
	case req.Token == "tok_decline":
		return ChargeResult{DeclineReason: "card_declined"}, nil
	case req.Token == "tok_insufficient_funds":
		return ChargeResult{DeclineReason: "insufficient_funds"}, nil
	case !strings.HasPrefix(req.Token, "tok_"):
		return ChargeResult{DeclineReason: "invalid_token"}, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.charged == nil {
		s.charged = make(map[string]int64)
	}
	s.charged[req.IdempotencyKey] = req.AmountCents
	return ChargeResult{PaymentID: SimulatedPaymentID(req.IdempotencyKey), Approved: true}, nil
}

// Refund implements Provider.
func (s *Simulator) Refund(_ context.Context, chargeKey string, _ int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.charged[chargeKey]; !ok {
		return fmt.Errorf("refund under key %q: %w", chargeKey, ErrNoSuchCharge)
	}
	delete(s.charged, chargeKey)
	return nil
}

// SimulatedPaymentID is the payment id the Simulator gives a charge key.
func SimulatedPaymentID(chargeKey string) string {
	sum := sha256.Sum256([]byte(chargeKey))
	return "pay_" + hex.EncodeToString(sum[:8])
}
