package fakes

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/sfnkit/sfnkit/asl"
)

// Table is an in-memory DynamoDB table. Items are kept in DynamoDB's JSON
// form ({"S": "x"}), as the Step Functions integration passes them.
type Table struct {
	Name                  string
	PartitionKey, SortKey string

	mu    sync.Mutex
	items map[string]map[string]any
}

// Items returns a copy of every item, sorted by key.
func (t *Table) Items() []map[string]any {
	t.mu.Lock()
	defer t.mu.Unlock()
	keys := make([]string, 0, len(t.items))
	for k := range t.items {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]map[string]any, len(keys))
	for i, k := range keys {
		out[i] = copyItem(t.items[k])
	}
	return out
}

// Get returns the item with these key values (plain strings), or nil.
func (t *Table) Get(partition string, sort ...string) map[string]any {
	key := map[string]any{t.PartitionKey: map[string]any{"S": partition}}
	if t.SortKey != "" && len(sort) > 0 {
		key[t.SortKey] = map[string]any{"S": sort[0]}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if item, ok := t.items[t.keyOf(key)]; ok {
		return copyItem(item)
	}
	return nil
}

func (t *Table) keyOf(item map[string]any) string {
	k := fmt.Sprint(item[t.PartitionKey])
	if t.SortKey != "" {
		k += "\x00" + fmt.Sprint(item[t.SortKey])
	}
	return k
}

// copyItem deep-copies an item.
func copyItem(item map[string]any) map[string]any {
	out := make(map[string]any, len(item))
	for k, v := range item {
		out[k] = copyValue(v)
	}
	return out
}

// copyValue deep-copies an attribute value. The table copies what it
// stores and what it returns: a task's input is read-only and shared with
// the execution's history (see asl.TaskRequest), and the engine keeps a
// task's result as it is.
func copyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return copyItem(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = copyValue(e)
		}
		return out
	}
	return v
}

// conditionFailed is the error DynamoDB's optimized integration raises.
func conditionFailed() error {
	return &asl.Failure{Name: "DynamoDB.ConditionalCheckFailedException", Cause: "The conditional request failed"}
}

func unsupported(what string) error {
	return &asl.Failure{Name: "DynamoDB.ValidationException", Cause: "the in-memory DynamoDB does not support " + what}
}

type expression struct {
	names  map[string]any
	values map[string]any
}

func (e expression) name(n string) string {
	if strings.HasPrefix(n, "#") {
		if v, ok := e.names[n].(string); ok {
			return v
		}
	}
	return n
}

var (
	condExists    = regexp.MustCompile(`^attribute_(not_)?exists\(\s*([#\w]+)\s*\)$`)
	condCompare   = regexp.MustCompile(`^([#\w]+)\s*(=|<>|<=|>=|<|>)\s*(:\w+)$`)
	setAssignment = regexp.MustCompile(`^([#\w]+)\s*=\s*(?:([#\w]+)\s*([+-])\s*)?(:\w+)$`)
	addAssignment = regexp.MustCompile(`^([#\w]+)\s+(:\w+)$`)
)

// check evaluates a ConditionExpression: attribute_exists, attribute_not_
// exists and comparisons (= <> < <= > >=), joined by AND and OR, with
// parentheses.
func (e expression) check(cond string, item map[string]any) (bool, error) {
	cond = strings.TrimSpace(cond)
	if cond == "" {
		return true, nil
	}
	if parts := splitTop(cond, " OR "); len(parts) > 1 {
		for _, p := range parts {
			ok, err := e.check(p, item)
			if err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	}
	if parts := splitTop(cond, " AND "); len(parts) > 1 {
		for _, p := range parts {
			ok, err := e.check(p, item)
			if err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	}
	if enclosed(cond) {
		return e.check(cond[1:len(cond)-1], item)
	}
	if m := condExists.FindStringSubmatch(cond); m != nil {
		_, exists := item[e.name(m[2])]
		return exists == (m[1] == ""), nil
	}
	if m := condCompare.FindStringSubmatch(cond); m != nil {
		want, ok := e.values[m[3]]
		if !ok {
			return false, unsupported("a condition on the undefined value " + m[3])
		}
		got, exists := item[e.name(m[1])]
		if !exists {
			return m[2] == "<>", nil
		}
		c, comparable := compareValues(got, want)
		switch m[2] {
		case "=":
			return comparable && c == 0, nil
		case "<>":
			return !comparable || c != 0, nil
		case "<":
			return comparable && c < 0, nil
		case "<=":
			return comparable && c <= 0, nil
		case ">":
			return comparable && c > 0, nil
		}
		return comparable && c >= 0, nil
	}
	return false, unsupported("the condition " + cond)
}

// compareValues compares two attribute values of the same type (S or N).
func compareValues(a, b any) (int, bool) {
	am, _ := a.(map[string]any)
	bm, _ := b.(map[string]any)
	if n1, ok := am["N"]; ok {
		if n2, ok := bm["N"]; ok {
			var x, y float64
			fmt.Sscan(fmt.Sprint(n1), &x)
			fmt.Sscan(fmt.Sprint(n2), &y)
			switch {
			case x < y:
				return -1, true
			case x > y:
				return 1, true
			}
			return 0, true
		}
		return 0, false
	}
	if s1, ok := am["S"].(string); ok {
		if s2, ok := bm["S"].(string); ok {
			return strings.Compare(s1, s2), true
		}
		return 0, false
	}
	if fmt.Sprint(a) == fmt.Sprint(b) {
		return 0, true
	}
	return 0, false
}

// enclosed reports whether s is one parenthesized expression: "(a AND b)"
// but not "(a) AND (b)".
func enclosed(s string) bool {
	if !strings.HasPrefix(s, "(") || !strings.HasSuffix(s, ")") {
		return false
	}
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 && i < len(s)-1 {
				return false
			}
		}
	}
	return depth == 0
}

// splitTop splits s on sep outside parentheses.
func splitTop(s, sep string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		}
		if depth == 0 && strings.HasPrefix(s[i:], sep) {
			parts = append(parts, s[start:i])
			start = i + len(sep)
			i += len(sep) - 1
		}
	}
	return append(parts, s[start:])
}

// update applies an UpdateExpression of SET a = :v, ... and ADD a :n.
func (e expression) update(expr string, item map[string]any) error {
	clauses := regexp.MustCompile(`\b(SET|ADD|REMOVE)\b`).FindAllStringSubmatchIndex(expr, -1)
	if len(clauses) == 0 {
		return unsupported("the update expression " + expr)
	}
	for i, c := range clauses {
		end := len(expr)
		if i+1 < len(clauses) {
			end = clauses[i+1][0]
		}
		verb, body := expr[c[2]:c[3]], expr[c[1]:end]
		for _, part := range strings.Split(body, ",") {
			part = strings.TrimSpace(part)
			switch verb {
			case "SET":
				m := setAssignment.FindStringSubmatch(part)
				if m == nil {
					return unsupported("the SET action " + part)
				}
				v, ok := e.values[m[4]]
				if !ok {
					return unsupported("the undefined value " + m[4])
				}
				if m[2] != "" { // a = b + :v or a = b - :v
					base, _ := item[e.name(m[2])].(map[string]any)
					delta, _ := v.(map[string]any)
					var x, d float64
					if _, ok := base["N"]; !ok {
						return unsupported("arithmetic on the missing or non-numeric attribute " + m[2])
					}
					fmt.Sscan(fmt.Sprint(base["N"]), &x)
					fmt.Sscan(fmt.Sprint(delta["N"]), &d)
					if m[3] == "-" {
						d = -d
					}
					v = map[string]any{"N": fmt.Sprint(x + d)}
				}
				item[e.name(m[1])] = copyValue(v)
			case "ADD":
				m := addAssignment.FindStringSubmatch(part)
				if m == nil {
					return unsupported("the ADD action " + part)
				}
				add, _ := e.values[m[2]].(map[string]any)
				var n, cur float64
				fmt.Sscan(fmt.Sprint(add["N"]), &n)
				if old, ok := item[e.name(m[1])].(map[string]any); ok {
					fmt.Sscan(fmt.Sprint(old["N"]), &cur)
				}
				item[e.name(m[1])] = map[string]any{"N": fmt.Sprint(cur + n)}
			case "REMOVE":
				delete(item, e.name(part))
			}
		}
	}
	return nil
}

// Put stores an item as it is (DynamoDB JSON), for seeding a test.
func (t *Table) Put(item map[string]any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.items[t.keyOf(item)] = copyItem(item)
}
