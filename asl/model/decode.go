package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/sfnkit/sfnkit/internal/strictjson"
)

// Problem is one reason a definition could not be decoded.
type Problem struct {
	// Path is the JSON Pointer (RFC 6901) of the machine or state the
	// problem is in: "" for the definition itself, /States/Fanout for a
	// state, /States/Fanout/Branches/0 for a branch.
	Path string
	// State names the state the problem is in, or the Parallel or Map
	// state holding the branch or item processor it is in; "" for the
	// definition itself.
	State   string
	Field   string
	Message string
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString("at ")
	if p.Path == "" {
		b.WriteString("the top level")
	} else {
		b.WriteString(p.Path)
	}
	if p.Field != "" {
		fmt.Fprintf(&b, ", field %s", p.Field)
	}
	b.WriteString(": ")
	b.WriteString(p.Message)
	return b.String()
}

// Error lists every problem Decode found, in the order of the definition.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	if len(lines) == 1 {
		return "the definition is not valid ASL: " + lines[0]
	}
	return "the definition is not valid ASL:\n  " + strings.Join(lines, "\n  ")
}

// Decode reads an ASL definition. A problem in one state does not stop
// the others from being read: the *Error lists every problem found.
// Unknown fields are problems, at every level.
func Decode(definition []byte) (*Machine, error) {
	var d decoder
	m := d.machine(definition, "", JSONPath)
	if len(d.problems) > 0 {
		return nil, &Error{Problems: d.problems}
	}
	return m, nil
}

// decoder collects problems. at holds the reference tokens of the JSON
// Pointer being decoded, joined only for a problem's Path.
type decoder struct {
	problems []Problem
	at       []string
}

func (d *decoder) add(state, field, format string, args ...any) {
	path := ""
	if len(d.at) > 0 {
		path = "/" + strings.Join(d.at, "/")
	}
	d.problems = append(d.problems, Problem{Path: path, State: state, Field: field, Message: fmt.Sprintf(format, args...)})
}

// enter descends into the reference tokens; leave goes back up.
func (d *decoder) enter(tokens ...string) { d.at = append(d.at, tokens...) }
func (d *decoder) leave(n int)            { d.at = d.at[:len(d.at)-n] }

// machineJSON is a machine as written. States stays raw so that each state
// decodes on its own; TimeoutSeconds is read as any number so that a
// fraction is reported as such.
type machineJSON struct {
	Machine
	States         json.RawMessage `json:"States"`
	TimeoutSeconds *float64        `json:"TimeoutSeconds"`
}

// machine decodes a machine; owner names the state holding it (a Parallel
// or Map) and inherited is its query language.
func (d *decoder) machine(data []byte, owner, inherited string) *Machine {
	raw := &machineJSON{}
	m := &raw.Machine
	where := func() string {
		if owner == "" {
			return "the definition"
		}
		return fmt.Sprintf("a branch or item processor of %q", owner)
	}
	if err := strictjson.Unmarshal(data, raw, "Machine."); err != nil {
		d.add(owner, "", "%s is not a valid state machine: %v", where(), err)
		return &Machine{States: map[string]*State{}}
	}
	lang := inherited
	if m.QueryLanguage != "" {
		lang = m.QueryLanguage
	}
	if lang != JSONPath && lang != JSONata {
		d.add(owner, "QueryLanguage", "%q is not JSONPath or JSONata", m.QueryLanguage)
		lang = JSONPath
	}
	if t := raw.TimeoutSeconds; t != nil {
		m.TimeoutSeconds = int(*t)
		if *t != float64(m.TimeoutSeconds) || m.TimeoutSeconds < 1 || m.TimeoutSeconds > 99999999 {
			d.add(owner, "TimeoutSeconds", "%v is not a whole number of seconds from 1 to 99999999", *t)
		}
	}
	m.States = map[string]*State{}
	if raw.States == nil {
		d.add(owner, "States", "%s has no States", where())
		return m
	}
	names, states, err := orderedObject(raw.States)
	if err != nil {
		d.add(owner, "States", "must be an object of states: %v", err)
		return m
	}
	m.Order = make([]string, 0, len(names))
	for i, name := range names {
		d.enter("States", escapePointer(name))
		if _, dup := m.States[name]; dup {
			d.add(name, "", "the state name appears twice")
		} else {
			m.Order = append(m.Order, name)
			m.States[name] = d.state(states[i], name, lang)
		}
		d.leave(2)
	}
	return m
}

// stateJSON is a state as written, its nested machines left raw.
type stateJSON struct {
	State
	Branches      []json.RawMessage `json:"Branches"`
	ItemProcessor json.RawMessage   `json:"ItemProcessor"`
	Iterator      json.RawMessage   `json:"Iterator"`
}

// state decodes the state name; inherited is its machine's query language.
func (d *decoder) state(data []byte, name, inherited string) *State {
	raw := &stateJSON{}
	s := &raw.State
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] != '{' {
		d.add(name, "", "a state must be a JSON object, not %s: write {\"Type\": ...}, or move %q out of States if it is a field of the machine", t, name)
		return &State{}
	}
	if err := strictjson.Unmarshal(data, raw, "State."); err != nil {
		d.add(name, fieldOf(err), "%v", err)
		return &State{}
	}
	lang := inherited
	if s.QueryLanguage != "" {
		lang = s.QueryLanguage
		if lang != JSONPath && lang != JSONata {
			d.add(name, "QueryLanguage", "%q is not JSONPath or JSONata", s.QueryLanguage)
			lang = inherited
		}
		if inherited == JSONata && lang == JSONPath {
			d.add(name, "QueryLanguage", "a state cannot use JSONPath in a JSONata state machine")
		}
	}
	for i, b := range raw.Branches {
		d.enter("Branches", strconv.Itoa(i))
		s.Branches = append(s.Branches, d.machine(b, name, lang))
		d.leave(2)
	}
	switch {
	case raw.ItemProcessor != nil && raw.Iterator != nil:
		d.add(name, "ItemProcessor", "give ItemProcessor or the older Iterator, not both")
	case raw.ItemProcessor != nil:
		d.enter("ItemProcessor")
		s.ItemProcessor = d.machine(raw.ItemProcessor, name, lang)
		d.leave(1)
	case raw.Iterator != nil:
		d.enter("Iterator")
		s.Iterator = d.machine(raw.Iterator, name, lang)
		d.leave(1)
	}
	return s
}

// fieldOf extracts the field a decoding error is about, for the problem's
// Field.
func fieldOf(err error) string {
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "unknown field "); ok {
		return strings.Trim(f, `"`)
	}
	if f, ok := strings.CutPrefix(msg, "field "); ok {
		return strings.Fields(f)[0]
	}
	return ""
}

// orderedObject decodes a JSON object keeping its keys' order.
func orderedObject(data []byte) ([]string, []json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, nil, errors.New("not a JSON object")
	}
	var names []string
	var values []json.RawMessage
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		names = append(names, tok.(string))
		values = append(values, v)
	}
	return names, values, nil
}
