// Package loyalty is the example team's scoring logic: how many loyalty
// points one purchase earns. Its main package is cmd/score; the workflow
// that calls it is built in package workflow.
package loyalty

import "fmt"

// Purchase is one line of a customer's purchases.
type Purchase struct {
	SKU         string `json:"sku"`
	Category    string `json:"category"`
	AmountCents int64  `json:"amountCents"`
}

// Score is what one purchase earns.
type Score struct {
	SKU    string `json:"sku"`
	Points int64  `json:"points"`
}

// InvalidPurchase is a purchase the workflow must not score; its type
// name is the error the workflow catches.
type InvalidPurchase struct{ Reason string }

func (e *InvalidPurchase) Error() string { return "invalid purchase: " + e.Reason }

// doubled are the categories that earn two points a dollar.
var doubled = map[string]bool{"books": true, "groceries": true}

// ScorePurchase earns one point per whole dollar, two in a doubled
// category. Refunds (negative amounts) are refused: they are not purchases.
func ScorePurchase(p Purchase) (Score, error) {
	if p.SKU == "" {
		return Score{}, &InvalidPurchase{Reason: "sku is empty"}
	}
	if p.AmountCents < 0 {
		return Score{}, &InvalidPurchase{Reason: fmt.Sprintf("amountCents of %s is %d; a purchase is not negative", p.SKU, p.AmountCents)}
	}
	points := p.AmountCents / 100
	if doubled[p.Category] {
		points *= 2
	}
	return Score{SKU: p.SKU, Points: points}, nil
}
