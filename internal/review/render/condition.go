package render

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// comparisons maps a Choice operator to how a person writes it.
var comparisons = map[string]string{
	"StringEquals": "==", "StringLessThan": "<", "StringGreaterThan": ">", "StringLessThanEquals": "<=", "StringGreaterThanEquals": ">=",
	"NumericEquals": "==", "NumericLessThan": "<", "NumericGreaterThan": ">", "NumericLessThanEquals": "<=", "NumericGreaterThanEquals": ">=",
	"BooleanEquals": "==", "TimestampEquals": "==", "TimestampLessThan": "<", "TimestampGreaterThan": ">",
	"TimestampLessThanEquals": "<=", "TimestampGreaterThanEquals": ">=", "StringMatches": "matches",
}

// typeTests maps a type-test operator to what its true form says.
var typeTests = map[string]string{
	"IsPresent": "is present", "IsNull": "is null", "IsString": "is a string", "IsNumeric": "is a number",
	"IsBoolean": "is a boolean", "IsTimestamp": "is a timestamp",
}

// Condition writes a Choice rule's condition as a person reads it:
// "$.total >= 100000", "$.shippingError is present", "not ($.a == 1)".
func Condition(rule map[string]any) string {
	if c, ok := rule["Condition"].(string); ok { // JSONata
		return strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(c, "{%"), "%}"))
	}
	for _, op := range []string{"And", "Or"} {
		if list, ok := rule[op].([]any); ok {
			parts := make([]string, 0, len(list))
			for _, r := range list {
				m, _ := r.(map[string]any)
				parts = append(parts, wrap(Condition(m)))
			}
			return strings.Join(parts, " "+strings.ToLower(op)+" ")
		}
	}
	if not, ok := rule["Not"].(map[string]any); ok {
		return "not " + wrap(Condition(not))
	}
	variable, _ := rule["Variable"].(string)
	keys := make([]string, 0, len(rule))
	for k := range rule {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := rule[k]
		if test, ok := typeTests[k]; ok {
			if b, _ := v.(bool); !b {
				return variable + " " + negate(test)
			}
			return variable + " " + test
		}
		op, isPath := strings.CutSuffix(k, "Path")
		if sym, ok := comparisons[op]; ok {
			return variable + " " + sym + " " + operand(v, isPath)
		}
	}
	return "(rule)"
}

func negate(test string) string {
	if rest, ok := strings.CutPrefix(test, "is "); ok {
		return "is not " + rest
	}
	return "not " + test
}

// wrap parenthesizes a compound condition inside another.
func wrap(c string) string {
	if strings.Contains(c, " and ") || strings.Contains(c, " or ") {
		return "(" + c + ")"
	}
	return c
}

func operand(v any, path bool) string {
	if s, ok := v.(string); ok && path {
		return s
	}
	if f, ok := v.(float64); ok {
		return fmt.Sprintf("%g", f)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
