package orders

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func validOrder() Order {
	return Order{
		OrderID:    "ord-1001",
		CustomerID: "cust-42",
		Email:      "ada@example.com",
		Items: []Item{
			{SKU: "SKU-B", Quantity: 2, UnitPriceCents: 1250},
			{SKU: "SKU-A", Quantity: 1, UnitPriceCents: 999},
		},
		Payment:         Payment{Method: "card", Token: "tok_visa"},
		ShippingAddress: &Address{Name: "Ada", Line1: "1 Main St", City: "Springfield", PostalCode: "12345", Country: "us"},
	}
}

func TestValidateComputesTotalAndNormalizes(t *testing.T) {
	// GIVEN an order with unsorted lines, a repeated SKU and a lower-case country
	in := validOrder()
	in.Items = append(in.Items, Item{SKU: "SKU-B", Quantity: 1, UnitPriceCents: 1250})
	in.TotalCents = 1 // a client-sent total must be ignored

	// WHEN it is validated
	out, err := Validate(in)

	// THEN lines are merged and sorted, the total is computed, the input is untouched
	if err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if out.TotalCents != 3*1250+999 {
		t.Errorf("TotalCents = %d, want %d", out.TotalCents, 3*1250+999)
	}
	if len(out.Items) != 2 || out.Items[0].SKU != "SKU-A" || out.Items[1].Quantity != 3 {
		t.Errorf("Items = %+v, want SKU-A then SKU-B x3", out.Items)
	}
	if out.ShippingAddress.Country != "US" || in.ShippingAddress.Country != "us" {
		t.Errorf("country: got %q, input now %q", out.ShippingAddress.Country, in.ShippingAddress.Country)
	}
	if len(in.Items) != 3 {
		t.Errorf("input items modified: %+v", in.Items)
	}
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Order)
		want   string
	}{
		{"no items", func(o *Order) { o.Items = nil }, "items must hold at least one line"},
		{"zero quantity", func(o *Order) { o.Items[0].Quantity = 0 }, "items[0].quantity 0"},
		{"negative price", func(o *Order) { o.Items[1].UnitPriceCents = -1 }, "items[1].unitPriceCents -1"},
		{"huge quantity", func(o *Order) { o.Items[0].Quantity = 1 << 62 }, "must be between 1 and 10000"},
		{"bad sku", func(o *Order) { o.Items[0].SKU = "../etc/passwd" }, `items[0].sku "../etc/passwd"`},
		{"conflicting prices", func(o *Order) { o.Items[1] = Item{SKU: "SKU-B", Quantity: 1, UnitPriceCents: 1} }, "different prices"},
		{"no address", func(o *Order) { o.ShippingAddress = nil }, "shippingAddress is required"},
		{"blank city", func(o *Order) { o.ShippingAddress.City = "  " }, "shippingAddress.city is required"},
		{"bad country", func(o *Order) { o.ShippingAddress.Country = "USA" }, "shippingAddress.country"},
		{"bad email", func(o *Order) { o.Email = "Ada <ada@example.com>" }, "email"},
		{"order id with space", func(o *Order) { o.OrderID = "a b" }, "orderId"},
		{"order id too long", func(o *Order) { o.OrderID = strings.Repeat("x", 65) }, "orderId"},
		{"unknown payment method", func(o *Order) { o.Payment.Method = "cash" }, "payment.method"},
		{"empty token", func(o *Order) { o.Payment.Token = "" }, "payment.token"},
		{"too many lines", func(o *Order) { o.Items = make([]Item, MaxLines+1) }, "at most 99"},
		{"total over limit", func(o *Order) {
			o.Items = nil
			for i := 0; i < 20; i++ {
				o.Items = append(o.Items, Item{SKU: "S" + string(rune('A'+i)), Quantity: MaxQuantity, UnitPriceCents: MaxUnitPriceCents})
			}
		}, "exceeds the limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := validOrder()
			tt.mutate(&o)
			_, err := Validate(o)
			var invalid *InvalidOrder
			if !errors.As(err, &invalid) {
				t.Fatalf("Validate error = %v, want *InvalidOrder", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestValidateReportsAllProblemsBounded(t *testing.T) {
	o := validOrder()
	o.Items = make([]Item, MaxLines) // every line is invalid
	_, err := Validate(o)
	var invalid *InvalidOrder
	if !errors.As(err, &invalid) {
		t.Fatalf("want *InvalidOrder, got %v", err)
	}
	if len(invalid.Problems) != maxProblemsReported+1 || !strings.Contains(invalid.Problems[maxProblemsReported], "more problems") {
		t.Errorf("problems = %d entries (%q), want %d plus a summary", len(invalid.Problems), invalid.Problems[len(invalid.Problems)-1], maxProblemsReported)
	}
}

func TestHandleMalformedJSON(t *testing.T) {
	inputs := []string{
		`null`, `[]`, `"order"`, `42`, `{`, `{"items": "many"}`, `{"items": [{"quantity": 1.5}]}`,
		`{"items": [{"quantity": 1e400}]}`, `{"shippingAddress": []}`, `{"orderId": {"$ne": null}}`,
		"{\"orderId\": \"\xff\xfe\"}",
	}
	for _, in := range inputs {
		_, err := Handler{}.Handle(context.Background(), json.RawMessage(in))
		var invalid *InvalidOrder
		if !errors.As(err, &invalid) {
			t.Errorf("Handle(%s) error = %v, want *InvalidOrder", in, err)
		}
	}
}

func TestHandleValid(t *testing.T) {
	raw, _ := json.Marshal(validOrder())
	got, err := Handler{}.Handle(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	if got.Order.TotalCents != 2*1250+999 {
		t.Errorf("total = %d", got.Order.TotalCents)
	}
}

func FuzzHandle(f *testing.F) {
	raw, _ := json.Marshal(validOrder())
	f.Add(raw)
	f.Add([]byte(`{"items":[{"sku":"A","quantity":9223372036854775807,"unitPriceCents":9223372036854775807}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := Handler{}.Handle(context.Background(), in)
		if err != nil {
			var invalid *InvalidOrder
			if !errors.As(err, &invalid) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		if out.Order.TotalCents < 0 || out.Order.TotalCents > MaxOrderTotalCents || len(out.Order.Items) == 0 {
			t.Fatalf("accepted order out of bounds: %+v", out.Order)
		}
	})
}
