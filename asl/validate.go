package asl

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// validator collects the diagnostics of one definition. at is the JSON
// Pointer of the state being checked; raw holds each state's fields as
// written, by pointer, for the checks on which fields are present.
type validator struct {
	diags []Diagnostic
	at    string
	raw   map[string]map[string]json.RawMessage
}

// add reports an ERROR of SCHEMA_VALIDATION_FAILED at field of the
// current state.
func (v *validator) add(rule, field, format string, args ...any) {
	v.report(SeverityError, CodeSchema, rule, field, format, args...)
}

// report records one diagnostic at field of the current state.
func (v *validator) report(sev Severity, code, rule, field, format string, args ...any) {
	v.diags = append(v.diags, Diagnostic{Severity: sev, Code: code, Rule: rule, Location: pointer(v.at, field), Message: fmt.Sprintf(format, args...)})
}

var stateTypes = map[string]bool{TypePass: true, TypeTask: true, TypeChoice: true, TypeWait: true, TypeSucceed: true, TypeFail: true, TypeParallel: true, TypeMap: true}

// jsonPathOnly and jsonataOnly are the fields of one query language.
var jsonPathOnly = []string{"InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "ItemsPath", "SecondsPath", "TimestampPath", "TimeoutSecondsPath", "HeartbeatSecondsPath", "ErrorPath", "CausePath", "MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath"}
var jsonataOnly = []string{"Arguments", "Output", "Items"}

// machine checks a state machine, or a branch or item processor whose
// JSON Pointer is prefix ("" at the top).
func (v *validator) machine(sm *StateMachine, prefix string, top bool) {
	saved := v.at
	defer func() { v.at = saved }()
	v.at = prefix
	if sm.StartAt == "" {
		// "A State Machine MUST have a string field named "StartAt""
		v.add("start-at", "StartAt", "is missing: name the first state")
	} else if _, ok := sm.States[sm.StartAt]; !ok {
		// "whose value MUST exactly match one of names of the "States" fields"
		v.report(SeverityError, CodeMissingTarget, "start-at", "StartAt", "names %q, which is not a state of %s: name one of its States", sm.StartAt, scopeName(prefix))
	}
	if len(sm.States) == 0 {
		v.add("states-nonempty", "States", "is empty: a state machine needs at least one state")
	}
	v.terminal(sm)
	for _, name := range sm.sortedStateNames() {
		v.at = prefix + "/States/" + escapePointer(name)
		v.state(sm, sm.States[name])
	}
	v.at = prefix
	v.reachability(sm, prefix)
}

func scopeName(prefix string) string {
	if prefix == "" {
		return "the state machine"
	}
	return "this branch or item processor"
}

// escapePointer escapes a state name as a JSON Pointer reference token.
func escapePointer(name string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(name)
}

func (v *validator) transition(sm *StateMachine, field, target string) {
	if target == "" {
		return
	}
	if _, ok := sm.States[target]; !ok {
		// "the value of "Next" MUST exactly and case-sensitively match the
		// name of another state" in the same machine.
		v.report(SeverityError, CodeMissingTarget, "transition-target", field, "names %q, which is not a state of the same scope: name a state of this machine, branch or item processor", target)
	}
}

func (v *validator) state(sm *StateMachine, st *State) {
	if !stateTypes[st.Type] {
		if st.Type == "" {
			v.add("state-type", "Type", "is missing: give Pass, Task, Choice, Wait, Succeed, Fail, Parallel or Map")
		} else if st.Type != "invalid" {
			v.add("state-type", "Type", "%q is not a state type; use Pass, Task, Choice, Wait, Succeed, Fail, Parallel or Map", st.Type)
		}
		return
	}
	// "State names MUST have length of less than or equal to 80 Unicode characters."
	if n := utf8.RuneCountInString(st.Name); n > 80 || n == 0 {
		v.report(SeverityError, CodeInvalidStateName, "state-name", "", "the state name is %d characters; a state name must be 1 to 80 characters", n)
	}
	v.languageFields(st)
	v.allowedFields(st)
	v.fieldPathPairs(v.raw[v.at], "")

	switch st.Type {
	case TypeChoice, TypeSucceed, TypeFail:
		if st.Next != "" || st.End {
			// "Choice, Succeed and Fail states MUST NOT have Next or End fields"
			v.add("terminal-no-next", "Next", "a %s state has neither Next nor End: remove them", st.Type)
		}
	default:
		switch {
		case st.Next == "" && !st.End:
			v.add("next-or-end", "Next", "is missing: give Next (the state that follows) or End: true")
		case st.Next != "" && st.End:
			v.add("next-or-end", "End", "give Next or End, not both")
		}
		v.transition(sm, "Next", st.Next)
	}

	if st.QueryLanguage == JSONPath {
		v.paths(st)
		if st.Assign != nil {
			v.template("Assign", st.Assign)
		}
	} else {
		for _, f := range []struct {
			name string
			raw  json.RawMessage
		}{{"Arguments", st.Arguments}, {"Output", st.Output}, {"Assign", st.Assign}, {"Items", st.Items}, {"ItemSelector", st.ItemSelector},
			{"TimeoutSeconds", st.TimeoutSeconds}, {"HeartbeatSeconds", st.HeartbeatSeconds}, {"Seconds", st.Seconds}, {"Timestamp", st.Timestamp},
			{"Error", st.Error}, {"Cause", st.Cause}, {"MaxConcurrency", st.MaxConcurrency}, {"Credentials", st.Credentials},
			{"ToleratedFailureCount", st.ToleratedFailureCount}, {"ToleratedFailurePercentage", st.ToleratedFailurePercentage}} {
			v.jsonata(f.name, f.raw)
			v.jsonataSemantics(st, f.name, f.raw)
		}
	}
	v.warnings(st)

	switch st.Type {
	case TypeTask:
		v.task(sm, st)
	case TypeChoice:
		v.choice(sm, st)
	case TypeWait:
		v.wait(st)
	case TypeParallel:
		if len(st.Branches) == 0 {
			// "A Parallel State MUST contain a field named "Branches" which is an array"
			v.add("parallel-branches", "Branches", "a Parallel state needs at least one branch")
		}
		at := v.at
		for i, b := range st.Branches {
			v.machine(b, at+"/Branches/"+strconv.Itoa(i), false)
		}
		v.retryCatch(sm, st)
	case TypeMap:
		v.mapState(sm, st)
		v.retryCatch(sm, st)
	}
}

// jsonata reports the expressions of a JSONata field that do not compile.
func (v *validator) jsonata(field string, raw json.RawMessage) {
	if raw == nil {
		return
	}
	for _, p := range checkJSONata(raw) {
		v.add("jsonata-syntax", field, "%s", p)
	}
}

// template reports the invalid paths and intrinsic functions of a JSONPath
// payload template.
func (v *validator) template(field string, raw json.RawMessage) {
	for _, p := range checkTemplate(raw) {
		v.add("payload-template", field, "%s", p)
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
			v.add("query-language-fields", f, "is a %s field; this state uses %s", otherLanguage(st.QueryLanguage), st.QueryLanguage)
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
			err = checkResultPath(path)
		} else {
			_, err = compilePath(path)
		}
		if err != nil {
			v.add("jsonpath-syntax", f.name, "%v", err)
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
			v.add("jsonpath-syntax", f.name, "%v", err)
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
			v.add("jsonpath-syntax", f.name, "%v", err)
		}
	}
	for _, f := range []struct {
		name string
		raw  json.RawMessage
	}{{"Parameters", st.Parameters}, {"ResultSelector", st.ResultSelector}, {"ItemSelector", st.ItemSelector}} {
		if f.raw == nil {
			continue
		}
		v.template(f.name, f.raw)
	}
}

func (v *validator) mapState(sm *StateMachine, st *State) {
	if st.ItemProcessor == nil {
		v.add("map-fields", "ItemProcessor", "is missing: give the states that process each item")
		return
	}
	mode := st.ItemProcessor.ProcessorConfig.Mode
	if mode != "" && mode != "INLINE" && mode != "DISTRIBUTED" {
		v.add("map-fields", "ItemProcessor.ProcessorConfig.Mode", "%q must be INLINE or DISTRIBUTED", mode)
	}
	if mode != "DISTRIBUTED" {
		for _, f := range []struct {
			name string
			set  bool
		}{{"ItemReader", st.ItemReader != nil}, {"ItemBatcher", st.ItemBatcher != nil}, {"ResultWriter", st.ResultWriter != nil},
			{"ToleratedFailureCount", st.ToleratedFailureCount != nil}, {"ToleratedFailurePercentage", st.ToleratedFailurePercentage != nil}, {"Label", st.Label != ""}} {
			if f.set {
				v.add("map-fields", f.name, "is a Distributed Map field; set ItemProcessor.ProcessorConfig.Mode to DISTRIBUTED")
			}
		}
	}
	if pct := numberField(st.ToleratedFailurePercentage); pct < 0 || pct > 100 {
		v.add("map-fields", "ToleratedFailurePercentage", "%v must be between 0 and 100", pct)
	}
	if st.ItemReader != nil {
		v.itemReader(st)
	}
	if st.ResultWriter != nil {
		v.resultWriter(st)
	}
	if st.ItemBatcher != nil {
		v.fieldPathPairs(subObject(v.raw[v.at]["ItemBatcher"]), "ItemBatcher")
	}
	if st.QueryLanguage == JSONPath {
		// "MaxConcurrency ... MUST be a non-negative integer"; likewise
		// ToleratedFailureCount.
		for _, f := range []struct {
			name string
			raw  json.RawMessage
		}{{"MaxConcurrency", st.MaxConcurrency}, {"ToleratedFailureCount", st.ToleratedFailureCount}} {
			if n, err := strconv.ParseUint(string(f.raw), 10, 31); f.raw != nil && (err != nil || n > 1<<31-1) {
				v.add("map-fields", f.name, "%s is not a non-negative whole number", string(f.raw))
			}
		}
	}
	if st.Label != "" && (utf8.RuneCountInString(st.Label) > 40 || strings.ContainsAny(st.Label, " \t\n<>{}[]?*\"#%\\^|~`$&,;:/")) {
		v.report(SeverityError, CodeInvalidLabel, "map-label", "Label", "%q is not a valid label: at most 40 characters, without whitespace or any of < > { } [ ] ? * \" # %% \\ ^ | ~ ` $ & , ; : /", st.Label)
	}
	processor := "/ItemProcessor"
	if _, old := v.raw[v.at]["Iterator"]; old {
		processor = "/Iterator"
	}
	v.machine(st.ItemProcessor, v.at+processor, false)
}

// reachability reports states no path from StartAt leads to.
func (v *validator) reachability(sm *StateMachine, prefix string) {
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
		v.at = prefix + "/States/" + escapePointer(name)
		v.add("reachable", "", "no state leads to it: it is unreachable from StartAt %q; remove it or make a Next, Default or Catch name it", sm.StartAt)
	}
	v.at = prefix
}
