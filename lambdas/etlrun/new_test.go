package etlrun

import (
	"strings"
	"testing"
	"time"

	"github.com/sfnkit/sfnkit/workflows/etl/contract"
)

// uncalledDynamo stands for a DynamoDB client the test never calls.
type uncalledDynamo struct{ DynamoDBAPI }

func TestEnvFromReadsTheContractsVariables(t *testing.T) {
	vars := map[string]string{contract.EnvLedgerTable: "Ledger", contract.EnvRawBucket: "raw", contract.EnvStaleAfter: "7h0m0s"}
	env, err := EnvFrom(func(name string) string { return vars[name] })
	if want := (Env{LedgerTable: "Ledger", RawBucket: "raw", StaleAfter: 7 * time.Hour}); err != nil || env != want {
		t.Errorf("EnvFrom = %+v, %v; want %+v", env, err, want)
	}
	vars[contract.EnvStaleAfter] = "7 hours"
	delete(vars, contract.EnvLedgerTable)
	_, err = EnvFrom(func(name string) string { return vars[name] })
	for _, name := range []string{contract.EnvLedgerTable, contract.EnvStaleAfter} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("EnvFrom = %v; want an error naming %s", err, name)
		}
	}
}

func TestNewWiresTheLedgerAndRefusesWhatIsMissing(t *testing.T) {
	env := Env{LedgerTable: "Ledger", RawBucket: "raw", StaleAfter: 7 * time.Hour}
	s, err := New(env, Clients{DynamoDB: uncalledDynamo{}})
	if err != nil {
		t.Fatal(err)
	}
	if l, ok := s.Ledger.(*DynamoLedger); !ok || l.Table != "Ledger" || s.RawBucket != "raw" || s.StaleAfter != 7*time.Hour {
		t.Errorf("New = %+v with ledger %#v; want the environment's table, bucket and staleness", s, s.Ledger)
	}
	for _, tt := range []struct {
		env     Env
		clients Clients
		want    string
	}{
		{Env{RawBucket: "raw", StaleAfter: time.Hour}, Clients{DynamoDB: uncalledDynamo{}}, "Env.LedgerTable"},
		{Env{LedgerTable: "Ledger", StaleAfter: time.Hour}, Clients{DynamoDB: uncalledDynamo{}}, "Env.RawBucket"},
		{Env{LedgerTable: "Ledger", RawBucket: "raw"}, Clients{DynamoDB: uncalledDynamo{}}, "Env.StaleAfter"},
		{env, Clients{}, "Clients.DynamoDB"},
	} {
		if _, err := New(tt.env, tt.clients); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%+v, %+v) = %v; want an error naming %s", tt.env, tt.clients, err, tt.want)
		}
	}
}
