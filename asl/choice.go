package asl

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// choiceRule is a rule of a Choice state, decoded generically.
type choiceRule map[string]any

// choice runs a Choice state: the first rule that matches gives the next
// state, else Default.
func (rt *runtime) choice(st *State, input any, f *frame, entered time.Time) (any, string, *Failure) {
	var sc *scope
	effective := input
	if st.QueryLanguage == JSONata {
		sc = rt.jsonataScope(st, input, f, entered, 0, "")
	} else {
		sc = rt.jsonPathScope(st, input, f, entered, 0, "")
		var fail *Failure
		if effective, fail = inputPath(st, sc); fail != nil {
			return nil, "", fail
		}
		f.inspect.record(inspectAfterInputPath, effective)
		sc.input = effective
	}
	next := ""
	var ruleAssign json.RawMessage
	choices := st.compiled().choices
	for i, raw := range st.Choices {
		var c choice
		ok := true
		if choices != nil {
			c = choices[i]
		} else if c, ok = choiceOf(raw); !ok {
			return nil, "", failf(ErrRuntime, "Choices[%d] of state %q is not an object", i, st.Name)
		}
		matched, err := rt.evalRule(st, c.rule, sc)
		if err != nil {
			return nil, "", asFailure(err)
		}
		if matched {
			next, ruleAssign = c.next, c.assign
			break
		}
	}
	if next == "" {
		next = st.Default
	}
	if next == "" {
		return nil, "", failf(ErrNoChoiceMatched, "no Choice rule of state %q matched, and it has no Default", st.Name)
	}
	if fail := rt.assignState(st, sc, f); fail != nil {
		return nil, "", fail
	}
	if fail := rt.assign(st, ruleAssign, sc, f); fail != nil {
		return nil, "", fail
	}
	if st.QueryLanguage == JSONata {
		out, fail := rt.jsonataOutput(st, sc, f, input)
		return out, next, fail
	}
	out, fail := outputPath(st, effective, sc)
	return out, next, fail
}

// comparisons are the JSONPath Choice operators with the type they compare.
var comparisons = map[string]string{
	"StringEquals": "string", "StringLessThan": "string", "StringGreaterThan": "string",
	"StringLessThanEquals": "string", "StringGreaterThanEquals": "string", "StringMatches": "string",
	"NumericEquals": "number", "NumericLessThan": "number", "NumericGreaterThan": "number",
	"NumericLessThanEquals": "number", "NumericGreaterThanEquals": "number",
	"BooleanEquals":   "boolean",
	"TimestampEquals": "timestamp", "TimestampLessThan": "timestamp", "TimestampGreaterThan": "timestamp",
	"TimestampLessThanEquals": "timestamp", "TimestampGreaterThanEquals": "timestamp",
	"IsNull": "test", "IsPresent": "test", "IsNumeric": "test", "IsString": "test", "IsBoolean": "test", "IsTimestamp": "test",
}

// ruleOperator finds the one comparison operator of a rule (with a
// trailing "Path" for the path form).
func ruleOperator(rule choiceRule) (op string, path bool, err error) {
	var found []string
	for k := range rule {
		if _, ok := comparisons[k]; ok {
			found = append(found, k)
		} else if base, ok := strings.CutSuffix(k, "Path"); ok && comparisons[base] != "" && comparisons[base] != "test" && base != "StringMatches" {
			found = append(found, k)
		}
	}
	if len(found) != 1 {
		return "", false, fmt.Errorf("a rule needs exactly one comparison operator, found %v", found)
	}
	op = found[0]
	if _, ok := comparisons[op]; ok {
		return op, false, nil
	}
	return strings.TrimSuffix(op, "Path"), true, nil
}

// evalRule evaluates a Choice rule: And, Or, Not, a comparison, or (in
// JSONata) a Condition.
func (rt *runtime) evalRule(st *State, rule *rule, sc *scope) (bool, error) {
	switch {
	case rule.hasCondition:
		v, err := rule.condition.eval("Condition", sc, rt)
		if err != nil {
			return false, err
		}
		b, ok := v.(bool)
		if !ok {
			return false, failf(ErrQueryEvaluationError, "the Condition of a rule of state %q gave %s, not a boolean", st.Name, toJSON(v))
		}
		return b, nil
	case rule.hasAnd:
		for _, r := range rule.and {
			ok, err := rt.evalRule(st, r, sc)
			if err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case rule.hasOr:
		for _, r := range rule.or {
			ok, err := rt.evalRule(st, r, sc)
			if err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case rule.not != nil:
		ok, err := rt.evalRule(st, rule.not, sc)
		return !ok && err == nil, err
	}
	if rule.opErr != nil {
		return false, failf(ErrRuntime, "state %q: %v", st.Name, rule.opErr)
	}
	value, present, err := sc.getPath(rule.variable)
	if err != nil {
		return false, failf(ErrRuntime, "state %q: %v", st.Name, err)
	}
	op := rule.op
	if op == "IsPresent" {
		want, _ := rule.operand.(bool)
		return present == want, nil
	}
	if !present {
		return false, failf(ErrRuntime, "Invalid path '%s': the choice state's condition path references an invalid value.", rule.variable.src)
	}
	operand := rule.operand
	if rule.isPath {
		v, ok, err := sc.getPath(rule.operandPath)
		if err != nil || !ok {
			return false, failf(ErrRuntime, "Invalid path '%s': the choice state's condition path references an invalid value.", rule.operandPath.src)
		}
		operand = v
	}
	return compare(op, value, operand), nil
}

// compare applies a comparison. Values of another type than the operator
// compares never match: Step Functions evaluates such a rule to false
// rather than failing.
func compare(op string, value, operand any) bool {
	switch op {
	case "IsNull":
		want, _ := operand.(bool)
		return (value == nil) == want
	case "IsNumeric":
		_, ok := value.(float64)
		return ok == operand.(bool)
	case "IsString":
		_, ok := value.(string)
		return ok == operand.(bool)
	case "IsBoolean":
		_, ok := value.(bool)
		return ok == operand.(bool)
	case "IsTimestamp":
		_, ok := timestampOf(value)
		return ok == operand.(bool)
	case "StringMatches":
		s, ok1 := value.(string)
		pattern, ok2 := operand.(string)
		return ok1 && ok2 && wildcardMatch(pattern, s)
	case "BooleanEquals":
		a, ok1 := value.(bool)
		b, ok2 := operand.(bool)
		return ok1 && ok2 && a == b
	}
	var cmp int
	switch comparisons[op] {
	case "string":
		a, ok1 := value.(string)
		b, ok2 := operand.(string)
		if !ok1 || !ok2 {
			return false
		}
		cmp = strings.Compare(a, b)
	case "number":
		a, ok1 := value.(float64)
		b, ok2 := operand.(float64)
		if !ok1 || !ok2 {
			return false
		}
		cmp = compareFloat(a, b)
	case "timestamp":
		a, ok1 := timestampOf(value)
		b, ok2 := timestampOf(operand)
		if !ok1 || !ok2 {
			return false
		}
		cmp = a.Compare(b)
	default:
		return false
	}
	switch {
	case strings.HasSuffix(op, "LessThanEquals"):
		return cmp <= 0
	case strings.HasSuffix(op, "GreaterThanEquals"):
		return cmp >= 0
	case strings.HasSuffix(op, "LessThan"):
		return cmp < 0
	case strings.HasSuffix(op, "GreaterThan"):
		return cmp > 0
	}
	return cmp == 0
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func timestampOf(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// wildcardMatch matches StringMatches patterns: * is any run of
// characters, \* a literal star and \\ a backslash.
func wildcardMatch(pattern, s string) bool {
	var re strings.Builder
	re.WriteString("^")
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '\\' && i+1 < len(pattern):
			i++
			re.WriteString(regexp.QuoteMeta(string(pattern[i])))
		case c == '*':
			re.WriteString("(?s:.*)")
		default:
			re.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	re.WriteString("$")
	ok, err := regexp.MatchString(re.String(), s)
	return err == nil && ok
}
