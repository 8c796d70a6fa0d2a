package asl

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/recolabs/gnata"
)

// jsonataNames lists the variables an expression names ($x, $states.input),
// each once, skipping string literals and quoted field names. A name
// that is not a variable (a function's parameter, a built-in function)
// costs a lookup that finds nothing; a variable can be read only by
// name, since Step Functions refuses $eval.
func jsonataNames(expr string) []string {
	var names []string
	for i := 0; i < len(expr); i++ {
		switch c := expr[i]; c {
		case '"', '\'', '`':
			i = skipQuoted(expr, i)
		case '$':
			j := i + 1
			for j < len(expr) && !strings.ContainsRune(jsonataDelimiters, rune(expr[j])) {
				j++
			}
			if name := expr[i+1 : j]; name != "" && !slices.Contains(names, name) {
				names = append(names, name)
			}
			i = j - 1
		}
	}
	return names
}

// jsonataDelimiters end a name in JSONata.
const jsonataDelimiters = " \t\r\n.,;:()[]{}+-*/%&|=<>!~?^\"'`$@#"

// jsonataVars binds the variables names: $states, Step Functions'
// functions, $uuid and $random, and the state machine's variables, in
// that order of precedence. Binding only what an expression names keeps
// each evaluation's environment to a few entries.
func (s *scope) jsonataVars(rt *runtime, names []string) map[string]any {
	if len(names) == 0 {
		return nil
	}
	vars := make(map[string]any, len(names))
	for _, name := range names {
		if name == "states" && s.states != nil {
			vars[name] = s.jsonataStates()
			continue
		}
		if name == "uuid" || name == "random" {
			uuid, random := rt.jsonataFuncs()
			vars["uuid"], vars["random"] = uuid, random
			continue
		}
		if f, ok := stepFunctionsFunctions[name]; ok {
			vars[name] = f
			continue
		}
		if v, ok := s.vars.get(name); ok {
			vars[name] = withJSONataNulls(v)
		}
	}
	return vars
}

// jsonataStates is $states with JSONata's nulls, made once per scope;
// setState converts only what it sets.
func (s *scope) jsonataStates() map[string]any {
	if s.jsonStates == nil && s.states != nil {
		s.jsonStates = make(map[string]any, len(s.states)+1)
		for k, v := range s.statesWithContext() {
			s.jsonStates[k] = withJSONataNulls(v)
		}
	}
	return s.jsonStates
}

// jsonataInput is what an expression's paths start from: $states.input.
func (s *scope) jsonataInput() any {
	if s.states == nil {
		return nil
	}
	return s.jsonataStates()["input"]
}

// setState sets $states.<name> (result, errorOutput). The converted
// $states is replaced, not changed: an expression evaluated before may
// have returned it.
func (s *scope) setState(name string, v any) {
	s.states[name] = v
	if s.jsonStates != nil {
		states := make(map[string]any, len(s.jsonStates)+1)
		for k, e := range s.jsonStates {
			states[k] = e
		}
		states[name] = withJSONataNulls(v)
		s.jsonStates = states
	}
}

// jsonataNull is gnata's JSON null. gnata reads a Go nil as JSONata's
// undefined, so a null in the data would vanish from an object built
// from it and make a path to it look undefined; the engine's plain JSON
// values hold null as nil and are converted before evaluation.
var jsonataNull = func() any {
	v, err := gnata.DecodeJSON(json.RawMessage("null"))
	if err != nil || !gnata.IsNull(v) {
		panic(fmt.Sprintf("gnata does not decode null as its null sentinel: %v, %v", v, err))
	}
	return v
}()

// withJSONataNulls returns v with every JSON null as jsonataNull. It
// copies only the objects and arrays that hold a null, so data without
// nulls, the usual case, is passed as it is.
func withJSONataNulls(v any) any {
	out, _ := nullsConverted(v)
	return out
}

// nullsConverted is withJSONataNulls, and whether it changed anything.
func nullsConverted(v any) (any, bool) {
	switch x := v.(type) {
	case nil:
		return jsonataNull, true
	case map[string]any:
		var out map[string]any
		for k, e := range x {
			c, changed := nullsConverted(e)
			if !changed {
				continue
			}
			if out == nil {
				out = make(map[string]any, len(x))
				for k2, e2 := range x {
					out[k2] = e2
				}
			}
			out[k] = c
		}
		if out == nil {
			return x, false
		}
		return out, true
	case []any:
		var out []any
		for i, e := range x {
			c, changed := nullsConverted(e)
			if !changed {
				continue
			}
			if out == nil {
				out = append([]any(nil), x...)
			}
			out[i] = c
		}
		if out == nil {
			return x, false
		}
		return out, true
	}
	return v, false
}
