package imagemeta

import (
	"errors"
	"fmt"

	"github.com/sfnkit/sfnkit/lambdas/envvar"
	"github.com/sfnkit/sfnkit/lambdas/objectstore"
	"github.com/sfnkit/sfnkit/workflows/imageprocessing/contract"
)

// Env is what the ExtractMetadata function reads from its environment,
// which the image-processing construct sets. The MakeThumbnails function
// reads the same variables, and more.
type Env struct {
	// ImagesBucket is the uploads' bucket; events for any other are
	// refused (contract.EnvImagesBucket).
	ImagesBucket string
	// Limits are read from contract.EnvMaxPixels and contract.EnvMaxBytes.
	Limits Limits
}

// EnvFrom reads Env through getenv (os.Getenv in Lambda) and names every
// variable that is missing or malformed.
func EnvFrom(getenv func(string) string) (Env, error) {
	r := envvar.New(getenv)
	env := Env{
		ImagesBucket: r.String(contract.EnvImagesBucket),
		Limits:       Limits{MaxPixels: r.PositiveInt(contract.EnvMaxPixels), MaxBytes: r.PositiveInt(contract.EnvMaxBytes)},
	}
	return env, r.Err()
}

// Validate reports an empty bucket or a limit that is not positive.
func (e Env) Validate() error {
	switch {
	case e.ImagesBucket == "":
		return errors.New("Env.ImagesBucket is empty; read it from " + contract.EnvImagesBucket + " with EnvFrom")
	case e.Limits.MaxPixels <= 0 || e.Limits.MaxBytes <= 0:
		return fmt.Errorf("Env.Limits are %+v; both must be positive (read them from %s and %s with EnvFrom)", e.Limits, contract.EnvMaxPixels, contract.EnvMaxBytes)
	}
	return nil
}

// Clients are what the extractor calls out to.
type Clients struct {
	// S3 opens the images bucket: objectstore.S3Buckets in Lambda, memory
	// buckets in tests and the local runtime.
	S3 objectstore.Buckets
}

// New builds the ExtractMetadata function's handler.
func New(env Env, clients Clients) (*Extractor, error) {
	if err := env.Validate(); err != nil {
		return nil, fmt.Errorf("imagemeta: %w", err)
	}
	if clients.S3 == nil {
		return nil, errors.New("imagemeta: Clients.S3 is nil; give it objectstore.S3Buckets of the S3 client")
	}
	return &Extractor{Bucket: env.ImagesBucket, Objects: clients.S3(env.ImagesBucket), Limits: env.Limits}, nil
}
