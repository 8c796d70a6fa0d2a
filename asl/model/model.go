// Package model is the typed Go form of an Amazon States Language document
// as written: the state machine, its states with every field the ASL
// defines, and the branches and item processors nested in them. It is the
// one decoder of ASL JSON in this module: the engine (package asl) builds
// its executable machine from it, and the synth-time checks and the
// template tests read definitions with it.
//
// Decode checks structure only: JSON types, unknown fields, duplicate
// state names, the query language's value and where JSONPath may not
// appear, a machine's TimeoutSeconds, a Map giving both ItemProcessor and
// Iterator. Whether a Next names a state, a path parses or a Task has a
// Resource is the engine's to check (asl.ValidateDefinition). Values whose shape is
// open, such as payload templates or numbers that JSONata may compute,
// stay as written in json.RawMessage.
//
// The package imports nothing of this module and nothing of CDK.
package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// Query languages.
const (
	JSONPath = "JSONPath"
	JSONata  = "JSONata"
)

// State types.
const (
	TypePass     = "Pass"
	TypeTask     = "Task"
	TypeChoice   = "Choice"
	TypeWait     = "Wait"
	TypeSucceed  = "Succeed"
	TypeFail     = "Fail"
	TypeParallel = "Parallel"
	TypeMap      = "Map"
)

// Machine is a state machine, or a Parallel branch, or a Map's item
// processor: the three share a shape.
type Machine struct {
	Comment string `json:"Comment"`
	StartAt string `json:"StartAt"`
	// States maps each state's name to the state; Order lists the names in
	// the order the definition writes them.
	States map[string]*State `json:"-"`
	Order  []string          `json:"-"`
	// TimeoutSeconds is the machine's execution timeout; zero when absent.
	TimeoutSeconds int    `json:"-"`
	Version        string `json:"Version"`
	// QueryLanguage is JSONPath, JSONata, or empty when not written (then
	// the enclosing machine's applies, and JSONPath at the top).
	QueryLanguage string `json:"QueryLanguage"`
	// ProcessorConfig is written on a Map's ItemProcessor only.
	ProcessorConfig ProcessorConfig `json:"ProcessorConfig"`
}

// ProcessorConfig is a Map ItemProcessor's mode (INLINE, the default, or
// DISTRIBUTED) and, when distributed, its child execution type.
type ProcessorConfig struct {
	Mode          string `json:"Mode"`
	ExecutionType string `json:"ExecutionType"`
}

// State is one state with every field any state type may carry; which
// fields mean something depends on Type and on the query language.
type State struct {
	Type          string `json:"Type"`
	QueryLanguage string `json:"QueryLanguage"` // empty: the machine's
	Comment       string `json:"Comment"`
	Next          string `json:"Next"`
	End           bool   `json:"End"`

	// JSONPath input and output processing.
	InputPath      OptionalString  `json:"InputPath"`
	OutputPath     OptionalString  `json:"OutputPath"`
	ResultPath     OptionalString  `json:"ResultPath"`
	Parameters     json.RawMessage `json:"Parameters"`
	ResultSelector json.RawMessage `json:"ResultSelector"`
	Result         json.RawMessage `json:"Result"` // Pass
	// JSONata input and output processing, and variables (both languages).
	Arguments json.RawMessage `json:"Arguments"`
	Output    json.RawMessage `json:"Output"`
	Assign    json.RawMessage `json:"Assign"`

	// Task. TimeoutSeconds and HeartbeatSeconds are a number, or a JSONata
	// expression in a string.
	Resource             string          `json:"Resource"`
	TimeoutSeconds       json.RawMessage `json:"TimeoutSeconds"`
	HeartbeatSeconds     json.RawMessage `json:"HeartbeatSeconds"`
	TimeoutSecondsPath   string          `json:"TimeoutSecondsPath"`
	HeartbeatSecondsPath string          `json:"HeartbeatSecondsPath"`
	Credentials          json.RawMessage `json:"Credentials"`
	// Task, Parallel and Map.
	Retry []Retrier `json:"Retry"`
	Catch []Catcher `json:"Catch"`

	// Choice. Each rule stays as written: its operators are open-ended
	// (And, Or and Not nest rules) and the engine evaluates them as JSON.
	Choices []json.RawMessage `json:"Choices"`
	Default string            `json:"Default"`

	// Wait.
	Seconds       json.RawMessage `json:"Seconds"`
	Timestamp     json.RawMessage `json:"Timestamp"`
	SecondsPath   string          `json:"SecondsPath"`
	TimestampPath string          `json:"TimestampPath"`

	// Fail.
	Error     json.RawMessage `json:"Error"`
	Cause     json.RawMessage `json:"Cause"`
	ErrorPath string          `json:"ErrorPath"`
	CausePath string          `json:"CausePath"`

	// Parallel. Branches, ItemProcessor and Iterator are decoded each on
	// its own, so a problem inside one names the state that holds it.
	Branches []*Machine `json:"-"`

	// Map. Iterator is the older name of ItemProcessor (see Processor);
	// Parameters is the older name of ItemSelector.
	ItemProcessor                  *Machine        `json:"-"`
	Iterator                       *Machine        `json:"-"`
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

// Processor returns a Map's item processor under either of its names,
// ItemProcessor or the older Iterator; nil for other states.
func (s *State) Processor() *Machine {
	if s.ItemProcessor != nil {
		return s.ItemProcessor
	}
	return s.Iterator
}

// Walk calls fn for every state of m and of the branches and item
// processors nested in it, in the order the definition writes them: a
// Parallel or Map state comes just before the states it holds. path is the
// state's JSON Pointer (RFC 6901) within the definition, such as
// /States/Fanout/Branches/0/States/Work.
func (m *Machine) Walk(fn func(path, name string, s *State)) {
	m.walk("", fn)
}

func (m *Machine) walk(prefix string, fn func(path, name string, s *State)) {
	for _, name := range m.names() {
		s := m.States[name]
		path := prefix + "/States/" + escapePointer(name)
		fn(path, name, s)
		for i, b := range s.Branches {
			b.walk(path+"/Branches/"+strconv.Itoa(i), fn)
		}
		if s.ItemProcessor != nil {
			s.ItemProcessor.walk(path+"/ItemProcessor", fn)
		}
		if s.Iterator != nil {
			s.Iterator.walk(path+"/Iterator", fn)
		}
	}
}

// names returns the state names in definition order, or sorted when a
// caller built States without Order.
func (m *Machine) names() []string {
	if len(m.Order) == len(m.States) {
		return m.Order
	}
	names := make([]string, 0, len(m.States))
	for n := range m.States {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// escapePointer escapes a state name as a JSON Pointer reference token.
func escapePointer(name string) string {
	if !strings.ContainsAny(name, "~/") {
		return name
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(name)
}

// Retrier is an element of Retry. A nil number is an absent field, whose
// default the engine applies.
type Retrier struct {
	ErrorEquals     []string `json:"ErrorEquals"`
	IntervalSeconds *float64 `json:"IntervalSeconds"`
	MaxAttempts     *float64 `json:"MaxAttempts"`
	BackoffRate     *float64 `json:"BackoffRate"`
	MaxDelaySeconds *float64 `json:"MaxDelaySeconds"`
	JitterStrategy  string   `json:"JitterStrategy"`
	Comment         string   `json:"Comment"`
}

// Catcher is an element of Catch.
type Catcher struct {
	ErrorEquals []string        `json:"ErrorEquals"`
	Next        string          `json:"Next"`
	ResultPath  OptionalString  `json:"ResultPath"`
	Output      json.RawMessage `json:"Output"`
	Assign      json.RawMessage `json:"Assign"`
	Comment     string          `json:"Comment"`
}

// ItemReader is a Distributed Map's ItemReader.
type ItemReader struct {
	Resource     string          `json:"Resource"`
	Parameters   json.RawMessage `json:"Parameters"`
	Arguments    json.RawMessage `json:"Arguments"`
	ReaderConfig json.RawMessage `json:"ReaderConfig"`
}

// ItemBatcher is a Distributed Map's ItemBatcher.
type ItemBatcher struct {
	MaxItemsPerBatch          json.RawMessage `json:"MaxItemsPerBatch"`
	MaxItemsPerBatchPath      string          `json:"MaxItemsPerBatchPath"`
	MaxInputBytesPerBatch     json.RawMessage `json:"MaxInputBytesPerBatch"`
	MaxInputBytesPerBatchPath string          `json:"MaxInputBytesPerBatchPath"`
	BatchInput                json.RawMessage `json:"BatchInput"`
}

// ResultWriter is a Distributed Map's ResultWriter.
type ResultWriter struct {
	Resource     string          `json:"Resource"`
	Parameters   json.RawMessage `json:"Parameters"`
	Arguments    json.RawMessage `json:"Arguments"`
	WriterConfig json.RawMessage `json:"WriterConfig"`
}

// OptionalString is a string field the ASL gives three meanings: absent
// (InputPath's default "$"), null (discard, for ResultPath) or a string.
// Its zero value is absent.
type OptionalString struct {
	set   bool
	value *string
}

// UnmarshalJSON implements json.Unmarshaler.
func (o *OptionalString) UnmarshalJSON(data []byte) error {
	o.set = true
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		o.value = nil
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return errors.New("must be a string or null")
	}
	o.value = &s
	return nil
}

// Path returns the path, "$" when absent, and null as ok=false.
func (o OptionalString) Path() (path string, ok bool) {
	if !o.set {
		return "$", true
	}
	if o.value == nil {
		return "", false
	}
	return *o.value, true
}

// IsSet reports whether the field appeared in the definition.
func (o OptionalString) IsSet() bool { return o.set }

// Value returns the string written, or nil when the field is absent or
// null.
func (o OptionalString) Value() *string { return o.value }
