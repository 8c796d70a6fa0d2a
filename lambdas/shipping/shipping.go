// Package shipping books a shipment for an order: the ShipOrder step of the
// order-fulfillment workflow.
package shipping

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"

	"github.com/sfnkit/sfnkit/lambdas/orders"
)

// ShipInput is the ShipOrder event.
type ShipInput struct {
	OrderID         string          `json:"orderId"`
	Items           []orders.Item   `json:"items"`
	ShippingAddress *orders.Address `json:"shippingAddress"`
}

// Shipment is what ShipOrder returns.
type Shipment struct {
	Carrier        string `json:"carrier"`
	TrackingNumber string `json:"trackingNumber"`
	Parcels        int    `json:"parcels"`
}

// ShipmentRequest is what a carrier is asked to do, once per IdempotencyKey.
type ShipmentRequest struct {
	IdempotencyKey string
	Address        orders.Address
	Units          int64
}

// Carrier books shipments. Implementations must honour the idempotency key:
// the same key returns the same shipment and books it once.
type Carrier interface {
	Book(ctx context.Context, req ShipmentRequest) (Shipment, error)
}

// ShipmentRejected is returned when the carrier refuses the shipment; the
// workflow compensates and ends in ShippingFailed.
type ShipmentRejected struct {
	OrderID string
	Reason  string
}

func (e *ShipmentRejected) Error() string {
	return fmt.Sprintf("shipment of order %s rejected: %s", e.OrderID, e.Reason)
}

// InvalidShipmentRequest is returned for an event the handler cannot act on.
type InvalidShipmentRequest struct{ Reason string }

func (e *InvalidShipmentRequest) Error() string { return "invalid shipment request: " + e.Reason }

// CarrierUnavailable is a transient carrier failure; the workflow retries it.
type CarrierUnavailable struct{ Cause error }

func (e *CarrierUnavailable) Error() string { return "carrier unavailable: " + e.Cause.Error() }
func (e *CarrierUnavailable) Unwrap() error { return e.Cause }

var orderIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Service is the ShipOrder logic.
type Service struct {
	Carrier Carrier
}

// Ship books one shipment per order; retries get the same tracking number.
func (s *Service) Ship(ctx context.Context, in ShipInput) (Shipment, error) {
	if !orderIDPattern.MatchString(in.OrderID) {
		return Shipment{}, &InvalidShipmentRequest{Reason: fmt.Sprintf("orderId %.70q is not a valid order id", in.OrderID)}
	}
	if in.ShippingAddress == nil {
		return Shipment{}, &InvalidShipmentRequest{Reason: "shippingAddress is missing"}
	}
	var units int64
	for i, it := range in.Items {
		if it.Quantity < 1 || it.Quantity > orders.MaxQuantity {
			return Shipment{}, &InvalidShipmentRequest{Reason: fmt.Sprintf("items[%d].quantity %d is out of range", i, it.Quantity)}
		}
		units += it.Quantity
	}
	if units == 0 {
		return Shipment{}, &InvalidShipmentRequest{Reason: "nothing to ship"}
	}
	shipment, err := s.Carrier.Book(ctx, ShipmentRequest{IdempotencyKey: in.OrderID, Address: *in.ShippingAddress, Units: units})
	if err != nil {
		if _, ok := err.(*ShipmentRejected); ok {
			return Shipment{}, err
		}
		return Shipment{}, &CarrierUnavailable{Cause: err}
	}
	return shipment, nil
}

// Simulator is the shipped Carrier: deterministic and offline.
//
// It ships to the countries in SupportedCountries (or, if that is empty, to
// US, CA, GB, DE, FR, NL, IE, AU) and rejects postal code "00000" as
// undeliverable. Tracking numbers derive from the idempotency key.
type Simulator struct {
	SupportedCountries []string
}

var _ Carrier = Simulator{}

// UnitsPerParcel is how many units the simulator packs into one parcel.
const UnitsPerParcel = 10

// Book implements Carrier.
func (s Simulator) Book(_ context.Context, req ShipmentRequest) (Shipment, error) {
	countries := s.SupportedCountries
	if len(countries) == 0 {
		countries = []string{"US", "CA", "GB", "DE", "FR", "NL", "IE", "AU"}
	}
	if !contains(countries, req.Address.Country) {
		return Shipment{}, &ShipmentRejected{OrderID: req.IdempotencyKey, Reason: fmt.Sprintf("no service to country %q", req.Address.Country)}
	}
	if strings.TrimSpace(req.Address.PostalCode) == "00000" {
		return Shipment{}, &ShipmentRejected{OrderID: req.IdempotencyKey, Reason: "address undeliverable"}
	}
	sum := sha256.Sum256([]byte(req.IdempotencyKey))
	return Shipment{
		Carrier:        "SIMULATED",
		TrackingNumber: "SIM" + strings.ToUpper(hex.EncodeToString(sum[:6])),
		Parcels:        int((req.Units + UnitsPerParcel - 1) / UnitsPerParcel),
	}, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
