package objectstore

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/sfnkit/sfnkit/internal/memstore"
)

// Memory is a Store over an in-memory bucket, for tests and local runs.
// An object written through Create appears when its writer is closed. The
// zero value is an empty bucket of its own; NewMemory shares one. It is
// safe for concurrent use.
type Memory struct {
	once   sync.Once
	bucket *memstore.Bucket
}

var _ Bucket = (*Memory)(nil)

// NewMemory returns a Store over bucket: the local runtime hands an
// in-process handler the very bucket its fake S3 serves.
func NewMemory(bucket *memstore.Bucket) *Memory {
	return &Memory{bucket: bucket}
}

// objects is the bucket, made on first use for the zero value.
func (m *Memory) objects() *memstore.Bucket {
	m.once.Do(func() {
		if m.bucket == nil {
			m.bucket = &memstore.Bucket{}
		}
	})
	return m.bucket
}

// Put stores an object.
func (m *Memory) Put(key string, data []byte) { m.objects().Put(key, data) }

// Get returns an object and whether it exists.
func (m *Memory) Get(key string) ([]byte, bool) { return m.objects().Get(key) }

// Keys lists the stored keys, sorted.
func (m *Memory) Keys() []string { return m.objects().Keys() }

// Delete removes an object; deleting a missing one is not an error, as in S3.
func (m *Memory) Delete(key string) { m.objects().Delete(key) }

// Open implements Reader.
func (m *Memory) Open(_ context.Context, key string) (io.ReadCloser, error) {
	data, ok := m.Get(key)
	if !ok {
		return nil, fmt.Errorf("%s: %w", key, ErrNotFound)
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

// Create implements Writer.
func (m *Memory) Create(_ context.Context, key, _ string) (io.WriteCloser, error) {
	return &memoryWriter{store: m, key: key}, nil
}

type memoryWriter struct {
	store *Memory
	key   string
	buf   bytes.Buffer
}

func (w *memoryWriter) Write(p []byte) (int, error) { return w.buf.Write(p) }

func (w *memoryWriter) Close() error {
	w.store.Put(w.key, w.buf.Bytes())
	return nil
}

// ReadRange implements RangeReader.
func (m *Memory) ReadRange(_ context.Context, key string, offset, length int64) ([]byte, int64, error) {
	data, ok := m.Get(key)
	if !ok {
		return nil, 0, fmt.Errorf("%s: %w", key, ErrNotFound)
	}
	return slice(data, offset, length), int64(len(data)), nil
}

// slice returns data[offset:offset+length] clipped to data, with a negative
// offset counting from the end.
func slice(data []byte, offset, length int64) []byte {
	size := int64(len(data))
	if offset < 0 {
		offset = max(size+offset, 0)
	}
	if offset >= size {
		return nil
	}
	end := min(offset+length, size)
	return append([]byte(nil), data[offset:end]...)
}
