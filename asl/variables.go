package asl

import (
	"sync"
)

// variables is one scope of workflow variables (Assign). A Parallel branch
// or Map iteration gets a child scope: it reads the outer variables, and
// what it assigns stays inside it.
type variables struct {
	mu     sync.Mutex
	parent *variables
	values map[string]any
}

func (v *variables) child() *variables { return &variables{parent: v} }

func (v *variables) get(name string) (any, bool) {
	for s := v; s != nil; s = s.parent {
		s.mu.Lock()
		val, ok := s.values[name]
		s.mu.Unlock()
		if ok {
			return val, true
		}
	}
	return nil, false
}

// all returns every visible variable, inner scopes winning.
func (v *variables) all() map[string]any {
	var chain []*variables
	for s := v; s != nil; s = s.parent {
		chain = append(chain, s)
	}
	out := map[string]any{}
	for i := len(chain) - 1; i >= 0; i-- {
		chain[i].mu.Lock()
		for k, val := range chain[i].values {
			out[k] = val
		}
		chain[i].mu.Unlock()
	}
	return out
}

// assign sets variables in this scope, all at once.
func (v *variables) assign(values map[string]any) {
	if v == nil || len(values) == 0 {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.values == nil {
		v.values = map[string]any{}
	}
	for k, val := range values {
		v.values[k] = val
	}
}
