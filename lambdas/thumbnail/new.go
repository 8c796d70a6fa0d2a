package thumbnail

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/sfnkit/sfnkit/lambdas/envvar"
	"github.com/sfnkit/sfnkit/lambdas/imagemeta"
	"github.com/sfnkit/sfnkit/lambdas/objectstore"
	"github.com/sfnkit/sfnkit/workflows/imageprocessing/contract"
)

// Env is what the MakeThumbnails function reads from its environment, which
// the image-processing construct sets: ExtractMetadata's variables and the
// sizes.
type Env struct {
	imagemeta.Env
	// Sizes are the bounding boxes to fit thumbnails in
	// (contract.EnvThumbnailSizes, comma-separated).
	Sizes []int
	// MinThickness is the fewest pixels on a thumbnail's short side
	// (contract.EnvThumbnailMinThickness); if zero, DefaultMinThickness.
	MinThickness int
}

// EnvFrom reads Env through getenv (os.Getenv in Lambda) and names every
// variable that is missing or malformed.
func EnvFrom(getenv func(string) string) (Env, error) {
	shared, err := imagemeta.EnvFrom(getenv)
	r := envvar.New(getenv)
	env := Env{Env: shared}
	if s := r.String(contract.EnvThumbnailSizes); s != "" {
		sizes, parseErr := ParseSizes(s)
		if parseErr != nil {
			r.Fail(contract.EnvThumbnailSizes, parseErr)
		}
		env.Sizes = sizes
	}
	if s := getenv(contract.EnvThumbnailMinThickness); s != "" {
		n, convErr := strconv.Atoi(s)
		if convErr != nil || n < 1 {
			r.Fail(contract.EnvThumbnailMinThickness, fmt.Errorf("%q is not a positive integer", s))
		}
		env.MinThickness = n
	}
	return env, errors.Join(err, r.Err())
}

// Clients are what the maker calls out to.
type Clients struct {
	// S3 opens the images bucket: objectstore.S3Buckets in Lambda, memory
	// buckets in tests and the local runtime.
	S3 objectstore.Buckets
}

// New builds the MakeThumbnails function's handler.
func New(env Env, clients Clients) (*Maker, error) {
	if err := env.Validate(); err != nil {
		return nil, fmt.Errorf("thumbnail: %w", err)
	}
	switch {
	case len(env.Sizes) == 0:
		return nil, errors.New("thumbnail: Env.Sizes is empty; read it from " + contract.EnvThumbnailSizes + " with EnvFrom")
	case clients.S3 == nil:
		return nil, errors.New("thumbnail: Clients.S3 is nil; give it objectstore.S3Buckets of the S3 client")
	}
	return &Maker{Images: clients.S3(env.ImagesBucket), Sizes: env.Sizes, Limits: env.Limits, MinThickness: env.MinThickness}, nil
}
