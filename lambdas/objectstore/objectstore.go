// Package objectstore reads and writes objects of one bucket as streams:
// S3 in Lambda, Memory in tests and local runs (over an internal/memstore
// bucket, which the local fake S3 serves too). Handlers depend on Reader
// and Writer, never on the S3 client, so their logic runs without AWS.
package objectstore

import (
	"context"
	"errors"
	"io"
)

// Reader opens objects.
type Reader interface {
	// Open returns the object's content. It returns an error wrapping
	// ErrNotFound when the object does not exist.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
}

// Writer creates objects. An object exists, whole, only once its writer is
// closed without error; a writer that also has Abort() can be discarded.
type Writer interface {
	Create(ctx context.Context, key, contentType string) (io.WriteCloser, error)
}

// RangeReader reads parts of objects without fetching them whole.
type RangeReader interface {
	// ReadRange returns up to length bytes of the object starting at
	// offset (a negative offset counts back from the end) and the object's
	// size. A range past the end returns no bytes. A missing object is an
	// error wrapping ErrNotFound.
	ReadRange(ctx context.Context, key string, offset, length int64) ([]byte, int64, error)
}

// Store reads and writes.
type Store interface {
	Reader
	Writer
}

// Bucket is everything a bucket's store does; S3 and Memory are Buckets.
type Bucket interface {
	Store
	RangeReader
}

// Buckets opens the store of a bucket by name: S3Buckets in Lambda, memory
// buckets in tests and the local runtime. It is what handlers that read or
// write S3 take among their clients.
type Buckets func(name string) Bucket

// ErrNotFound is wrapped by Reader.Open for a missing object.
var ErrNotFound = errors.New("object not found")
