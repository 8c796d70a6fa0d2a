// Package memstore keeps objects in memory, by key: the buckets of the
// local fake S3 (local/fakes) and of the handlers' tests (through
// objectstore.Memory). The fake S3 and an in-process handler can share one
// Bucket, so what a handler writes is what the fake serves.
package memstore

import (
	"sort"
	"strings"
	"sync"
)

// Bucket is a set of objects by key. The zero value is empty and ready;
// it is safe for concurrent use.
type Bucket struct {
	mu      sync.Mutex
	objects map[string][]byte
}

// Put stores a copy of data under key, replacing what was there.
func (b *Bucket) Put(key string, data []byte) {
	data = append([]byte{}, data...)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.objects == nil {
		b.objects = make(map[string][]byte)
	}
	b.objects[key] = data
}

// Get returns the object under key and whether it exists. The bytes are
// the bucket's own: read them, never modify them.
func (b *Bucket) Get(key string) ([]byte, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	data, ok := b.objects[key]
	return data, ok
}

// Delete removes the object under key; deleting a missing one is not an
// error, as in S3.
func (b *Bucket) Delete(key string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.objects, key)
}

// Keys lists every key, sorted.
func (b *Bucket) Keys() []string { return b.List("") }

// List lists the keys that start with prefix, sorted, as S3's
// ListObjectsV2 orders them.
func (b *Bucket) List(prefix string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	keys := make([]string, 0, len(b.objects))
	for k := range b.objects {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}
