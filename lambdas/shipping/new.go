package shipping

import "errors"

// Clients are what the service calls out to. The ShipOrder function has no
// environment.
type Clients struct {
	// Carrier books shipments: the shipped Simulator, or a real carrier's
	// client.
	Carrier Carrier
}

// New builds the service the ShipOrder function runs (its Ship).
func New(clients Clients) (*Service, error) {
	if clients.Carrier == nil {
		return nil, errors.New("shipping: Clients.Carrier is nil; give it the carrier (Simulator{} for the shipped one)")
	}
	return &Service{Carrier: clients.Carrier}, nil
}
