package asl

import (
	"errors"
	"fmt"
	"sort"

	"github.com/sfnkit/sfnkit/asl/model"
)

// MaxDefinitionBytes is Step Functions' limit on a definition's size.
const MaxDefinitionBytes = 1 << 20

// Parse reads a definition and validates it. The *ValidationError lists
// every ERROR ValidateDefinition finds, each with its location; warnings
// do not stop a definition, as they do not stop Step Functions.
//
// Parse checks the definition as a STANDARD state machine's; ParseFor
// checks it for a given type.
func Parse(definition []byte) (*StateMachine, error) {
	return ParseFor(definition, Standard)
}

// Decode reads a definition's structure without checking its semantics,
// for tools that draw or compare definitions whose references are not
// resolved to ARNs (such as ${OrderTable.Arn}). Run definitions only
// after Parse.
func Decode(definition []byte) (*StateMachine, error) {
	if len(definition) > MaxDefinitionBytes {
		return nil, &ValidationError{Diagnostics: []Diagnostic{{Severity: SeverityError, Code: CodeSchema, Rule: "definition-size",
			Message: fmt.Sprintf("the definition is %d bytes; Step Functions accepts at most %d", len(definition), MaxDefinitionBytes)}}}
	}
	m, err := model.Decode(definition)
	var decodeErr *model.Error
	if errors.As(err, &decodeErr) {
		diags := make([]Diagnostic, len(decodeErr.Problems))
		for i, p := range decodeErr.Problems {
			diags[i] = Diagnostic{Severity: SeverityError, Code: CodeSchema, Rule: "schema", Location: pointer(p.Path, p.Field), Message: p.Message}
		}
		return nil, &ValidationError{Diagnostics: diags}
	}
	if err != nil {
		return nil, err
	}
	return machineOf(m, JSONPath), nil
}

// machineOf builds the engine's form of a decoded machine; inherited is
// the query language of the state holding it (JSONPath at the top).
func machineOf(m *model.Machine, inherited QueryLanguage) *StateMachine {
	lang := inherited
	if m.QueryLanguage != "" {
		lang = QueryLanguage(m.QueryLanguage)
	}
	sm := &StateMachine{
		Comment: m.Comment, StartAt: m.StartAt, TimeoutSeconds: m.TimeoutSeconds, QueryLanguage: lang,
		ProcessorConfig: m.ProcessorConfig, Order: m.Order, States: make(map[string]*State, len(m.Order)),
	}
	states := make([]State, len(m.Order)) // one allocation for the machine's states
	for i, name := range m.Order {
		stateOf(&states[i], name, m.States[name], lang)
		sm.States[name] = &states[i]
	}
	return sm
}

// stateOf fills s with the engine's form of a decoded state: the query
// language resolved, a Map's item processor and item selector under their
// current names whichever the definition used.
func stateOf(s *State, name string, r *model.State, inherited QueryLanguage) {
	lang := inherited
	if r.QueryLanguage != "" {
		lang = QueryLanguage(r.QueryLanguage)
	}
	*s = State{
		Name: name, Type: r.Type, QueryLanguage: lang, Comment: r.Comment, Next: r.Next, End: r.End,
		InputPath: r.InputPath, OutputPath: r.OutputPath, ResultPath: r.ResultPath,
		Parameters: r.Parameters, ResultSelector: r.ResultSelector, Result: r.Result,
		Arguments: r.Arguments, Output: r.Output, Assign: r.Assign,
		Resource: r.Resource, TimeoutSeconds: r.TimeoutSeconds, HeartbeatSeconds: r.HeartbeatSeconds,
		TimeoutSecondsPath: r.TimeoutSecondsPath, HeartbeatSecondsPath: r.HeartbeatSecondsPath,
		Retry: r.Retry, Catch: r.Catch, Credentials: r.Credentials,
		Choices: r.Choices, Default: r.Default,
		Seconds: r.Seconds, Timestamp: r.Timestamp, SecondsPath: r.SecondsPath, TimestampPath: r.TimestampPath,
		Error: r.Error, Cause: r.Cause, ErrorPath: r.ErrorPath, CausePath: r.CausePath,
		ItemsPath: r.ItemsPath, Items: r.Items, ItemSelector: r.ItemSelector,
		MaxConcurrency: r.MaxConcurrency, MaxConcurrencyPath: r.MaxConcurrencyPath,
		ItemReader: r.ItemReader, ItemBatcher: r.ItemBatcher, ResultWriter: r.ResultWriter,
		ToleratedFailureCount: r.ToleratedFailureCount, ToleratedFailureCountPath: r.ToleratedFailureCountPath,
		ToleratedFailurePercentage: r.ToleratedFailurePercentage, ToleratedFailurePercentagePath: r.ToleratedFailurePercentagePath,
		Label: r.Label,
	}
	for _, b := range r.Branches {
		s.Branches = append(s.Branches, machineOf(b, lang))
	}
	if p := r.Processor(); p != nil {
		s.ItemProcessor = machineOf(p, lang)
	}
	// Parameters is the older name of a Map's ItemSelector.
	if s.Type == TypeMap && s.ItemSelector == nil && s.Parameters != nil {
		s.ItemSelector, s.Parameters = s.Parameters, nil
	}
	s.plan = planOf(s)
}

// sortedStateNames returns a machine's state names in definition order
// (sorted when the order is unknown).
func (sm *StateMachine) sortedStateNames() []string {
	if len(sm.Order) == len(sm.States) {
		return sm.Order
	}
	names := make([]string, 0, len(sm.States))
	for n := range sm.States {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
