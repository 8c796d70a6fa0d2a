package asl

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Validate checks a parsed state machine the way Step Functions does before
// it accepts a definition, and reports every problem with its state and
// field.
func Validate(sm *StateMachine) error {
	v := &validator{}
	v.machine(sm, "", true)
	if len(v.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: v.problems}
}

type validator struct {
	problems []Problem
}

func (v *validator) add(state, field, format string, args ...any) {
	v.problems = append(v.problems, Problem{State: state, Field: field, Message: fmt.Sprintf(format, args...)})
}

var stateTypes = map[string]bool{TypePass: true, TypeTask: true, TypeChoice: true, TypeWait: true, TypeSucceed: true, TypeFail: true, TypeParallel: true, TypeMap: true}

// fieldsByType lists the fields each state type may carry besides Type,
// Comment and QueryLanguage, per query language.
var jsonPathOnly = []string{"InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "ItemsPath", "SecondsPath", "TimestampPath", "TimeoutSecondsPath", "HeartbeatSecondsPath", "ErrorPath", "CausePath", "MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath"}
var jsonataOnly = []string{"Arguments", "Output", "Items"}

func (v *validator) machine(sm *StateMachine, owner string, top bool) {
	if sm.StartAt == "" {
		v.add(owner, "StartAt", "is missing: name the first state")
	} else if _, ok := sm.States[sm.StartAt]; !ok {
		v.add(owner, "StartAt", "names %q, which is not a state of %s", sm.StartAt, scopeName(owner))
	}
	if len(sm.States) == 0 {
		v.add(owner, "States", "is empty")
	}
	for _, name := range sm.sortedStateNames() {
		v.state(sm, sm.States[name])
	}
	v.reachability(sm, owner)
}

func scopeName(owner string) string {
	if owner == "" {
		return "the state machine"
	}
	return fmt.Sprintf("the branch or item processor of %q", owner)
}

func (v *validator) transition(sm *StateMachine, st *State, field, target string) {
	if target == "" {
		return
	}
	if _, ok := sm.States[target]; !ok {
		v.add(st.Name, field, "names %q, which is not a state of the same scope", target)
	}
}

func (v *validator) state(sm *StateMachine, st *State) {
	name := st.Name
	if !stateTypes[st.Type] {
		if st.Type != "invalid" {
			v.add(name, "Type", "%q is not a state type; use Pass, Task, Choice, Wait, Succeed, Fail, Parallel or Map", st.Type)
		}
		return
	}
	if len(name) > 80 || name == "" {
		v.add(name, "", "a state name must be 1-80 characters")
	}
	v.languageFields(st)

	switch st.Type {
	case TypeChoice, TypeSucceed, TypeFail:
		if st.Next != "" || st.End {
			v.add(name, "Next", "a %s state has neither Next nor End", st.Type)
		}
	default:
		switch {
		case st.Next == "" && !st.End:
			v.add(name, "Next", "is missing: give Next (the state that follows) or End: true")
		case st.Next != "" && st.End:
			v.add(name, "End", "give Next or End, not both")
		}
		v.transition(sm, st, "Next", st.Next)
	}

	if st.QueryLanguage == JSONPath {
		v.paths(st)
	} else {
		for _, f := range []struct {
			name string
			raw  json.RawMessage
		}{{"Arguments", st.Arguments}, {"Output", st.Output}, {"Assign", st.Assign}, {"Items", st.Items}, {"ItemSelector", st.ItemSelector},
			{"TimeoutSeconds", st.TimeoutSeconds}, {"HeartbeatSeconds", st.HeartbeatSeconds}, {"Seconds", st.Seconds}, {"Timestamp", st.Timestamp},
			{"Error", st.Error}, {"Cause", st.Cause}, {"MaxConcurrency", st.MaxConcurrency}} {
			if f.raw != nil {
				for _, p := range checkJSONata(f.raw) {
					v.add(name, f.name, "%s", p)
				}
			}
		}
	}
	if st.Assign != nil && st.QueryLanguage == JSONPath {
		for _, p := range checkTemplate(st.Assign) {
			v.add(name, "Assign", "%s", p)
		}
	}

	switch st.Type {
	case TypeTask:
		v.task(sm, st)
	case TypeChoice:
		v.choice(sm, st)
	case TypeWait:
		n := countSet(st.Seconds != nil, st.Timestamp != nil, st.SecondsPath != "", st.TimestampPath != "")
		if n != 1 {
			v.add(name, "Seconds", "a Wait state needs exactly one of Seconds, Timestamp, SecondsPath and TimestampPath")
		}
	case TypeFail:
		if st.Error != nil && st.ErrorPath != "" {
			v.add(name, "ErrorPath", "give Error or ErrorPath, not both")
		}
		if st.Cause != nil && st.CausePath != "" {
			v.add(name, "CausePath", "give Cause or CausePath, not both")
		}
	case TypeParallel:
		if len(st.Branches) == 0 {
			v.add(name, "Branches", "a Parallel state needs at least one branch")
		}
		for _, b := range st.Branches {
			v.machine(b, name, false)
		}
		v.retryCatch(sm, st)
	case TypeMap:
		v.mapState(sm, st)
		v.retryCatch(sm, st)
	}
}

func countSet(flags ...bool) int {
	n := 0
	for _, f := range flags {
		if f {
			n++
		}
	}
	return n
}

// languageFields refuses fields of the other query language.
func (v *validator) languageFields(st *State) {
	present := map[string]bool{
		"InputPath": st.InputPath.IsSet(), "OutputPath": st.OutputPath.IsSet(), "ResultPath": st.ResultPath.IsSet(),
		"Parameters": st.Parameters != nil, "ResultSelector": st.ResultSelector != nil, "ItemsPath": st.ItemsPath != "",
		"SecondsPath": st.SecondsPath != "", "TimestampPath": st.TimestampPath != "", "TimeoutSecondsPath": st.TimeoutSecondsPath != "",
		"HeartbeatSecondsPath": st.HeartbeatSecondsPath != "", "ErrorPath": st.ErrorPath != "", "CausePath": st.CausePath != "",
		"MaxConcurrencyPath": st.MaxConcurrencyPath != "", "ToleratedFailureCountPath": st.ToleratedFailureCountPath != "",
		"ToleratedFailurePercentagePath": st.ToleratedFailurePercentagePath != "",
		"Arguments":                      st.Arguments != nil, "Output": st.Output != nil, "Items": st.Items != nil,
	}
	forbidden := jsonataOnly
	if st.QueryLanguage == JSONata {
		forbidden = jsonPathOnly
	}
	for _, f := range forbidden {
		if present[f] {
			v.add(st.Name, f, "is a %s field; this state uses %s", otherLanguage(st.QueryLanguage), st.QueryLanguage)
		}
	}
}

func otherLanguage(l QueryLanguage) QueryLanguage {
	if l == JSONata {
		return JSONPath
	}
	return JSONata
}

// paths checks the JSONPath fields' syntax.
func (v *validator) paths(st *State) {
	for _, f := range []struct {
		name string
		o    optionalString
		ref  bool
	}{{"InputPath", st.InputPath, false}, {"OutputPath", st.OutputPath, false}, {"ResultPath", st.ResultPath, true}} {
		path, ok := f.o.Path()
		if !ok || path == "$" {
			continue
		}
		var err error
		if f.ref {
			err = checkReferencePath(path)
		} else {
			_, err = compilePath(path)
		}
		if err != nil {
			v.add(st.Name, f.name, "%v", err)
		}
	}
	for _, f := range []struct {
		name string
		path string
	}{{"ItemsPath", st.ItemsPath}, {"SecondsPath", st.SecondsPath}, {"TimestampPath", st.TimestampPath}, {"TimeoutSecondsPath", st.TimeoutSecondsPath},
		{"HeartbeatSecondsPath", st.HeartbeatSecondsPath}, {"MaxConcurrencyPath", st.MaxConcurrencyPath},
		{"ToleratedFailureCountPath", st.ToleratedFailureCountPath}, {"ToleratedFailurePercentagePath", st.ToleratedFailurePercentagePath}} {
		if f.path == "" {
			continue
		}
		if err := checkReferencePath(f.path); err != nil {
			v.add(st.Name, f.name, "%v", err)
		}
	}
	for _, f := range []struct {
		name string
		path string
	}{{"ErrorPath", st.ErrorPath}, {"CausePath", st.CausePath}} {
		if f.path == "" {
			continue
		}
		var err error
		if isIntrinsic(f.path) {
			_, err = parseIntrinsic(f.path)
		} else {
			err = checkReferencePath(f.path)
		}
		if err != nil {
			v.add(st.Name, f.name, "%v", err)
		}
	}
	for _, f := range []struct {
		name string
		raw  json.RawMessage
	}{{"Parameters", st.Parameters}, {"ResultSelector", st.ResultSelector}, {"ItemSelector", st.ItemSelector}} {
		if f.raw == nil {
			continue
		}
		for _, p := range checkTemplate(f.raw) {
			v.add(st.Name, f.name, "%s", p)
		}
	}
}

func (v *validator) task(sm *StateMachine, st *State) {
	if st.Resource == "" {
		v.add(st.Name, "Resource", "is missing: give the ARN of the function, activity or service integration")
	} else if !strings.HasPrefix(st.Resource, "arn:") {
		v.add(st.Name, "Resource", "%q is not an ARN", st.Resource)
	}
	timeout := numberField(st.TimeoutSeconds)
	heartbeat := numberField(st.HeartbeatSeconds)
	if st.QueryLanguage == JSONPath {
		if st.TimeoutSeconds != nil && st.TimeoutSecondsPath != "" {
			v.add(st.Name, "TimeoutSecondsPath", "give TimeoutSeconds or TimeoutSecondsPath, not both")
		}
		if st.HeartbeatSeconds != nil && st.HeartbeatSecondsPath != "" {
			v.add(st.Name, "HeartbeatSecondsPath", "give HeartbeatSeconds or HeartbeatSecondsPath, not both")
		}
		for _, f := range []struct {
			name string
			raw  json.RawMessage
			n    float64
		}{{"TimeoutSeconds", st.TimeoutSeconds, timeout}, {"HeartbeatSeconds", st.HeartbeatSeconds, heartbeat}} {
			if f.raw != nil && (f.n < 1 || f.n > 99999999 || f.n != float64(int64(f.n))) {
				v.add(st.Name, f.name, "%s is not a whole number of seconds from 1 to 99999999", string(f.raw))
			}
		}
	}
	if timeout > 0 && heartbeat > 0 && heartbeat >= timeout {
		v.add(st.Name, "HeartbeatSeconds", "%v must be shorter than TimeoutSeconds %v", heartbeat, timeout)
	}
	v.retryCatch(sm, st)
}

func numberField(raw json.RawMessage) float64 {
	var n float64
	if raw != nil && json.Unmarshal(raw, &n) == nil {
		return n
	}
	return 0
}

func (v *validator) retryCatch(sm *StateMachine, st *State) {
	for i, r := range st.Retry {
		field := fmt.Sprintf("Retry[%d]", i)
		v.errorEquals(st, field, r.ErrorEquals, i == len(st.Retry)-1)
		if r.MaxAttempts != nil && (*r.MaxAttempts < 0 || *r.MaxAttempts > 99999999 || *r.MaxAttempts != float64(int64(*r.MaxAttempts))) {
			v.add(st.Name, field+".MaxAttempts", "%v must be a whole number from 0 to 99999999", *r.MaxAttempts)
		}
		if r.IntervalSeconds != nil && (*r.IntervalSeconds < 1 || *r.IntervalSeconds != float64(int64(*r.IntervalSeconds))) {
			v.add(st.Name, field+".IntervalSeconds", "%v must be a whole number of seconds, at least 1", *r.IntervalSeconds)
		}
		if r.BackoffRate != nil && *r.BackoffRate < 1 {
			v.add(st.Name, field+".BackoffRate", "%v must be at least 1.0", *r.BackoffRate)
		}
		if r.MaxDelaySeconds != nil && (*r.MaxDelaySeconds < 1 || *r.MaxDelaySeconds >= 31622401) {
			v.add(st.Name, field+".MaxDelaySeconds", "%v must be from 1 to 31622400 seconds", *r.MaxDelaySeconds)
		}
		if r.JitterStrategy != "" && r.JitterStrategy != "FULL" && r.JitterStrategy != "NONE" {
			v.add(st.Name, field+".JitterStrategy", "%q must be FULL or NONE", r.JitterStrategy)
		}
	}
	for i, c := range st.Catch {
		field := fmt.Sprintf("Catch[%d]", i)
		v.errorEquals(st, field, c.ErrorEquals, i == len(st.Catch)-1)
		if c.Next == "" {
			v.add(st.Name, field+".Next", "is missing: name the state that handles the error")
		}
		v.transition(sm, st, field+".Next", c.Next)
		if path, ok := c.ResultPath.Path(); ok && path != "$" {
			if err := checkReferencePath(path); err != nil {
				v.add(st.Name, field+".ResultPath", "%v", err)
			}
		}
		if st.QueryLanguage == JSONPath && c.Output != nil {
			v.add(st.Name, field+".Output", "is a JSONata field; this state uses JSONPath")
		}
		if st.QueryLanguage == JSONata && c.ResultPath.IsSet() {
			v.add(st.Name, field+".ResultPath", "is a JSONPath field; this state uses JSONata")
		}
	}
}

// errorEquals checks one ErrorEquals: non-empty, and States.ALL alone in
// the last retrier or catcher.
func (v *validator) errorEquals(st *State, field string, names []string, last bool) {
	if len(names) == 0 {
		v.add(st.Name, field+".ErrorEquals", "is empty: list the errors it handles")
	}
	for _, n := range names {
		if n == ErrALL && (len(names) > 1 || !last) {
			v.add(st.Name, field+".ErrorEquals", "States.ALL must be the only error of the last retrier or catcher")
		}
		if strings.HasPrefix(n, "States.") && !predefinedErrors[n] {
			v.add(st.Name, field+".ErrorEquals", "%q is not a predefined error", n)
		}
	}
}

var predefinedErrors = map[string]bool{
	ErrALL: true, ErrHeartbeatTimeout: true, ErrTimeout: true, ErrTaskFailed: true, ErrPermissions: true,
	ErrResultPathMatchFailure: true, ErrParameterPathFailure: true, ErrQueryEvaluationError: true, ErrBranchFailed: true,
	ErrNoChoiceMatched: true, ErrIntrinsicFailure: true, ErrExceedToleratedFailure: true, ErrItemReaderFailed: true,
	ErrResultWriterFailed: true, ErrRuntime: true, ErrDataLimitExceeded: true, "States.Aborted": true,
}

func (v *validator) choice(sm *StateMachine, st *State) {
	if len(st.Choices) == 0 {
		v.add(st.Name, "Choices", "a Choice state needs at least one rule")
	}
	for i, raw := range st.Choices {
		var rule choiceRule
		field := fmt.Sprintf("Choices[%d]", i)
		if err := json.Unmarshal(raw, &rule); err != nil {
			v.add(st.Name, field, "is not an object")
			continue
		}
		next, _ := rule["Next"].(string)
		if next == "" {
			v.add(st.Name, field+".Next", "is missing: a top-level rule names the state it leads to")
		}
		v.transition(sm, st, field+".Next", next)
		v.rule(st, field, rule, true)
	}
	v.transition(sm, st, "Default", st.Default)
}

func (v *validator) rule(st *State, field string, rule choiceRule, top bool) {
	if !top {
		if _, ok := rule["Next"]; ok {
			v.add(st.Name, field+".Next", "only a top-level rule has Next")
		}
	}
	if st.QueryLanguage == JSONata {
		cond, ok := rule["Condition"]
		if !ok {
			v.add(st.Name, field+".Condition", "is missing: a JSONata rule is a Condition")
			return
		}
		raw, _ := json.Marshal(cond)
		for _, p := range checkJSONata(raw) {
			v.add(st.Name, field+".Condition", "%s", p)
		}
		return
	}
	for _, op := range []string{"And", "Or"} {
		if list, ok := rule[op]; ok {
			rules, ok := list.([]any)
			if !ok || len(rules) == 0 {
				v.add(st.Name, field+"."+op, "must be a non-empty array of rules")
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
			v.add(st.Name, field+".Not", "must be a rule")
			return
		}
		v.rule(st, field+".Not", m, false)
		return
	}
	variable, _ := rule["Variable"].(string)
	if variable == "" {
		v.add(st.Name, field+".Variable", "is missing: a comparison names the Variable it tests")
	} else if err := checkReferencePath(variable); err != nil {
		v.add(st.Name, field+".Variable", "%v", err)
	}
	op, isPath, err := ruleOperator(rule)
	if err != nil {
		v.add(st.Name, field, "%v", err)
		return
	}
	if isPath {
		p, _ := rule[op+"Path"].(string)
		if err := checkReferencePath(p); err != nil {
			v.add(st.Name, field+"."+op+"Path", "%v", err)
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
		v.add(st.Name, field+"."+op, "%s is not a valid operand for %s", toJSON(operand), op)
	}
}

func (v *validator) mapState(sm *StateMachine, st *State) {
	if st.ItemProcessor == nil {
		v.add(st.Name, "ItemProcessor", "is missing: give the states that process each item")
		return
	}
	mode := st.ItemProcessor.ProcessorConfig.Mode
	if mode != "" && mode != "INLINE" && mode != "DISTRIBUTED" {
		v.add(st.Name, "ItemProcessor.ProcessorConfig.Mode", "%q must be INLINE or DISTRIBUTED", mode)
	}
	if mode != "DISTRIBUTED" {
		for _, f := range []struct {
			name string
			set  bool
		}{{"ItemReader", st.ItemReader != nil}, {"ItemBatcher", st.ItemBatcher != nil}, {"ResultWriter", st.ResultWriter != nil},
			{"ToleratedFailureCount", st.ToleratedFailureCount != nil}, {"ToleratedFailurePercentage", st.ToleratedFailurePercentage != nil}, {"Label", st.Label != ""}} {
			if f.set {
				v.add(st.Name, f.name, "is a Distributed Map field; set ItemProcessor.ProcessorConfig.Mode to DISTRIBUTED")
			}
		}
	}
	if pct := numberField(st.ToleratedFailurePercentage); pct < 0 || pct > 100 {
		v.add(st.Name, "ToleratedFailurePercentage", "%v must be between 0 and 100", pct)
	}
	if st.ItemReader != nil && st.ItemReader.Resource == "" {
		v.add(st.Name, "ItemReader.Resource", "is missing")
	}
	if st.ResultWriter != nil && st.ResultWriter.Resource == "" {
		v.add(st.Name, "ResultWriter.Resource", "is missing")
	}
	v.machine(st.ItemProcessor, st.Name, false)
}

// reachability reports states no path from StartAt leads to.
func (v *validator) reachability(sm *StateMachine, owner string) {
	seen := map[string]bool{}
	var visit func(name string)
	visit = func(name string) {
		st, ok := sm.States[name]
		if !ok || seen[name] {
			return
		}
		seen[name] = true
		visit(st.Next)
		visit(st.Default)
		for _, c := range st.Catch {
			visit(c.Next)
		}
		for _, raw := range st.Choices {
			var rule map[string]any
			if json.Unmarshal(raw, &rule) == nil {
				next, _ := rule["Next"].(string)
				visit(next)
			}
		}
	}
	visit(sm.StartAt)
	var unreachable []string
	for name := range sm.States {
		if !seen[name] {
			unreachable = append(unreachable, name)
		}
	}
	sort.Strings(unreachable)
	if sm.StartAt == "" || sm.States[sm.StartAt] == nil {
		return // reported already
	}
	for _, name := range unreachable {
		v.add(name, "", "no state leads to it: it is unreachable from StartAt %q", sm.StartAt)
	}
}
