package shipping

import (
	"strings"
	"testing"
)

func TestNewShipsWithTheGivenCarrier(t *testing.T) {
	carrier := Simulator{SupportedCountries: []string{"NZ"}}
	svc, err := New(Clients{Carrier: carrier})
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := svc.Carrier.(Simulator); !ok || len(s.SupportedCountries) != 1 || s.SupportedCountries[0] != "NZ" {
		t.Errorf("the service's carrier is %#v; want the Simulator it was given", svc.Carrier)
	}
	if _, err := New(Clients{}); err == nil || !strings.Contains(err.Error(), "Clients.Carrier") {
		t.Errorf("New without a carrier = %v; want an error naming Clients.Carrier", err)
	}
}
