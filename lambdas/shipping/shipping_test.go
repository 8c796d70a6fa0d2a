package shipping

import (
	"context"
	"errors"
	"testing"

	"github.com/sfnkit/sfnkit/lambdas/orders"
)

type failingCarrier struct{ err error }

func (f failingCarrier) Book(context.Context, ShipmentRequest) (Shipment, error) {
	return Shipment{}, f.err
}

func shipInput() ShipInput {
	return ShipInput{
		OrderID:         "ord-1",
		Items:           []orders.Item{{SKU: "A", Quantity: 11}, {SKU: "B", Quantity: 1}},
		ShippingAddress: &orders.Address{Name: "Ada", Line1: "1 Main", City: "X", PostalCode: "12345", Country: "US"},
	}
}

func TestShipIsDeterministic(t *testing.T) {
	svc := &Service{Carrier: Simulator{}}
	a, err := svc.Ship(context.Background(), shipInput())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := svc.Ship(context.Background(), shipInput())
	if a != b || a.Parcels != 2 || len(a.TrackingNumber) != 15 {
		t.Errorf("shipments %+v and %+v", a, b)
	}
}

func TestShipErrors(t *testing.T) {
	ctx := context.Background()
	svc := &Service{Carrier: Simulator{}}
	undeliverable := shipInput()
	undeliverable.ShippingAddress.PostalCode = "00000"
	abroad := shipInput()
	abroad.ShippingAddress.Country = "AQ"
	noAddress := shipInput()
	noAddress.ShippingAddress = nil
	noItems := shipInput()
	noItems.Items = nil
	badQty := shipInput()
	badQty.Items[0].Quantity = -3
	badID := shipInput()
	badID.OrderID = "../../x"

	tests := []struct {
		name string
		svc  *Service
		in   ShipInput
		want any
	}{
		{"undeliverable", svc, undeliverable, new(*ShipmentRejected)},
		{"unsupported country", svc, abroad, new(*ShipmentRejected)},
		{"no address", svc, noAddress, new(*InvalidShipmentRequest)},
		{"no items", svc, noItems, new(*InvalidShipmentRequest)},
		{"negative quantity", svc, badQty, new(*InvalidShipmentRequest)},
		{"bad order id", svc, badID, new(*InvalidShipmentRequest)},
		{"carrier outage", &Service{Carrier: failingCarrier{errors.New("503")}}, shipInput(), new(*CarrierUnavailable)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.svc.Ship(ctx, tt.in)
			if !errors.As(err, tt.want) {
				t.Errorf("err = %v (%T), want %T", err, err, tt.want)
			}
		})
	}
}
