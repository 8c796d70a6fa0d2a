package model

import (
	"slices"
	"strconv"
	"strings"
)

// Walk calls fn for every state of m and of the branches and item
// processors nested in it, in the order the definition writes them: a
// Parallel or Map state comes just before the states it holds. path is the
// state's JSON Pointer (RFC 6901) within the definition, such as
// /States/Fanout/Branches/0/States/Work.
func (m *Machine) Walk(fn func(path, name string, s *State)) {
	m.walk("", fn)
}

func (m *Machine) walk(prefix string, fn func(path, name string, s *State)) {
	for _, name := range m.names() {
		s := m.States[name]
		path := prefix + "/States/" + escapePointer(name)
		fn(path, name, s)
		for i, b := range s.Branches {
			b.walk(path+"/Branches/"+strconv.Itoa(i), fn)
		}
		if s.ItemProcessor != nil {
			s.ItemProcessor.walk(path+"/ItemProcessor", fn)
		}
		if s.Iterator != nil {
			s.Iterator.walk(path+"/Iterator", fn)
		}
	}
}

// names returns the state names in definition order, or sorted when a
// caller built States without Order.
func (m *Machine) names() []string {
	if len(m.Order) == len(m.States) {
		return m.Order
	}
	names := make([]string, 0, len(m.States))
	for n := range m.States {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// escapePointer escapes a state name as a JSON Pointer reference token.
func escapePointer(name string) string {
	if !strings.ContainsAny(name, "~/") {
		return name
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(name)
}
