package qualitygate

import (
	"errors"
	"fmt"

	"github.com/sfnkit/sfnkit/lambdas/envvar"
	"github.com/sfnkit/sfnkit/lambdas/objectstore"
	"github.com/sfnkit/sfnkit/workflows/etl/contract"
)

// Env is what the QualityGate function reads from its environment, which
// the ETL construct sets.
type Env struct {
	// WorkBucket holds the Distributed Map's results and the Glue
	// summaries; the gate reads no other bucket (contract.EnvWorkBucket).
	WorkBucket string
}

// EnvFrom reads Env through getenv (os.Getenv in Lambda) and names every
// variable that is missing.
func EnvFrom(getenv func(string) string) (Env, error) {
	r := envvar.New(getenv)
	env := Env{WorkBucket: r.String(contract.EnvWorkBucket)}
	return env, r.Err()
}

// Clients are what the gate calls out to.
type Clients struct {
	// S3 opens the work bucket: objectstore.S3Buckets in Lambda, memory
	// buckets in tests and the local runtime.
	S3 objectstore.Buckets
}

// New builds the QualityGate function's handler. The input names the
// bucket of each result; any but the work bucket is refused.
func New(env Env, clients Clients) (*Gate, error) {
	switch {
	case env.WorkBucket == "":
		return nil, errors.New("qualitygate: Env.WorkBucket is empty; read it from " + contract.EnvWorkBucket + " with EnvFrom")
	case clients.S3 == nil:
		return nil, errors.New("qualitygate: Clients.S3 is nil; give it objectstore.S3Buckets of the S3 client")
	}
	return &Gate{Stores: func(bucket string) (objectstore.Reader, error) {
		if bucket != env.WorkBucket {
			return nil, fmt.Errorf("bucket %q is not the workflow's work bucket", bucket)
		}
		return clients.S3(bucket), nil
	}}, nil
}
