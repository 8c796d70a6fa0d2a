package inventory

import (
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/workflows/orderfulfillment/contract"
)

func TestEnvFromNamesEveryMissingVariable(t *testing.T) {
	vars := map[string]string{contract.EnvInventoryTable: "Inventory", contract.EnvReservationsTable: "Reservations"}
	env, err := EnvFrom(func(name string) string { return vars[name] })
	if err != nil || env != (Env{InventoryTable: "Inventory", ReservationsTable: "Reservations"}) {
		t.Errorf("EnvFrom = %+v, %v; want both tables", env, err)
	}
	_, err = EnvFrom(func(string) string { return "" })
	for _, name := range []string{contract.EnvInventoryTable, contract.EnvReservationsTable} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("EnvFrom of an empty environment = %v; want an error naming %s", err, name)
		}
	}
}

func TestNewWiresTheStoreAndRefusesWhatIsMissing(t *testing.T) {
	db := &scriptedDynamo{}
	env := Env{InventoryTable: "Inventory", ReservationsTable: "Reservations"}
	svc, err := New(env, Clients{DynamoDB: db})
	if err != nil {
		t.Fatal(err)
	}
	want := &DynamoStore{Client: db, InventoryTable: "Inventory", ReservationsTable: "Reservations"}
	if s, ok := svc.Store.(*DynamoStore); !ok || *s != *want {
		t.Errorf("the service's store is %#v; want %#v", svc.Store, want)
	}
	for _, tt := range []struct {
		env     Env
		clients Clients
		want    string
	}{
		{Env{ReservationsTable: "Reservations"}, Clients{DynamoDB: db}, "Env.InventoryTable"},
		{Env{InventoryTable: "Inventory"}, Clients{DynamoDB: db}, "Env.ReservationsTable"},
		{env, Clients{}, "Clients.DynamoDB"},
	} {
		if _, err := New(tt.env, tt.clients); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%+v, %+v) = %v; want an error naming %s", tt.env, tt.clients, err, tt.want)
		}
	}
}
