package asl

import (
	"encoding/json"
	"strconv"
	"sync/atomic"
)

// statePlan is what a state's fields compile to, once per parsed
// definition: payload templates with their paths parsed, the Result and
// the fixed timeouts decoded, the Choice rules decoded. Executions share
// it and never modify it. A field that does not compile is left out, and
// the engine then reads the field as written, which reports its error
// exactly as before.
type statePlan struct {
	parameters, resultSelector, assign *template // JSONPath states
	result                             any       // a Pass state's Result
	hasResult                          bool
	// timeout and heartbeat are TimeoutSeconds and HeartbeatSeconds
	// when they are plain numbers (JSONPath states).
	timeout, heartbeat       any
	hasTimeout, hasHeartbeat bool
	// choices are a Choice state's rules, or nil if one is not an object.
	choices []choice
	// service, action and pattern are the Task's Resource, parsed.
	service, action, pattern string
	// enteredType and exitedType are the types of the state's history
	// events (TaskStateEntered, ...).
	enteredType, exitedType string
	// historyLen is how many events the last execution that started at
	// this state recorded; the next one's history is made that big, not
	// grown or oversized (it was a fifth of what an execution allocated).
	historyLen atomic.Int32
}

// choice is a top-level Choice rule: the rule, its Next and its Assign.
type choice struct {
	rule   *rule
	next   string
	assign json.RawMessage
}

// rule is a Choice rule compiled from its decoded form; see evalRule.
type rule struct {
	condition    *jsonataTemplate // JSONata Condition
	hasCondition bool
	and, or      []*rule
	hasAnd       bool
	hasOr        bool
	not          *rule
	variable     *compiledPath
	op           string
	isPath       bool
	opErr        error
	operand      any
	operandPath  *compiledPath
}

// planOf compiles a state's fields.
func planOf(st *State) *statePlan {
	p := &statePlan{enteredType: st.Type + "StateEntered", exitedType: st.Type + "StateExited"}
	p.service, p.action, p.pattern = parseResource(st.Resource)
	if st.QueryLanguage != JSONata {
		if st.Parameters != nil {
			p.parameters = compileTemplate(st.Parameters)
		}
		if st.ResultSelector != nil {
			p.resultSelector = compileTemplate(st.ResultSelector)
		}
		if st.Assign != nil {
			p.assign = compileTemplate(st.Assign)
		}
		if st.Result != nil {
			if v, err := decodeJSON(st.Result); err == nil {
				p.result, p.hasResult = v, true
			}
		}
		p.timeout, p.hasTimeout = plainNumber(st.TimeoutSeconds)
		p.heartbeat, p.hasHeartbeat = plainNumber(st.HeartbeatSeconds)
	}
	if st.Type == TypeChoice {
		p.choices = make([]choice, len(st.Choices))
		for i, raw := range st.Choices {
			c, ok := choiceOf(raw)
			if !ok {
				p.choices = nil // the Choice state reports it
				break
			}
			p.choices[i] = c
		}
	}
	return p
}

// plainNumber decodes a field that is a JSON number.
func plainNumber(raw json.RawMessage) (any, bool) {
	if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) || !json.Valid(raw) {
		return nil, false
	}
	n, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return nil, false
	}
	return n, true
}

// plan is the state's compiled form: the one Parse made, or, for a
// State built by hand, a new one.
func (st *State) compiled() *statePlan {
	if st.plan != nil {
		return st.plan
	}
	return planOf(st)
}

// choiceOf compiles a top-level rule; ok is false if it is not an object.
func choiceOf(raw json.RawMessage) (c choice, ok bool) {
	var r choiceRule
	if err := json.Unmarshal(raw, &r); err != nil {
		return c, false
	}
	c = choice{rule: compileRule(r)}
	c.next, _ = r["Next"].(string)
	if a, ok := r["Assign"]; ok {
		c.assign, _ = json.Marshal(a)
	}
	return c, true
}

// compileRule compiles a decoded rule as evalRule reads it.
func compileRule(m choiceRule) *rule {
	r := &rule{}
	if cond, ok := m["Condition"]; ok {
		r.condition, r.hasCondition = &jsonataTemplate{root: compileJTNode(cond, "")}, true
		return r
	}
	sub := func(v any) *rule {
		x, _ := v.(map[string]any)
		return compileRule(x)
	}
	if and, ok := m["And"].([]any); ok {
		r.hasAnd = true
		for _, e := range and {
			r.and = append(r.and, sub(e))
		}
		return r
	}
	if or, ok := m["Or"].([]any); ok {
		r.hasOr = true
		for _, e := range or {
			r.or = append(r.or, sub(e))
		}
		return r
	}
	if not, ok := m["Not"].(map[string]any); ok {
		r.not = compileRule(not)
		return r
	}
	variable, _ := m["Variable"].(string)
	r.variable = pathOf(variable)
	r.op, r.isPath, r.opErr = ruleOperator(m)
	if r.opErr != nil {
		return r
	}
	if r.isPath {
		p, _ := m[r.op+"Path"].(string)
		r.operandPath = pathOf(p)
	} else {
		r.operand = m[r.op]
	}
	return r
}
