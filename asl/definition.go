// Package asl parses, validates and executes Amazon States Language state
// machines in-process, faithful to AWS Step Functions: JSONPath and JSONata
// query languages, variables, intrinsic functions, every state type, Retry
// and Catch, timeouts and heartbeats, task tokens, Distributed Map fields
// and an execution history shaped like GetExecutionHistory. Time comes from
// a Clock, so tests run Wait states, backoffs and timeouts on virtual time.
//
// It reads plain ASL JSON, decoded by package asl/model, and knows nothing
// of CDK; package cfn turns a synthesized template into that JSON.
package asl

import (
	"encoding/json"

	"github.com/sfnkit/sfnkit/asl/model"
)

// QueryLanguage is JSONPath (the default) or JSONata.
type QueryLanguage string

// Query languages.
const (
	JSONPath QueryLanguage = model.JSONPath
	JSONata  QueryLanguage = model.JSONata
)

// State types.
const (
	TypePass     = model.TypePass
	TypeTask     = model.TypeTask
	TypeChoice   = model.TypeChoice
	TypeWait     = model.TypeWait
	TypeSucceed  = model.TypeSucceed
	TypeFail     = model.TypeFail
	TypeParallel = model.TypeParallel
	TypeMap      = model.TypeMap
)

// StateMachine is a parsed definition, or a Parallel branch or Map body.
type StateMachine struct {
	Comment        string
	StartAt        string
	States         map[string]*State
	TimeoutSeconds int
	QueryLanguage  QueryLanguage
	// ProcessorConfig is set on a Map's ItemProcessor.
	ProcessorConfig ProcessorConfig
	// Order lists the state names as they appear in the definition.
	Order []string
}

// ProcessorConfig is a Map ItemProcessor's mode (INLINE or DISTRIBUTED)
// and, when distributed, its child execution type.
type ProcessorConfig = model.ProcessorConfig

// Retrier is an element of Retry.
type Retrier = model.Retrier

// Catcher is an element of Catch.
type Catcher = model.Catcher

// ItemReader is a Distributed Map's ItemReader.
type ItemReader = model.ItemReader

// ItemBatcher is a Distributed Map's ItemBatcher.
type ItemBatcher = model.ItemBatcher

// ResultWriter is a Distributed Map's ResultWriter.
type ResultWriter = model.ResultWriter

// State is one state. Fields hold the definition as written; the engine
// interprets them by the state's type and query language.
type State struct {
	Name          string
	Type          string
	QueryLanguage QueryLanguage // resolved: the state's own, else the machine's
	Comment       string
	Next          string
	End           bool

	// JSONPath input and output processing. A nil pointer is an absent
	// field (default "$"); a pointer to nil is JSON null.
	InputPath, OutputPath, ResultPath optionalString
	Parameters, ResultSelector        json.RawMessage
	Result                            json.RawMessage
	// JSONata input and output processing.
	Arguments, Output json.RawMessage
	Assign            json.RawMessage

	// Task.
	Resource                                 string
	TimeoutSeconds, HeartbeatSeconds         json.RawMessage
	TimeoutSecondsPath, HeartbeatSecondsPath string
	Retry                                    []Retrier
	Catch                                    []Catcher
	Credentials                              json.RawMessage

	// Choice.
	Choices []json.RawMessage
	Default string

	// Wait.
	Seconds, Timestamp         json.RawMessage
	SecondsPath, TimestampPath string

	// Fail.
	Error, Cause         json.RawMessage
	ErrorPath, CausePath string

	// Parallel.
	Branches []*StateMachine

	// Map.
	ItemProcessor                  *StateMachine
	ItemsPath                      string
	Items                          json.RawMessage
	ItemSelector                   json.RawMessage
	MaxConcurrency                 json.RawMessage
	MaxConcurrencyPath             string
	ItemReader                     *ItemReader
	ItemBatcher                    *ItemBatcher
	ResultWriter                   *ResultWriter
	ToleratedFailureCount          json.RawMessage
	ToleratedFailureCountPath      string
	ToleratedFailurePercentage     json.RawMessage
	ToleratedFailurePercentagePath string
	Label                          string

	// plan is the state compiled by Parse; nil for a State built by hand.
	plan *statePlan
}

// optionalString is a JSON string field that tells absent from null.
type optionalString = model.OptionalString
