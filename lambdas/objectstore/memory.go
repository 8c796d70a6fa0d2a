package objectstore

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"sync"
)

// Memory is an in-memory store for tests and local runs.
// An object written through Create appears when its writer is closed. The
// zero value is empty and ready; it is safe for concurrent use.
type Memory struct {
	mu      sync.Mutex
	objects map[string][]byte
}

var (
	_ Store       = (*Memory)(nil)
	_ RangeReader = (*Memory)(nil)
)

// Put stores an object.
func (m *Memory) Put(key string, data []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.objects == nil {
		m.objects = make(map[string][]byte)
	}
	m.objects[key] = data
}

// Get returns an object and whether it exists.
func (m *Memory) Get(key string) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	data, ok := m.objects[key]
	return data, ok
}

// Keys lists the stored keys, sorted.
func (m *Memory) Keys() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]string, 0, len(m.objects))
	for k := range m.objects {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

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

// Delete removes an object; deleting a missing one is not an error, as in S3.
func (m *Memory) Delete(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.objects, key)
}
