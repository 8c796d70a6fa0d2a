package inventory

import (
	"errors"

	"github.com/sfnkit/sfnkit/lambdas/envvar"
	"github.com/sfnkit/sfnkit/workflows/orderfulfillment/contract"
)

// Env is what the ReserveInventory and ReleaseInventory functions read from
// their environment, which the order-fulfillment construct sets.
type Env struct {
	// InventoryTable keeps stock by sku (contract.EnvInventoryTable).
	InventoryTable string
	// ReservationsTable keeps reservations by orderId
	// (contract.EnvReservationsTable).
	ReservationsTable string
}

// EnvFrom reads Env through getenv (os.Getenv in Lambda) and names every
// variable that is missing.
func EnvFrom(getenv func(string) string) (Env, error) {
	r := envvar.New(getenv)
	env := Env{
		InventoryTable:    r.String(contract.EnvInventoryTable),
		ReservationsTable: r.String(contract.EnvReservationsTable),
	}
	return env, r.Err()
}

// Clients are what the service calls out to.
type Clients struct {
	// DynamoDB holds both tables: the SDK's client in Lambda, a fake in the
	// local runtime.
	DynamoDB DynamoDBAPI
}

// New builds the service both functions run: ReserveInventory calls its
// Reserve, ReleaseInventory its Release.
func New(env Env, clients Clients) (*Service, error) {
	switch {
	case env.InventoryTable == "":
		return nil, errors.New("inventory: Env.InventoryTable is empty; read it from " + contract.EnvInventoryTable + " with EnvFrom")
	case env.ReservationsTable == "":
		return nil, errors.New("inventory: Env.ReservationsTable is empty; read it from " + contract.EnvReservationsTable + " with EnvFrom")
	case clients.DynamoDB == nil:
		return nil, errors.New("inventory: Clients.DynamoDB is nil; give it the DynamoDB client")
	}
	store := &DynamoStore{Client: clients.DynamoDB, InventoryTable: env.InventoryTable, ReservationsTable: env.ReservationsTable}
	return &Service{Store: store}, nil
}
