package payments

import (
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/workflows/orderfulfillment/contract"
)

func TestEnvFromReadsTheContractsVariable(t *testing.T) {
	env, err := EnvFrom(func(name string) string { return map[string]string{contract.EnvPaymentsTable: "Payments"}[name] })
	if err != nil || env.PaymentsTable != "Payments" {
		t.Errorf("EnvFrom = %+v, %v; want the table from %s", env, err, contract.EnvPaymentsTable)
	}
	if _, err := EnvFrom(func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), contract.EnvPaymentsTable) {
		t.Errorf("EnvFrom of an empty environment = %v; want an error naming %s", err, contract.EnvPaymentsTable)
	}
}

// uncalledDynamo stands for a DynamoDB client the test never calls.
type uncalledDynamo struct{ DynamoDBAPI }

func TestNewWiresTheLedgerAndRefusesWhatIsMissing(t *testing.T) {
	db := uncalledDynamo{}
	svc, err := New(Env{PaymentsTable: "Payments"}, Clients{DynamoDB: db, Provider: &Simulator{}})
	if err != nil {
		t.Fatal(err)
	}
	if l, ok := svc.Ledger.(*DynamoLedger); !ok || l.Table != "Payments" || l.Client != DynamoDBAPI(db) {
		t.Errorf("the service's ledger is %#v; want a DynamoLedger on table Payments with the given client", svc.Ledger)
	}
	for _, tt := range []struct {
		env     Env
		clients Clients
		want    string
	}{
		{Env{}, Clients{DynamoDB: db, Provider: &Simulator{}}, "Env.PaymentsTable"},
		{Env{PaymentsTable: "Payments"}, Clients{Provider: &Simulator{}}, "Clients.DynamoDB"},
		{Env{PaymentsTable: "Payments"}, Clients{DynamoDB: db}, "Clients.Provider"},
	} {
		if _, err := New(tt.env, tt.clients); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%+v, %+v) = %v; want an error naming %s", tt.env, tt.clients, err, tt.want)
		}
	}
}
