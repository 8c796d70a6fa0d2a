package triggers

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Pattern is an EventBridge event pattern, as documented in "Creating
// event patterns": a field matches one of its array's values (exactly;
// numbers by value), or an operator object: prefix, suffix,
// equals-ignore-case, anything-but (a value, a list, or a prefix or
// suffix), numeric (comparisons joined by AND), exists and wildcard. An
// event field that is an array matches if any element does. "$or" matches
// if any of its patterns does.
type Pattern map[string]any

// ParsePattern reads and checks a pattern; an operator the documentation
// does not define, or one the local EventBridge does not evaluate (cidr),
// is an error that names it.
func ParsePattern(v any) (Pattern, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("an event pattern is a JSON object, not %T", v)
	}
	if err := checkPattern(m, ""); err != nil {
		return nil, err
	}
	return Pattern(m), nil
}

func checkPattern(m map[string]any, path string) error {
	for _, k := range sortedKeys(m) {
		v := m[k]
		if k == "$or" {
			list, ok := v.([]any)
			if !ok || len(list) < 2 {
				return fmt.Errorf("%s$or needs a list of at least two patterns", path)
			}
			for _, alt := range list {
				sub, ok := alt.(map[string]any)
				if !ok {
					return fmt.Errorf("%s$or holds a %T; give patterns (objects)", path, alt)
				}
				if err := checkPattern(sub, path); err != nil {
					return err
				}
			}
			continue
		}
		switch v := v.(type) {
		case map[string]any:
			if err := checkPattern(v, path+k+"."); err != nil {
				return err
			}
		case []any:
			for _, c := range v {
				if op, ok := c.(map[string]any); ok {
					if err := checkOperator(op, path+k); err != nil {
						return err
					}
				}
			}
		default:
			return fmt.Errorf("%s%s is %v; a pattern's leaf must be an array of values, such as [%q]", path, k, v, fmt.Sprint(v))
		}
	}
	return nil
}

func checkOperator(op map[string]any, field string) error {
	if len(op) != 1 {
		return fmt.Errorf("%s: an operator object has exactly one key, not %d", field, len(op))
	}
	for name, arg := range op {
		switch name {
		case "prefix", "suffix", "equals-ignore-case", "wildcard":
			if _, ok := arg.(string); !ok {
				if sub, ok := arg.(map[string]any); !ok || (name != "prefix" && name != "suffix") || sub["equals-ignore-case"] == nil {
					return fmt.Errorf("%s: %s takes a string", field, name)
				}
			}
		case "anything-but", "exists":
		case "numeric":
			list, ok := arg.([]any)
			if !ok || len(list) == 0 || len(list)%2 != 0 {
				return fmt.Errorf("%s: numeric takes pairs of an operator and a number, such as [\">\", 0, \"<=\", 5]", field)
			}
			for i := 0; i < len(list); i += 2 {
				if _, ok := list[i+1].(float64); !ok || !strings.Contains("< <= = >= >", fmt.Sprint(list[i])) {
					return fmt.Errorf("%s: numeric %v %v is not a comparison with a number", field, list[i], list[i+1])
				}
			}
		default:
			return fmt.Errorf("%s: the operator %q is not one the local EventBridge evaluates (prefix, suffix, equals-ignore-case, anything-but, numeric, exists, wildcard)", field, name)
		}
	}
	return nil
}

// Match reports whether the event (decoded JSON) matches, and if not the
// first field that did not.
func (p Pattern) Match(event map[string]any) (bool, string) {
	return matchObject(p, event, "")
}

func matchObject(p map[string]any, event map[string]any, path string) (bool, string) {
	for _, k := range sortedKeys(p) {
		v := p[k]
		if k == "$or" {
			var why []string
			matched := false
			for _, alt := range v.([]any) {
				ok, reason := matchObject(alt.(map[string]any), event, path)
				if ok {
					matched = true
					break
				}
				why = append(why, reason)
			}
			if !matched {
				return false, "no $or alternative matched (" + strings.Join(why, "; ") + ")"
			}
			continue
		}
		value, present := event[k]
		switch v := v.(type) {
		case map[string]any:
			sub, ok := value.(map[string]any)
			if !ok {
				if matchesAbsent(v) && !present {
					continue
				}
				return false, path + k + " is not an object"
			}
			if ok, reason := matchObject(v, sub, path+k+"."); !ok {
				return false, reason
			}
		case []any:
			if !matchField(v, value, present) {
				return false, fmt.Sprintf("%s%s is %s, which matches none of %s", path, k, show(value, present), show(v, true))
			}
		}
	}
	return true, ""
}

// matchesAbsent reports whether a nested pattern matches a missing object:
// only if every leaf asks for exists: false.
func matchesAbsent(p map[string]any) bool {
	for _, v := range p {
		switch v := v.(type) {
		case map[string]any:
			if !matchesAbsent(v) {
				return false
			}
		case []any:
			if !matchField(v, nil, false) {
				return false
			}
		}
	}
	return true
}

// matchField reports whether an event field (present or not) matches any
// of a pattern's conditions.
func matchField(conds []any, value any, present bool) bool {
	values := []any{value}
	if list, ok := value.([]any); ok {
		values = list
	}
	for _, c := range conds {
		if op, ok := c.(map[string]any); ok {
			if e, ok := op["exists"]; ok {
				if e == present || (e != true && e != false) {
					return true
				}
				continue
			}
			if !present {
				continue
			}
			for _, v := range values {
				if matchOperator(op, v) {
					return true
				}
			}
			continue
		}
		if !present {
			continue
		}
		for _, v := range values {
			if equal(c, v) {
				return true
			}
		}
	}
	return false
}

func matchOperator(op map[string]any, v any) bool {
	for name, arg := range op {
		s, isString := v.(string)
		switch name {
		case "prefix", "suffix":
			want, ok := arg.(string)
			fold := false
			if !ok {
				want, _ = arg.(map[string]any)["equals-ignore-case"].(string)
				fold = true
			}
			if !isString {
				return false
			}
			if fold {
				s, want = strings.ToLower(s), strings.ToLower(want)
			}
			if name == "prefix" {
				return strings.HasPrefix(s, want)
			}
			return strings.HasSuffix(s, want)
		case "equals-ignore-case":
			return isString && strings.EqualFold(s, arg.(string))
		case "wildcard":
			return isString && wildcard(arg.(string), s)
		case "anything-but":
			switch a := arg.(type) {
			case []any:
				for _, x := range a {
					if equal(x, v) {
						return false
					}
				}
				return true
			case map[string]any:
				return !matchOperator(a, v)
			default:
				return !equal(a, v)
			}
		case "numeric":
			n, ok := v.(float64)
			if !ok {
				return false
			}
			list := arg.([]any)
			for i := 0; i < len(list); i += 2 {
				x := list[i+1].(float64)
				if !map[string]bool{"<": n < x, "<=": n <= x, "=": n == x, ">=": n >= x, ">": n > x}[list[i].(string)] {
					return false
				}
			}
			return true
		}
	}
	return false
}

// wildcard matches s against a pattern in which * stands for any run of
// characters.
func wildcard(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i, part := range parts[1:] {
		if i == len(parts)-2 {
			return strings.HasSuffix(s, part)
		}
		j := strings.Index(s, part)
		if j < 0 {
			return false
		}
		s = s[j+len(part):]
	}
	return true
}

func equal(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func show(v any, present bool) string {
	if !present {
		return "absent"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
