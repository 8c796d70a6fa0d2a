package asl

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/sfnkit/sfnkit/asl/model"
)

// rawStates maps the JSON Pointer of every state of a definition, nested
// ones included, to its fields as written: the checks on which fields are
// present (null ones too) read them. A definition model.Decode accepted is
// well-formed, so decoding errors only leave states out.
func rawStates(definition []byte) map[string]map[string]json.RawMessage {
	out := map[string]map[string]json.RawMessage{}
	var machine func(prefix string, raw json.RawMessage)
	machine = func(prefix string, raw json.RawMessage) {
		var m struct {
			States map[string]json.RawMessage
		}
		if json.Unmarshal(raw, &m) != nil {
			return
		}
		for name, data := range m.States {
			var fields map[string]json.RawMessage
			if json.Unmarshal(data, &fields) != nil {
				continue
			}
			at := prefix + "/States/" + escapePointer(name)
			out[at] = fields
			var branches []json.RawMessage
			if json.Unmarshal(fields["Branches"], &branches) == nil {
				for i, b := range branches {
					machine(at+"/Branches/"+strconv.Itoa(i), b)
				}
			}
			for _, p := range []string{"ItemProcessor", "Iterator"} {
				if fields[p] != nil {
					machine(at+"/"+p, fields[p])
				}
			}
		}
	}
	machine("", definition)
	return out
}

// definitionWide runs the checks that span machines: state names and Map
// labels are unique in the whole definition, branches and item processors
// included.
func (v *validator) definitionWide(m *model.Machine) {
	names := map[string]string{}
	labels := map[string]string{}
	m.Walk(func(path, name string, s *model.State) {
		v.at = path
		// "State names MUST be unique within the scope of the whole state
		// machine" (Step Functions: across Parallel branches and Map
		// processors too).
		if first, dup := names[name]; dup {
			v.report(SeverityError, CodeDuplicateStateName, "unique-state-names", "", "the state name %q is also used at %s: state names are unique across the whole definition, branches and item processors included; rename one", name, first)
		} else {
			names[name] = path
		}
		if s.Label != "" {
			if first, dup := labels[s.Label]; dup {
				v.report(SeverityError, CodeDuplicateLabel, "unique-labels", "Label", "the label %q is also used at %s: give each Distributed Map its own label", s.Label, first)
			} else {
				labels[s.Label] = path
			}
		}
	})
	v.at = ""
	if m.Version != "" && m.Version != "1.0" {
		// "Version: The version of the Amazon States Language used in the
		// state machine (default is "1.0")."
		v.add("version", "Version", "%q is not a version of the States Language: write \"1.0\" or leave it out", m.Version)
	}
}

// looksLikePath matches a string that a Step Functions author probably
// meant as a JSONPath or an intrinsic function.
var looksLikePath = regexp.MustCompile(`^\$(\$|[.\[]|[A-Za-z_][A-Za-z0-9_]*$)|^States\.[A-Za-z]+\(`)

// warnings reports what Step Functions accepts but flags as a likely
// mistake: a path in a field that takes a literal, and catchers that
// can never run.
func (v *validator) warnings(st *State) {
	if st.QueryLanguage != JSONPath {
		return
	}
	for _, f := range []struct {
		name string
		raw  json.RawMessage
	}{{"Parameters", st.Parameters}, {"ResultSelector", st.ResultSelector}, {"ItemSelector", st.ItemSelector}} {
		v.noDollar(f.name, f.raw)
	}
	if st.Type == TypePass && st.Result != nil && strings.Contains(string(st.Result), "$") {
		var found bool
		walkJSON(st.Result, func(key string, value any) {
			s, _ := value.(string)
			if strings.HasSuffix(key, ".$") || looksLikePath.MatchString(s) {
				found = true
			}
		})
		if found {
			v.report(SeverityWarning, CodePassResultIsStatic, "pass-result-static", "Result", "Result is used as written, paths and .$ keys included: use Parameters to take values from the input")
		}
	}
	for _, f := range []struct {
		name string
		raw  json.RawMessage
	}{{"Error", st.Error}, {"Cause", st.Cause}} {
		if s, _ := jsonataString(f.raw); f.raw != nil && looksLikePath.MatchString(s) {
			v.report(SeverityWarning, CodeNoPath, "no-path", f.name, "%q looks like a path but %s is taken literally: use %sPath", s, f.name, f.name)
		}
	}
	v.shadowedCatchers(st)
}

// noDollar warns of a payload template key without ".$" whose value looks
// like a path: Step Functions passes the path as a string.
func (v *validator) noDollar(field string, raw json.RawMessage) {
	if raw == nil {
		return
	}
	walkJSON(raw, func(key string, value any) {
		s, ok := value.(string)
		if ok && key != "" && !strings.HasSuffix(key, ".$") && looksLikePath.MatchString(s) {
			v.report(SeverityWarning, CodeNoDollar, "no-dollar", field, "the value of %q is %q, which looks like a path but is passed as a string: name the key %q to evaluate it", key, s, key+".$")
		}
	})
}

// walkJSON calls fn with every object member of a JSON value, nested ones
// included.
func walkJSON(raw json.RawMessage, fn func(key string, value any)) {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				fn(k, e)
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
}

// shadowedCatchers warns of a catcher whose every error an earlier catcher
// already catches: it never runs.
func (v *validator) shadowedCatchers(st *State) {
	caught := map[string]bool{}
	for i, c := range st.Catch {
		shadowed := len(c.ErrorEquals) > 0
		for _, e := range c.ErrorEquals {
			if !caught[e] && !caught[ErrALL] && !(caught[ErrTaskFailed] && e != ErrTimeout && !strings.HasPrefix(e, "States.")) {
				shadowed = false
			}
		}
		if shadowed {
			v.report(SeverityWarning, CodeSchema, "catch-shadowed", "Catch["+strconv.Itoa(i)+"].ErrorEquals",
				"an earlier catcher already catches %v, so this one never runs: remove it or move it first", c.ErrorEquals)
		}
		for _, e := range c.ErrorEquals {
			caught[e] = true
		}
	}
}
