package asl

import (
	"sync"
	"unsafe"

	"github.com/ohler55/ojg/jp"
)

// parsedCache memoizes what an execution would otherwise parse at every
// state it enters: the JSON of payload templates and the JSONPath
// expressions of a definition. Definitions repeat, so the cache stays
// small; it is cleared when it reaches maxCached entries so that random
// definitions (a fuzzer's) cannot grow it without bound. Cached values
// are never modified: evalTemplateValue builds new containers.
type parsedCache[V any] struct {
	mu sync.RWMutex
	m  map[string]V
}

const maxCached = 4096

func (c *parsedCache[V]) get(key []byte) (V, bool) {
	c.mu.RLock()
	v, ok := c.m[string(key)] // no allocation for the lookup
	c.mu.RUnlock()
	return v, ok
}

func (c *parsedCache[V]) put(key []byte, v V) {
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCached {
		c.m = map[string]V{}
	}
	c.m[string(key)] = v
	c.mu.Unlock()
}

// paths caches parsed JSONPath expressions by their text after the root.
var paths parsedCache[jp.Expr]

// parseJSONPath parses the part of a path after its root, once per
// distinct path.
func parseJSONPath(rest string) (jp.Expr, error) {
	if x, ok := paths.get([]byte(rest)); ok {
		return x, nil
	}
	x, err := parseJSONPathSafely(rest)
	if err != nil {
		return nil, err
	}
	paths.put([]byte(rest), x)
	return x, nil
}

// unsafeBytes is s's bytes without a copy, for a cache lookup: the
// caches never modify or keep the key slice.
func unsafeBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }
