package synthtest

import (
	"encoding/json"
	"fmt"

	"github.com/sfnkit/sfnkit/asl/model"
	"github.com/sfnkit/sfnkit/cfn"
)

// Definition is an ASL definition read for assertions: the fields the
// tests look at, in types they compare directly (numbers as float64,
// Parameters as a map). Machine is the definition as package model
// decoded it, branches and item processors included; Raw holds each
// top-level state as generic JSON.
type Definition struct {
	StartAt        string
	TimeoutSeconds float64
	States         map[string]State
	Raw            map[string]map[string]any
	Machine        *model.Machine
}

// State is one state of a Definition. A number or string the definition
// leaves out is zero.
type State struct {
	Type             string
	Next             string
	End              bool
	Resource         string
	Parameters       map[string]any
	ResultPath       *string // nil when absent or null
	TimeoutSeconds   float64
	HeartbeatSeconds float64
	Retry            []Retrier
	Catch            []Catcher
	Choices          []Choice
	Default          string
	Error            string
	Cause            string
	CausePath        string
}

// Retrier is an element of Retry.
type Retrier struct {
	ErrorEquals     []string
	IntervalSeconds float64
	MaxAttempts     *float64
	BackoffRate     float64
	MaxDelaySeconds float64
	JitterStrategy  string
}

// Catcher is an element of Catch.
type Catcher struct {
	ErrorEquals []string
	Next        string
	ResultPath  *string // nil when absent or null
}

// Choice is a rule of a Choice state (the fields the workflows use), read
// from the rule model keeps as written.
type Choice struct {
	Variable                 string   `json:"Variable"`
	IsPresent                *bool    `json:"IsPresent"`
	NumericGreaterThanEquals *float64 `json:"NumericGreaterThanEquals"`
	Next                     string   `json:"Next"`
}

// ParseDefinition reads an ASL definition with package model.
func ParseDefinition(definition string) (*Definition, error) {
	m, err := model.Decode([]byte(definition))
	if err != nil {
		return nil, err
	}
	d := &Definition{StartAt: m.StartAt, TimeoutSeconds: float64(m.TimeoutSeconds), States: make(map[string]State, len(m.States)), Machine: m}
	for name, st := range m.States {
		if d.States[name], err = stateOf(name, st); err != nil {
			return nil, err
		}
	}
	var raw struct {
		States map[string]map[string]any `json:"States"`
	}
	if err := json.Unmarshal([]byte(definition), &raw); err != nil {
		return nil, err
	}
	d.Raw = raw.States
	return d, nil
}

// stateOf reads the fields of a decoded state that model leaves as
// written JSON (numbers JSONata could compute, payloads, Choice rules).
func stateOf(name string, st *model.State) (State, error) {
	out := State{
		Type: st.Type, Next: st.Next, End: st.End, Resource: st.Resource, ResultPath: st.ResultPath.Value(),
		Default: st.Default, CausePath: st.CausePath,
	}
	for _, f := range []struct {
		field string
		raw   json.RawMessage
		v     any
	}{
		{"Parameters", st.Parameters, &out.Parameters},
		{"TimeoutSeconds", st.TimeoutSeconds, &out.TimeoutSeconds},
		{"HeartbeatSeconds", st.HeartbeatSeconds, &out.HeartbeatSeconds},
		{"Error", st.Error, &out.Error},
		{"Cause", st.Cause, &out.Cause},
	} {
		if f.raw == nil {
			continue
		}
		if err := json.Unmarshal(f.raw, f.v); err != nil {
			return State{}, fmt.Errorf("state %s, field %s: %v", name, f.field, err)
		}
	}
	for _, r := range st.Retry {
		out.Retry = append(out.Retry, Retrier{
			ErrorEquals: r.ErrorEquals, IntervalSeconds: orZero(r.IntervalSeconds), MaxAttempts: r.MaxAttempts,
			BackoffRate: orZero(r.BackoffRate), MaxDelaySeconds: orZero(r.MaxDelaySeconds), JitterStrategy: r.JitterStrategy,
		})
	}
	for _, c := range st.Catch {
		out.Catch = append(out.Catch, Catcher{ErrorEquals: c.ErrorEquals, Next: c.Next, ResultPath: c.ResultPath.Value()})
	}
	for i, rule := range st.Choices {
		var c Choice
		if err := json.Unmarshal(rule, &c); err != nil {
			return State{}, fmt.Errorf("state %s, field Choices[%d]: %v", name, i, err)
		}
		out.Choices = append(out.Choices, c)
	}
	return out, nil
}

func orZero(f *float64) float64 {
	if f == nil {
		return 0
	}
	return *f
}

// StateMachine returns the stack's only state machine with its definition
// resolved to placeholder ARNs (see cfn.Placeholders).
func (s *Stack) StateMachine() (cfn.StateMachine, *Definition, error) {
	machines, err := s.Parsed.StateMachines(cfn.Placeholders{Template: s.Parsed})
	if err != nil {
		return cfn.StateMachine{}, nil, err
	}
	if len(machines) != 1 {
		return cfn.StateMachine{}, nil, fmt.Errorf("stack %s has %d state machines, want 1", s.Name, len(machines))
	}
	def, err := ParseDefinition(machines[0].Definition)
	return machines[0], def, err
}

// Resources returns the logical ids and properties of the resources of a type.
func (s *Stack) Resources(resourceType string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, id := range s.Parsed.LogicalIDs(resourceType) {
		props := s.Parsed.Resources[id].Properties
		if props == nil {
			props = map[string]any{}
		}
		out[id] = props
	}
	return out
}

// CatchTarget is where the first catcher of state matching errorName leads,
// by the ASL's rules: a name matches itself, States.ALL every error,
// States.TaskFailed every error but States.Timeout.
func (d *Definition) CatchTarget(state, errorName string) string {
	for _, c := range d.States[state].Catch {
		for _, e := range c.ErrorEquals {
			if e == errorName || e == "States.ALL" || (e == "States.TaskFailed" && errorName != "States.Timeout") {
				return c.Next
			}
		}
	}
	return ""
}

// Chain follows Next from a state until a Choice state or the end.
func (d *Definition) Chain(from string) []string {
	var out []string
	for name := from; name != ""; {
		out = append(out, name)
		st := d.States[name]
		if st.Type == "Choice" || len(out) > len(d.States) {
			break
		}
		name = st.Next
	}
	return out
}

// Retries reports whether state retries errorName at least once.
func (d *Definition) Retries(state, errorName string) bool {
	for _, r := range d.States[state].Retry {
		for _, e := range r.ErrorEquals {
			if e == errorName {
				return r.MaxAttempts != nil && *r.MaxAttempts > 0
			}
		}
	}
	return false
}
