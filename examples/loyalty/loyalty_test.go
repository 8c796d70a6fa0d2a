package loyalty

import (
	"errors"
	"testing"
)

func TestScorePurchase(t *testing.T) {
	tests := []struct {
		name string
		in   Purchase
		want int64
		err  bool
	}{
		{"a dollar a point", Purchase{SKU: "tv", Category: "electronics", AmountCents: 49_999}, 499, false},
		{"doubled category", Purchase{SKU: "novel", Category: "books", AmountCents: 1_250}, 24, false},
		{"under a dollar", Purchase{SKU: "gum", AmountCents: 99}, 0, false},
		{"refund", Purchase{SKU: "tv", AmountCents: -100}, 0, true},
		{"no sku", Purchase{AmountCents: 100}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ScorePurchase(tt.in)
			var invalid *InvalidPurchase
			if tt.err != errors.As(err, &invalid) {
				t.Fatalf("ScorePurchase(%+v) error = %v, want an InvalidPurchase: %v", tt.in, err, tt.err)
			}
			if got.Points != tt.want {
				t.Errorf("ScorePurchase(%+v) = %d points, want %d", tt.in, got.Points, tt.want)
			}
		})
	}
}
