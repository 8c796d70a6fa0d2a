package inventory

import (
	"context"
	"sync"
)

// MemoryStore is an in-memory Store with the same all-or-nothing semantics
// as DynamoStore, for tests and local runs. The zero value is an empty
// warehouse; it is safe for concurrent use.
type MemoryStore struct {
	mu           sync.Mutex
	stock        map[string]int64
	reservations map[string]memoryReservation
}

type memoryReservation struct {
	lines    []Line
	released bool
}

var _ Store = (*MemoryStore)(nil)

// SetStock sets the units on hand of a SKU.
func (m *MemoryStore) SetStock(sku string, units int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stock == nil {
		m.stock = make(map[string]int64)
	}
	m.stock[sku] = units
}

// Stock returns the units on hand of a SKU.
func (m *MemoryStore) Stock(sku string) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.stock[sku]
}

// Reserve implements Store.
func (m *MemoryStore) Reserve(_ context.Context, orderID string, lines []Line) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r, ok := m.reservations[orderID]; ok {
		if r.released || !sameLines(r.lines, lines) {
			return &ReservationConflict{OrderID: orderID}
		}
		return nil
	}
	var short []string
	for _, l := range lines {
		if units, ok := m.stock[l.SKU]; !ok || units < l.Quantity {
			short = append(short, l.SKU)
		}
	}
	if len(short) > 0 {
		return &OutOfStock{OrderID: orderID, SKUs: short}
	}
	for _, l := range lines {
		m.stock[l.SKU] -= l.Quantity
	}
	if m.reservations == nil {
		m.reservations = make(map[string]memoryReservation)
	}
	m.reservations[orderID] = memoryReservation{lines: append([]Line(nil), lines...)}
	return nil
}

// Release implements Store.
func (m *MemoryStore) Release(_ context.Context, orderID string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.reservations[orderID]
	if !ok || r.released {
		return false, nil
	}
	for _, l := range r.lines {
		m.stock[l.SKU] += l.Quantity
	}
	r.released = true
	m.reservations[orderID] = r
	return true, nil
}
