package transform

import (
	"errors"

	"github.com/sfnkit/sfnkit/lambdas/envvar"
	"github.com/sfnkit/sfnkit/lambdas/objectstore"
	"github.com/sfnkit/sfnkit/workflows/etl/contract"
)

// Env is what the Transform function reads from its environment, which the
// ETL construct sets.
type Env struct {
	// RawBucket holds the raw objects (contract.EnvRawBucket).
	RawBucket string
	// CuratedBucket receives the curated rows (contract.EnvCuratedBucket).
	CuratedBucket string
	// QuarantineBucket receives the rejected rows
	// (contract.EnvQuarantineBucket).
	QuarantineBucket string
}

// EnvFrom reads Env through getenv (os.Getenv in Lambda) and names every
// variable that is missing.
func EnvFrom(getenv func(string) string) (Env, error) {
	r := envvar.New(getenv)
	env := Env{
		RawBucket:        r.String(contract.EnvRawBucket),
		CuratedBucket:    r.String(contract.EnvCuratedBucket),
		QuarantineBucket: r.String(contract.EnvQuarantineBucket),
	}
	return env, r.Err()
}

// Clients are what the transformer calls out to.
type Clients struct {
	// S3 opens the buckets: objectstore.S3Buckets in Lambda, memory buckets
	// in tests and the local runtime.
	S3 objectstore.Buckets
}

// New builds the Transform function's handler, which loads contract.Sales.
func New(env Env, clients Clients) (*Transformer, error) {
	switch {
	case env.RawBucket == "":
		return nil, errors.New("transform: Env.RawBucket is empty; read it from " + contract.EnvRawBucket + " with EnvFrom")
	case env.CuratedBucket == "":
		return nil, errors.New("transform: Env.CuratedBucket is empty; read it from " + contract.EnvCuratedBucket + " with EnvFrom")
	case env.QuarantineBucket == "":
		return nil, errors.New("transform: Env.QuarantineBucket is empty; read it from " + contract.EnvQuarantineBucket + " with EnvFrom")
	case clients.S3 == nil:
		return nil, errors.New("transform: Clients.S3 is nil; give it objectstore.S3Buckets of the S3 client")
	}
	return &Transformer{
		Schema:     contract.Sales,
		Raw:        clients.S3(env.RawBucket),
		Curated:    clients.S3(env.CuratedBucket),
		Quarantine: clients.S3(env.QuarantineBucket),
	}, nil
}
