package asl

import (
	"encoding/json"
	"fmt"
	"strings"
)

// choice checks a Choice state's rules and Default.
func (v *validator) choice(sm *StateMachine, st *State) {
	if len(st.Choices) == 0 {
		v.add("choice-rules", "Choices", "a Choice state needs at least one rule")
	}
	for i, raw := range st.Choices {
		var rule choiceRule
		field := fmt.Sprintf("Choices[%d]", i)
		if err := json.Unmarshal(raw, &rule); err != nil {
			v.add("choice-rules", field, "is not an object")
			continue
		}
		next, _ := rule["Next"].(string)
		if next == "" {
			v.add("choice-rules", field+".Next", "is missing: a top-level rule names the state it leads to")
		}
		v.transition(sm, field+".Next", next)
		v.rule(st, field, rule, true)
		assign, _ := json.Marshal(rule["Assign"])
		output, _ := json.Marshal(rule["Output"])
		if _, ok := rule["Assign"]; !ok {
			assign = nil
		}
		if _, ok := rule["Output"]; !ok {
			output = nil
		}
		v.assignOutput(st, field, assign, output)
	}
	v.transition(sm, "Default", st.Default)
}

// ruleFields are the fields of a Choice rule besides its comparison
// operator.
var ruleFields = map[string]bool{"Variable": true, "Next": true, "And": true, "Or": true, "Not": true, "Comment": true, "Assign": true, "Output": true, "Condition": true}

func (v *validator) rule(st *State, field string, rule choiceRule, top bool) {
	for k := range rule {
		base := strings.TrimSuffix(k, "Path")
		if !ruleFields[k] && comparisons[k] == "" && (comparisons[base] == "" || comparisons[base] == "test") {
			v.add("choice-rules", field+"."+k, "is not a field of a Choice rule: a rule has Variable and one comparison (StringEquals, NumericLessThanPath, ...), or And, Or, Not, or a JSONata Condition")
		}
	}
	if !top {
		if _, ok := rule["Next"]; ok {
			v.add("choice-rules", field+".Next", "only a top-level rule has Next")
		}
	}
	if st.QueryLanguage == JSONata {
		cond, ok := rule["Condition"]
		if !ok {
			v.add("choice-rules", field+".Condition", "is missing: a JSONata rule is a Condition")
			return
		}
		raw, _ := json.Marshal(cond)
		for _, p := range checkJSONata(raw) {
			v.add("choice-rules", field+".Condition", "%s", p)
		}
		v.jsonataSemantics(st, field+".Condition", raw)
		return
	}
	for _, op := range []string{"And", "Or"} {
		if list, ok := rule[op]; ok {
			rules, ok := list.([]any)
			if !ok || len(rules) == 0 {
				v.add("choice-rules", field+"."+op, "must be a non-empty array of rules")
				return
			}
			for i, r := range rules {
				m, _ := r.(map[string]any)
				v.rule(st, fmt.Sprintf("%s.%s[%d]", field, op, i), m, false)
			}
			return
		}
	}
	if not, ok := rule["Not"]; ok {
		m, ok := not.(map[string]any)
		if !ok {
			v.add("choice-rules", field+".Not", "must be a rule")
			return
		}
		v.rule(st, field+".Not", m, false)
		return
	}
	variable, _ := rule["Variable"].(string)
	if variable == "" {
		v.add("choice-rules", field+".Variable", "is missing: a comparison names the Variable it tests")
	} else if err := checkReferencePath(variable); err != nil {
		v.add("choice-rules", field+".Variable", "%v", err)
	}
	op, isPath, err := ruleOperator(rule)
	if err != nil {
		v.add("choice-rules", field, "%v", err)
		return
	}
	if isPath {
		p, _ := rule[op+"Path"].(string)
		if err := checkReferencePath(p); err != nil {
			v.add("choice-rules", field+"."+op+"Path", "%v", err)
		}
		return
	}
	operand := rule[op]
	ok := false
	switch comparisons[op] {
	case "string", "timestamp":
		_, ok = operand.(string)
	case "number":
		_, ok = operand.(float64)
	case "boolean", "test":
		_, ok = operand.(bool)
	}
	if !ok {
		v.add("choice-rules", field+"."+op, "%s is not a valid operand for %s", toJSON(operand), op)
	}
}
