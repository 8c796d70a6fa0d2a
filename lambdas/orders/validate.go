package orders

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// InvalidOrder is returned when an order cannot be fulfilled as submitted.
// The workflow catches it by this type name and ends in OrderRejected.
type InvalidOrder struct {
	// Problems lists what is wrong, at most 20 entries, in input order.
	Problems []string
}

func (e *InvalidOrder) Error() string {
	return "invalid order: " + strings.Join(e.Problems, "; ")
}

var (
	// orderIDPattern also keeps the id usable as a Step Functions execution
	// name, which the API trigger sets to the order id.
	orderIDPattern    = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	customerIDPattern = regexp.MustCompile(`^[A-Za-z0-9_.:@-]{1,128}$`)
	skuPattern        = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	countryPattern    = regexp.MustCompile(`^[A-Z]{2}$`)
	paymentMethods    = map[string]bool{"card": true, "wallet": true}
)

// Handler is the ValidateOrder Lambda. It needs no environment and calls
// nothing; its zero value is ready.
type Handler struct{}

// New builds the ValidateOrder function's handler, as every handler
// package's New does; it takes nothing because the handler needs nothing.
func New() *Handler { return &Handler{} }

// Handle decodes the raw execution input itself, so a malformed field
// becomes an InvalidOrder naming it rather than a runtime decode error.
func (Handler) Handle(_ context.Context, raw json.RawMessage) (Validated, error) {
	var order Order
	if err := json.Unmarshal(raw, &order); err != nil {
		return Validated{}, &InvalidOrder{Problems: []string{describeDecodeError(err)}}
	}
	normalized, err := Validate(order)
	if err != nil {
		return Validated{}, err
	}
	return Validated{Order: normalized}, nil
}

// Validate checks an order and returns it normalized: lines with the same SKU
// merged (their prices must agree), lines sorted by SKU, identifiers trimmed,
// the country upper-cased and TotalCents computed. It never modifies order.
// Every problem found is reported, up to a limit, in one *InvalidOrder.
func Validate(order Order) (Order, error) {
	var p problems
	out := order
	out.OrderID = strings.TrimSpace(order.OrderID)
	out.CustomerID = strings.TrimSpace(order.CustomerID)
	out.Email = strings.TrimSpace(order.Email)

	if !orderIDPattern.MatchString(out.OrderID) {
		p.add("orderId %s must be 1-64 letters, digits, '-' or '_'", quote(order.OrderID))
	}
	if !customerIDPattern.MatchString(out.CustomerID) {
		p.add("customerId %s must be 1-128 letters, digits or one of _.:@-", quote(order.CustomerID))
	}
	if addr, err := mail.ParseAddress(out.Email); err != nil || addr.Address != out.Email || len(out.Email) > 254 {
		p.add("email %s is not a plain e-mail address", quote(order.Email))
	}
	out.Payment = validatePayment(order.Payment, &p)
	out.ShippingAddress = validateAddress(order.ShippingAddress, &p)
	out.Items, out.TotalCents = validateItems(order.Items, &p)

	if err := p.err(); err != nil {
		return Order{}, err
	}
	return out, nil
}

func validatePayment(pay Payment, p *problems) Payment {
	pay.Method = strings.ToLower(strings.TrimSpace(pay.Method))
	if !paymentMethods[pay.Method] {
		p.add("payment.method %s must be one of card, wallet", quote(pay.Method))
	}
	if pay.Token == "" || len(pay.Token) > 256 || strings.ContainsAny(pay.Token, " \t\r\n") {
		p.add("payment.token must be a provider token of 1-256 characters without spaces")
	}
	return pay
}

func validateAddress(addr *Address, p *problems) *Address {
	if addr == nil {
		p.add("shippingAddress is required")
		return nil
	}
	a := *addr
	a.Country = strings.ToUpper(strings.TrimSpace(a.Country))
	for _, f := range []struct{ name, value string }{
		{"shippingAddress.name", a.Name},
		{"shippingAddress.line1", a.Line1},
		{"shippingAddress.city", a.City},
		{"shippingAddress.postalCode", a.PostalCode},
	} {
		if strings.TrimSpace(f.value) == "" {
			p.add("%s is required", f.name)
		} else if len(f.value) > 200 || !utf8.ValidString(f.value) {
			p.add("%s must be valid text of at most 200 bytes", f.name)
		}
	}
	if !countryPattern.MatchString(a.Country) {
		p.add("shippingAddress.country %s must be an ISO 3166-1 alpha-2 code such as \"US\"", quote(addr.Country))
	}
	return &a
}

func validateItems(items []Item, p *problems) ([]Item, int64) {
	if len(items) == 0 {
		p.add("items must hold at least one line")
		return nil, 0
	}
	if len(items) > MaxLines {
		p.add("items has %d lines; at most %d are allowed", len(items), MaxLines)
		return nil, 0
	}
	bySKU := make(map[string]Item, len(items))
	for i, it := range items {
		sku := strings.TrimSpace(it.SKU)
		field := fmt.Sprintf("items[%d]", i)
		if !skuPattern.MatchString(sku) {
			p.add("%s.sku %s must be 1-64 letters, digits or ._-", field, quote(it.SKU))
			continue
		}
		if it.Quantity < 1 || it.Quantity > MaxQuantity {
			p.add("%s.quantity %d must be between 1 and %d", field, it.Quantity, MaxQuantity)
			continue
		}
		if it.UnitPriceCents < 0 || it.UnitPriceCents > MaxUnitPriceCents {
			p.add("%s.unitPriceCents %d must be between 0 and %d", field, it.UnitPriceCents, MaxUnitPriceCents)
			continue
		}
		prev, seen := bySKU[sku]
		if seen && prev.UnitPriceCents != it.UnitPriceCents {
			p.add("%s.sku %q appears twice with different prices (%d and %d)", field, sku, prev.UnitPriceCents, it.UnitPriceCents)
			continue
		}
		prev.SKU, prev.UnitPriceCents = sku, it.UnitPriceCents
		prev.Quantity += it.Quantity
		bySKU[sku] = prev
	}

	merged := make([]Item, 0, len(bySKU))
	var total int64
	for _, it := range bySKU {
		if it.Quantity > MaxQuantity {
			p.add("sku %q totals quantity %d; at most %d are allowed", it.SKU, it.Quantity, MaxQuantity)
		}
		// Bounded by the limits above: MaxLines*MaxQuantity*MaxUnitPriceCents < 2^63.
		total += it.Quantity * it.UnitPriceCents
		merged = append(merged, it)
	}
	if total > MaxOrderTotalCents {
		p.add("order total %d cents exceeds the limit of %d", total, MaxOrderTotalCents)
	}
	sort.Slice(merged, func(i, j int) bool { return merged[i].SKU < merged[j].SKU })
	return merged, total
}

// problems collects validation messages, keeping the first few.
type problems struct {
	list    []string
	dropped int
}

func (p *problems) add(format string, args ...any) {
	if len(p.list) >= maxProblemsReported {
		p.dropped++
		return
	}
	p.list = append(p.list, fmt.Sprintf(format, args...))
}

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	list := p.list
	if p.dropped > 0 {
		list = append(list, fmt.Sprintf("and %d more problems", p.dropped))
	}
	return &InvalidOrder{Problems: list}
}

// quote shows a client-supplied value in a message, shortened so a huge
// hostile value cannot bloat the error.
func quote(s string) string {
	const max = 40
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "") + "…"
	}
	return fmt.Sprintf("%q", s)
}

func describeDecodeError(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return fmt.Sprintf("field %s must be %s, not a JSON %s", typeErr.Field, typeErr.Type.String(), typeErr.Value)
	}
	return "the order is not a JSON object: " + err.Error()
}
