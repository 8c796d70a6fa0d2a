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

func copyItem(item map[string]any) map[string]any {
	out := make(map[string]any, len(item))
	for k, v := range item {
		out[k] = v
	}
	return out
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
	condCompare   = regexp.MustCompile(`^([#\w]+)\s*(=|<>)\s*(:\w+)$`)
	setAssignment = regexp.MustCompile(`^([#\w]+)\s*=\s*(:\w+)$`)
	addAssignment = regexp.MustCompile(`^([#\w]+)\s+(:\w+)$`)
)

// check evaluates a ConditionExpression: attribute_exists, attribute_not_
// exists, = and <> comparisons, joined by AND or OR.
func (e expression) check(cond string, item map[string]any) (bool, error) {
	cond = strings.TrimSpace(cond)
	if cond == "" {
		return true, nil
	}
	if parts := strings.Split(cond, " OR "); len(parts) > 1 {
		for _, p := range parts {
			ok, err := e.check(p, item)
			if err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	}
	if parts := strings.Split(cond, " AND "); len(parts) > 1 {
		for _, p := range parts {
			ok, err := e.check(p, item)
			if err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	}
	if strings.HasPrefix(cond, "(") && strings.HasSuffix(cond, ")") {
		cond = strings.TrimSpace(cond[1 : len(cond)-1])
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
		equal := exists && fmt.Sprint(got) == fmt.Sprint(want)
		return equal == (m[2] == "="), nil
	}
	return false, unsupported("the condition " + cond)
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
				v, ok := e.values[m[2]]
				if !ok {
					return unsupported("the undefined value " + m[2])
				}
				item[e.name(m[1])] = v
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
