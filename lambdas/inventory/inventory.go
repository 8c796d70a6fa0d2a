// Package inventory reserves and releases stock for an order: the
// ReserveInventory step and the ReleaseInventory compensation of the
// order-fulfillment workflow.
//
// A reservation is all or nothing: every line's stock is decremented under
// the condition stock >= quantity, together with a reservation record, in one
// transaction. The record makes both operations idempotent on the order id.
package inventory

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Line is a quantity of one SKU.
type Line struct {
	SKU      string `json:"sku" dynamodbav:"sku"`
	Quantity int64  `json:"quantity" dynamodbav:"quantity"`
}

// ReserveInput is the ReserveInventory event. Fields of the order other than
// the lines (prices) are ignored.
type ReserveInput struct {
	OrderID string `json:"orderId"`
	Items   []Line `json:"items"`
}

// Reservation is what ReserveInventory returns.
type Reservation struct {
	OrderID string `json:"orderId"`
	Lines   int    `json:"lines"`
	Units   int64  `json:"units"`
}

// ReleaseInput is the ReleaseInventory event.
type ReleaseInput struct {
	OrderID string `json:"orderId"`
}

// Release is what ReleaseInventory returns. Released is false when the order
// held no reservation (nothing was taken, or it was already given back).
type Release struct {
	Released bool   `json:"released"`
	Detail   string `json:"detail"`
}

// Store applies reservations atomically.
type Store interface {
	// Reserve takes every line's quantity from stock and records the
	// reservation, or changes nothing. Reserving an order again with the same
	// lines succeeds without taking stock twice.
	Reserve(ctx context.Context, orderID string, lines []Line) error
	// Release gives an order's reserved stock back once; it reports false if
	// there was no active reservation.
	Release(ctx context.Context, orderID string) (bool, error)
}

// OutOfStock is returned when at least one SKU lacks the quantity asked for.
// The workflow catches it by this type name and compensates.
type OutOfStock struct {
	OrderID string
	SKUs    []string
}

func (e *OutOfStock) Error() string {
	return fmt.Sprintf("order %s: not enough stock for %s", e.OrderID, strings.Join(e.SKUs, ", "))
}

// ReservationConflict is returned when an order id is reserved again with
// different lines: a bug or tampering, never something to retry.
type ReservationConflict struct{ OrderID string }

func (e *ReservationConflict) Error() string {
	return "order " + e.OrderID + " already holds a reservation with different lines"
}

// InventoryBusy is a transient conflict with a concurrent transaction on the
// same items; the workflow retries it.
type InventoryBusy struct{ OrderID string }

func (e *InventoryBusy) Error() string {
	return "order " + e.OrderID + ": inventory items are busy with another transaction"
}

// InvalidInventoryRequest is returned for an event the handler cannot act on.
type InvalidInventoryRequest struct{ Reason string }

func (e *InvalidInventoryRequest) Error() string { return "invalid inventory request: " + e.Reason }

// maxLines keeps a reservation inside one DynamoDB transaction (100 actions,
// one of them the reservation record).
const maxLines = 99

var (
	orderIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	skuPattern     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
)

// Service is the ReserveInventory and ReleaseInventory logic.
type Service struct {
	Store Store
}

// Reserve validates the lines and reserves them all or none.
func (s *Service) Reserve(ctx context.Context, in ReserveInput) (Reservation, error) {
	lines, err := normalize(in)
	if err != nil {
		return Reservation{}, err
	}
	if err := s.Store.Reserve(ctx, in.OrderID, lines); err != nil {
		return Reservation{}, err
	}
	res := Reservation{OrderID: in.OrderID, Lines: len(lines)}
	for _, l := range lines {
		res.Units += l.Quantity
	}
	return res, nil
}

// Release gives an order's stock back; calling it again is harmless.
func (s *Service) Release(ctx context.Context, in ReleaseInput) (Release, error) {
	if !orderIDPattern.MatchString(in.OrderID) {
		return Release{}, &InvalidInventoryRequest{Reason: fmt.Sprintf("orderId %.70q is not a valid order id", in.OrderID)}
	}
	released, err := s.Store.Release(ctx, in.OrderID)
	if err != nil {
		return Release{}, err
	}
	if !released {
		return Release{Detail: "no active reservation"}, nil
	}
	return Release{Released: true, Detail: "stock returned"}, nil
}

// normalize validates the input and merges lines of the same SKU, sorted so
// that the same order always produces the same transaction.
func normalize(in ReserveInput) ([]Line, error) {
	if !orderIDPattern.MatchString(in.OrderID) {
		return nil, &InvalidInventoryRequest{Reason: fmt.Sprintf("orderId %.70q is not a valid order id", in.OrderID)}
	}
	if len(in.Items) == 0 || len(in.Items) > maxLines {
		return nil, &InvalidInventoryRequest{Reason: fmt.Sprintf("an order needs 1 to %d lines, got %d", maxLines, len(in.Items))}
	}
	merged := make(map[string]int64, len(in.Items))
	for i, l := range in.Items {
		if !skuPattern.MatchString(l.SKU) {
			return nil, &InvalidInventoryRequest{Reason: fmt.Sprintf("items[%d].sku %.70q is not a valid SKU", i, l.SKU)}
		}
		if l.Quantity < 1 || l.Quantity > 1_000_000 {
			return nil, &InvalidInventoryRequest{Reason: fmt.Sprintf("items[%d].quantity %d must be between 1 and 1000000", i, l.Quantity)}
		}
		merged[l.SKU] += l.Quantity
	}
	lines := make([]Line, 0, len(merged))
	for sku, q := range merged {
		lines = append(lines, Line{SKU: sku, Quantity: q})
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].SKU < lines[j].SKU })
	return lines, nil
}

func sameLines(a, b []Line) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
