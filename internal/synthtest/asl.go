package synthtest

import (
	"encoding/json"
	"fmt"

	"github.com/sfnkit/sfnkit/cfn"
)

// Definition is an ASL definition read for assertions. It keeps only the
// fields the tests look at; Raw holds each state in full.
type Definition struct {
	StartAt        string                    `json:"StartAt"`
	TimeoutSeconds float64                   `json:"TimeoutSeconds"`
	States         map[string]State          `json:"States"`
	Raw            map[string]map[string]any `json:"-"`
}

// State is one state of a Definition.
type State struct {
	Type             string         `json:"Type"`
	Next             string         `json:"Next"`
	End              bool           `json:"End"`
	Resource         string         `json:"Resource"`
	Parameters       map[string]any `json:"Parameters"`
	ResultPath       *string        `json:"ResultPath"`
	TimeoutSeconds   float64        `json:"TimeoutSeconds"`
	HeartbeatSeconds float64        `json:"HeartbeatSeconds"`
	Retry            []Retrier      `json:"Retry"`
	Catch            []Catcher      `json:"Catch"`
	Choices          []Choice       `json:"Choices"`
	Default          string         `json:"Default"`
	Error            string         `json:"Error"`
	Cause            string         `json:"Cause"`
	CausePath        string         `json:"CausePath"`
}

// Retrier is an element of Retry.
type Retrier struct {
	ErrorEquals     []string `json:"ErrorEquals"`
	IntervalSeconds float64  `json:"IntervalSeconds"`
	MaxAttempts     *float64 `json:"MaxAttempts"`
	BackoffRate     float64  `json:"BackoffRate"`
	MaxDelaySeconds float64  `json:"MaxDelaySeconds"`
	JitterStrategy  string   `json:"JitterStrategy"`
}

// Catcher is an element of Catch.
type Catcher struct {
	ErrorEquals []string `json:"ErrorEquals"`
	Next        string   `json:"Next"`
	ResultPath  *string  `json:"ResultPath"`
}

// Choice is a rule of a Choice state (the fields the workflows use).
type Choice struct {
	Variable                 string   `json:"Variable"`
	IsPresent                *bool    `json:"IsPresent"`
	NumericGreaterThanEquals *float64 `json:"NumericGreaterThanEquals"`
	Next                     string   `json:"Next"`
}

// ParseDefinition reads an ASL definition.
func ParseDefinition(definition string) (*Definition, error) {
	var d Definition
	if err := json.Unmarshal([]byte(definition), &d); err != nil {
		return nil, err
	}
	var raw struct {
		States map[string]map[string]any `json:"States"`
	}
	if err := json.Unmarshal([]byte(definition), &raw); err != nil {
		return nil, err
	}
	d.Raw = raw.States
	return &d, nil
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
