package etlrun

import (
	"errors"
	"fmt"
	"time"

	"github.com/sfnkit/sfnkit/lambdas/envvar"
	"github.com/sfnkit/sfnkit/workflows/etl/contract"
)

// Env is what the StartRun function reads from its environment, which the
// ETL construct sets.
type Env struct {
	// LedgerTable is the run ledger's DynamoDB table
	// (contract.EnvLedgerTable).
	LedgerTable string
	// RawBucket is the only bucket a run may read (contract.EnvRawBucket).
	RawBucket string
	// StaleAfter is how long a RUNNING claim blocks other executions
	// (contract.EnvStaleAfter, a Go duration).
	StaleAfter time.Duration
}

// EnvFrom reads Env through getenv (os.Getenv in Lambda) and names every
// variable that is missing or malformed.
func EnvFrom(getenv func(string) string) (Env, error) {
	r := envvar.New(getenv)
	env := Env{
		LedgerTable: r.String(contract.EnvLedgerTable),
		RawBucket:   r.String(contract.EnvRawBucket),
		StaleAfter:  r.Duration(contract.EnvStaleAfter),
	}
	return env, r.Err()
}

// Clients are what the starter calls out to.
type Clients struct {
	// DynamoDB holds the run ledger: the SDK's client in Lambda, a fake in
	// the local runtime.
	DynamoDB DynamoDBAPI
}

// New builds the StartRun function's handler, on the real clock; the
// local runtime sets its Now to virtual time.
func New(env Env, clients Clients) (*Starter, error) {
	switch {
	case env.LedgerTable == "":
		return nil, errors.New("etlrun: Env.LedgerTable is empty; read it from " + contract.EnvLedgerTable + " with EnvFrom")
	case env.RawBucket == "":
		return nil, errors.New("etlrun: Env.RawBucket is empty; read it from " + contract.EnvRawBucket + " with EnvFrom")
	case env.StaleAfter <= 0:
		return nil, fmt.Errorf("etlrun: Env.StaleAfter is %v; it must be positive (read it from %s with EnvFrom)", env.StaleAfter, contract.EnvStaleAfter)
	case clients.DynamoDB == nil:
		return nil, errors.New("etlrun: Clients.DynamoDB is nil; give it the DynamoDB client")
	}
	return &Starter{
		Ledger:     &DynamoLedger{Client: clients.DynamoDB, Table: env.LedgerTable},
		RawBucket:  env.RawBucket,
		StaleAfter: env.StaleAfter,
	}, nil
}
