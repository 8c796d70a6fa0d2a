// Package orders validates and prices incoming orders: the ValidateOrder step
// of the order-fulfillment workflow.
package orders

// Limits on an order. They keep a hostile order from costing unbounded work
// and keep a valid one inside what later steps can do: ReserveInventory
// writes one DynamoDB transaction of at most 100 actions, one per distinct SKU
// plus the reservation record.
const (
	MaxLines            = 99
	MaxQuantity         = 10_000
	MaxUnitPriceCents   = 100_000_000 // one million in the currency's major unit
	MaxOrderTotalCents  = 1_000_000_000_000
	maxProblemsReported = 20
)

// Item is one line of an order as the customer submitted it.
type Item struct {
	SKU            string `json:"sku"`
	Quantity       int64  `json:"quantity"`
	UnitPriceCents int64  `json:"unitPriceCents"`
}

// Payment names how the customer pays. Token is a payment provider's token,
// never a card number.
type Payment struct {
	Method string `json:"method"`
	Token  string `json:"token"`
}

// Address is a postal shipping address. Country is an ISO 3166-1 alpha-2 code.
type Address struct {
	Name       string `json:"name"`
	Line1      string `json:"line1"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city"`
	Region     string `json:"region,omitempty"`
	PostalCode string `json:"postalCode"`
	Country    string `json:"country"`
}

// Order is the workflow's input. TotalCents is computed by Validate; a value
// sent by the client is ignored.
type Order struct {
	OrderID         string   `json:"orderId"`
	CustomerID      string   `json:"customerId"`
	Email           string   `json:"email"`
	Items           []Item   `json:"items"`
	Payment         Payment  `json:"payment"`
	ShippingAddress *Address `json:"shippingAddress"`
	TotalCents      int64    `json:"totalCents"`
}

// Validated is what ValidateOrder returns: the normalized order under
// "order", so later states read $.order.
type Validated struct {
	Order Order `json:"order"`
}
