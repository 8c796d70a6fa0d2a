package payments

import (
	"errors"

	"github.com/sfnkit/sfnkit/lambdas/envvar"
	"github.com/sfnkit/sfnkit/workflows/orderfulfillment/contract"
)

// Env is what the ProcessPayment and RefundPayment functions read from
// their environment, which the order-fulfillment construct sets.
type Env struct {
	// PaymentsTable is the payment ledger's DynamoDB table
	// (contract.EnvPaymentsTable).
	PaymentsTable string
}

// EnvFrom reads Env through getenv (os.Getenv in Lambda) and names every
// variable that is missing.
func EnvFrom(getenv func(string) string) (Env, error) {
	r := envvar.New(getenv)
	env := Env{PaymentsTable: r.String(contract.EnvPaymentsTable)}
	return env, r.Err()
}

// Clients are what the service calls out to.
type Clients struct {
	// DynamoDB holds the payment ledger: the SDK's client in Lambda, a
	// fake in the local runtime.
	DynamoDB DynamoDBAPI
	// Provider takes and refunds payments: the shipped Simulator, or a
	// real provider's client.
	Provider Provider
}

// New builds the service both functions run: ProcessPayment calls its
// Charge, RefundPayment its Refund.
func New(env Env, clients Clients) (*Service, error) {
	switch {
	case env.PaymentsTable == "":
		return nil, errors.New("payments: Env.PaymentsTable is empty; read it from " + contract.EnvPaymentsTable + " with EnvFrom")
	case clients.DynamoDB == nil:
		return nil, errors.New("payments: Clients.DynamoDB is nil; give it the DynamoDB client")
	case clients.Provider == nil:
		return nil, errors.New("payments: Clients.Provider is nil; give it the payment provider (&Simulator{} for the shipped one)")
	}
	return &Service{Provider: clients.Provider, Ledger: &DynamoLedger{Client: clients.DynamoDB, Table: env.PaymentsTable}}, nil
}
