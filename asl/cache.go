package asl

import (
	"sync"

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

func (c *parsedCache[V]) get(key string) (V, bool) {
	c.mu.RLock()
	v, ok := c.m[key]
	c.mu.RUnlock()
	return v, ok
}

// getRaw is get for a key held as bytes (a field's raw JSON): the
// conversion in the index expression does not copy them.
func (c *parsedCache[V]) getRaw(key []byte) (V, bool) {
	c.mu.RLock()
	v, ok := c.m[string(key)]
	c.mu.RUnlock()
	return v, ok
}

func (c *parsedCache[V]) put(key string, v V) {
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCached {
		c.m = map[string]V{}
	}
	c.m[key] = v
	c.mu.Unlock()
}

// paths caches parsed JSONPath expressions by their text after the root.
var paths parsedCache[jp.Expr]

// parseJSONPath parses the part of a path after its root, once per
// distinct path.
func parseJSONPath(rest string) (jp.Expr, error) {
	if x, ok := paths.get(rest); ok {
		return x, nil
	}
	x, err := parseJSONPathSafely(rest)
	if err != nil {
		return nil, err
	}
	paths.put(rest, x)
	return x, nil
}
