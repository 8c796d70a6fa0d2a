package asl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// MaxDefinitionBytes is Step Functions' limit on a definition's size.
const MaxDefinitionBytes = 1 << 20

// Parse reads a definition and validates it. The error lists every problem
// found, each naming the state and the field.
func Parse(definition []byte) (*StateMachine, error) {
	sm, err := parseOnly(definition)
	if err != nil {
		return nil, err
	}
	if err := Validate(sm); err != nil {
		return nil, err
	}
	return sm, nil
}

// Decode reads a definition's structure without checking its semantics,
// for tools that draw or compare definitions whose references are not
// resolved to ARNs (such as ${OrderTable.Arn}). Run definitions only
// after Parse.
func Decode(definition []byte) (*StateMachine, error) { return parseOnly(definition) }

// parseOnly decodes a definition without validating its semantics.
func parseOnly(definition []byte) (*StateMachine, error) {
	if len(definition) > MaxDefinitionBytes {
		return nil, &ValidationError{Problems: []Problem{{Message: fmt.Sprintf("the definition is %d bytes; Step Functions accepts at most %d", len(definition), MaxDefinitionBytes)}}}
	}
	var p parser
	sm := p.machine(definition, "", JSONPath)
	if len(p.problems) > 0 {
		return nil, &ValidationError{Problems: p.problems}
	}
	return sm, nil
}

type parser struct {
	problems []Problem
}

func (p *parser) add(state, field, format string, args ...any) {
	p.problems = append(p.problems, Problem{State: state, Field: field, Message: fmt.Sprintf(format, args...)})
}

// rawMachine is a state machine (or branch, or item processor) as written.
type rawMachine struct {
	Comment         string          `json:"Comment"`
	StartAt         string          `json:"StartAt"`
	States          json.RawMessage `json:"States"`
	TimeoutSeconds  *float64        `json:"TimeoutSeconds"`
	Version         string          `json:"Version"`
	QueryLanguage   QueryLanguage   `json:"QueryLanguage"`
	ProcessorConfig ProcessorConfig `json:"ProcessorConfig"`
}

// machine decodes a state machine; owner names the state holding it (a
// Parallel or Map) for messages, and inherited is its query language.
func (p *parser) machine(data []byte, owner string, inherited QueryLanguage) *StateMachine {
	var raw rawMachine
	where := "the definition"
	if owner != "" {
		where = fmt.Sprintf("a branch or item processor of %q", owner)
	}
	if err := strictUnmarshal(data, &raw); err != nil {
		p.add(owner, "", "%s is not a valid state machine: %v", where, err)
		return &StateMachine{States: map[string]*State{}}
	}
	lang := inherited
	if raw.QueryLanguage != "" {
		lang = raw.QueryLanguage
	}
	if lang != JSONPath && lang != JSONata {
		p.add(owner, "QueryLanguage", "%q is not JSONPath or JSONata", raw.QueryLanguage)
		lang = JSONPath
	}
	sm := &StateMachine{Comment: raw.Comment, StartAt: raw.StartAt, QueryLanguage: lang, ProcessorConfig: raw.ProcessorConfig, States: map[string]*State{}}
	if raw.TimeoutSeconds != nil {
		sm.TimeoutSeconds = int(*raw.TimeoutSeconds)
		if *raw.TimeoutSeconds != float64(sm.TimeoutSeconds) || sm.TimeoutSeconds < 1 || sm.TimeoutSeconds > 99999999 {
			p.add(owner, "TimeoutSeconds", "%v is not a whole number of seconds from 1 to 99999999", *raw.TimeoutSeconds)
		}
	}
	if raw.States == nil {
		p.add(owner, "States", "%s has no States", where)
		return sm
	}
	names, states, err := orderedObject(raw.States)
	if err != nil {
		p.add(owner, "States", "must be an object of states: %v", err)
		return sm
	}
	for i, name := range names {
		if _, dup := sm.States[name]; dup {
			p.add(name, "", "the state name appears twice")
			continue
		}
		sm.Order = append(sm.Order, name)
		sm.States[name] = p.state(name, states[i], lang)
	}
	return sm
}

// rawState has every field any state type may carry.
type rawState struct {
	Type           string          `json:"Type"`
	QueryLanguage  QueryLanguage   `json:"QueryLanguage"`
	Comment        string          `json:"Comment"`
	Next           string          `json:"Next"`
	End            bool            `json:"End"`
	InputPath      optionalString  `json:"InputPath"`
	OutputPath     optionalString  `json:"OutputPath"`
	ResultPath     optionalString  `json:"ResultPath"`
	Parameters     json.RawMessage `json:"Parameters"`
	ResultSelector json.RawMessage `json:"ResultSelector"`
	Result         json.RawMessage `json:"Result"`
	Arguments      json.RawMessage `json:"Arguments"`
	Output         json.RawMessage `json:"Output"`
	Assign         json.RawMessage `json:"Assign"`

	Resource             string          `json:"Resource"`
	TimeoutSeconds       json.RawMessage `json:"TimeoutSeconds"`
	HeartbeatSeconds     json.RawMessage `json:"HeartbeatSeconds"`
	TimeoutSecondsPath   string          `json:"TimeoutSecondsPath"`
	HeartbeatSecondsPath string          `json:"HeartbeatSecondsPath"`
	Retry                []Retrier       `json:"Retry"`
	Catch                []Catcher       `json:"Catch"`
	Credentials          json.RawMessage `json:"Credentials"`

	Choices []json.RawMessage `json:"Choices"`
	Default string            `json:"Default"`

	Seconds       json.RawMessage `json:"Seconds"`
	Timestamp     json.RawMessage `json:"Timestamp"`
	SecondsPath   string          `json:"SecondsPath"`
	TimestampPath string          `json:"TimestampPath"`

	Error     json.RawMessage `json:"Error"`
	Cause     json.RawMessage `json:"Cause"`
	ErrorPath string          `json:"ErrorPath"`
	CausePath string          `json:"CausePath"`

	Branches []json.RawMessage `json:"Branches"`

	ItemProcessor                  json.RawMessage `json:"ItemProcessor"`
	Iterator                       json.RawMessage `json:"Iterator"`
	ItemsPath                      string          `json:"ItemsPath"`
	Items                          json.RawMessage `json:"Items"`
	ItemSelector                   json.RawMessage `json:"ItemSelector"`
	MaxConcurrency                 json.RawMessage `json:"MaxConcurrency"`
	MaxConcurrencyPath             string          `json:"MaxConcurrencyPath"`
	ItemReader                     *ItemReader     `json:"ItemReader"`
	ItemBatcher                    *ItemBatcher    `json:"ItemBatcher"`
	ResultWriter                   *ResultWriter   `json:"ResultWriter"`
	ToleratedFailureCount          json.RawMessage `json:"ToleratedFailureCount"`
	ToleratedFailureCountPath      string          `json:"ToleratedFailureCountPath"`
	ToleratedFailurePercentage     json.RawMessage `json:"ToleratedFailurePercentage"`
	ToleratedFailurePercentagePath string          `json:"ToleratedFailurePercentagePath"`
	Label                          string          `json:"Label"`
}

func (p *parser) state(name string, data []byte, inherited QueryLanguage) *State {
	var r rawState
	if err := strictUnmarshal(data, &r); err != nil {
		p.add(name, fieldOf(err), "%v", err)
		return &State{Name: name, Type: "invalid"}
	}
	lang := inherited
	if r.QueryLanguage != "" {
		lang = r.QueryLanguage
		if lang != JSONPath && lang != JSONata {
			p.add(name, "QueryLanguage", "%q is not JSONPath or JSONata", r.QueryLanguage)
			lang = inherited
		}
		if inherited == JSONata && lang == JSONPath {
			p.add(name, "QueryLanguage", "a state cannot use JSONPath in a JSONata state machine")
		}
	}
	s := &State{
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
		s.Branches = append(s.Branches, p.machine(b, name, lang))
	}
	switch {
	case r.ItemProcessor != nil && r.Iterator != nil:
		p.add(name, "ItemProcessor", "give ItemProcessor or the older Iterator, not both")
	case r.ItemProcessor != nil:
		s.ItemProcessor = p.machine(r.ItemProcessor, name, lang)
	case r.Iterator != nil:
		s.ItemProcessor = p.machine(r.Iterator, name, lang)
	}
	// Parameters is the older name of a Map's ItemSelector.
	if s.Type == TypeMap && s.ItemSelector == nil && s.Parameters != nil {
		s.ItemSelector, s.Parameters = s.Parameters, nil
	}
	return s
}

// strictUnmarshal decodes data into v, refusing fields v does not have.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return friendlyJSONError(err)
	}
	if dec.More() {
		return errors.New("unexpected data after the object")
	}
	return nil
}

func friendlyJSONError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return fmt.Errorf("field %s must be %s, not %s", typeErr.Field, jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "json: unknown field ") {
		return fmt.Errorf("unknown field %s", strings.TrimPrefix(msg, "json: unknown field "))
	}
	return errors.New(strings.TrimPrefix(msg, "json: "))
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "slice":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	}
	return "a number"
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
