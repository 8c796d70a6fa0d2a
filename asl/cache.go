package asl

import (
	"encoding/json"
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

var (
	templates parsedCache[any]
	paths     parsedCache[jp.Expr]
)

// decodeTemplate decodes a payload template, once per distinct template.
func decodeTemplate(raw json.RawMessage) (any, error) {
	if v, ok := templates.get(raw); ok {
		return v, nil
	}
	v, err := decodeJSON(raw)
	if err != nil {
		return nil, err
	}
	templates.put(raw, v)
	return v, nil
}

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
