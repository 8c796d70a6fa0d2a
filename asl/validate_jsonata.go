package asl

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// The checks of JSONata expressions beyond their syntax, from the
// developer guide's "Transforming data with JSONata in Step Functions":
//   - "Step Functions implements JSONata based on the 2.0.6 spec. All
//     built-in JSONata functions and operators of the 2.0.6 spec are
//     supported, with one exception: $eval is not available. Use $parse
//     instead." The operators ?: and ?? came with JSONata 2.1.0, so Step
//     Functions' parser refuses them although gnata, a 2.x parser, reads
//     them.
//   - "Attempting to access $states.result or $states.errorOutput in
//     fields and states where they are not accessible will be caught at
//     creation, update, or validation of the state machine": the result
//     in the Output and Assign of a Task, Parallel or Map state, the
//     error output in a Catch's Output and Assign.
//   - "the string must start with {% with no leading spaces, and must end
//     with %} with no trailing spaces. Improperly opening or closing the
//     expression will result in a validation error."

// jsonataSemantics reports the unsupported functions and operators and
// the inaccessible $states fields of a JSONata field of st.
func (v *validator) jsonataSemantics(st *State, field string, raw json.RawMessage) {
	resultOK := (st.Type == TypeTask || st.Type == TypeParallel || st.Type == TypeMap) && (field == "Output" || field == "Assign")
	errorOutputOK := strings.HasPrefix(field, "Catch[")
	for _, e := range jsonataTexts(raw) {
		if e.spaced {
			v.add("jsonata-delimiters", field, "%s%q has spaces outside {%% %%}: a JSONata expression must start with {%% and end with %%}; remove the spaces", e.path, e.text)
		}
		s := scanJSONata(e.expr)
		for _, name := range s.functions {
			if why, bad := unsupportedJSONataFunctions[name]; bad {
				v.add("jsonata-unsupported", field, "%s'%s': %s", e.path, e.expr, why)
			}
		}
		for _, op := range s.operators {
			v.add("jsonata-unsupported", field, "%s'%s' uses the operator %s, which came with JSONata 2.1.0; Step Functions implements JSONata 2.0.6: write a conditional (c ? a : b) or $exists instead", e.path, e.expr, op)
		}
		for _, f := range s.states {
			switch {
			case f == "result" && !resultOK:
				v.add("jsonata-states", field, "%s'%s' reads $states.result, which only the Output and Assign of a Task, Parallel or Map state can read: use $states.input, or move the expression there", e.path, e.expr)
			case f == "errorOutput" && !errorOutputOK:
				v.add("jsonata-states", field, "%s'%s' reads $states.errorOutput, which only a Catch's Output and Assign can read: move the expression into the catcher", e.path, e.expr)
			}
		}
	}
}

// jsonataText is one "{% %}" string of a field: its path in the field
// (as checkJSONata writes it), the expression, the string as written and
// whether it has spaces outside the delimiters.
type jsonataText struct {
	path, expr, text string
	spaced           bool
}

// jsonataTexts lists the expressions of a JSONata field's value.
func jsonataTexts(raw json.RawMessage) []jsonataText {
	v, err := decodeJSON(raw)
	if err != nil {
		return nil // checkJSONata reports it
	}
	var out []jsonataText
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case string:
			if expr, ok := jsonataExpr(x); ok {
				out = append(out, jsonataText{path: path, expr: expr, text: x, spaced: strings.TrimSpace(x) != x})
			}
		case map[string]any:
			for _, k := range sortedKeys(x) {
				walk(path+k+": ", x[k])
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]: ", path, i), e)
			}
		}
	}
	walk("", v)
	return out
}

// jsonataScan is what scanJSONata finds in an expression's text.
type jsonataScan struct {
	functions []string // names called or referenced as $name, without the $
	operators []string // JSONata 2.1 operators: ?: and ??
	states    []string // the fields read as $states.field
}

// scanJSONata reads an expression's tokens, skipping strings, quoted
// names and comments, for the checks above. It does not parse: the
// expression has compiled already.
func scanJSONata(expr string) jsonataScan {
	var s jsonataScan
	for i := 0; i < len(expr); i++ {
		switch c := expr[i]; c {
		case '"', '\'', '`':
			i = skipQuoted(expr, i)
		case '/':
			if i+1 < len(expr) && expr[i+1] == '*' {
				end := strings.Index(expr[i+2:], "*/")
				if end < 0 {
					return s
				}
				i += end + 3
			}
		case '?':
			if i+1 < len(expr) && (expr[i+1] == ':' || expr[i+1] == '?') {
				s.operators = append(s.operators, expr[i:i+2])
				i++
			}
		case '$':
			j := i + 1
			for j < len(expr) && isIdent(expr[j]) {
				j++
			}
			name := expr[i+1 : j]
			if name != "" {
				s.functions = append(s.functions, name)
			}
			if name == "states" {
				k := skipSpaces(expr, j)
				if k < len(expr) && expr[k] == '.' {
					k = skipSpaces(expr, k+1)
					f := k
					for f < len(expr) && isIdent(expr[f]) {
						f++
					}
					s.states = append(s.states, expr[k:f])
				}
			}
			i = j - 1
		}
	}
	return s
}

func skipSpaces(s string, i int) int {
	for i < len(s) && strings.IndexByte(" \t\r\n", s[i]) >= 0 {
		i++
	}
	return i
}

// sortedKeys returns an object's keys in order, so diagnostics come out
// in a stable order.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
