// Package asl parses, validates and executes Amazon States Language state
// machines in-process, faithful to AWS Step Functions: JSONPath and JSONata
// query languages, variables, intrinsic functions, every state type, Retry
// and Catch, timeouts and heartbeats, task tokens, Distributed Map fields
// and an execution history shaped like GetExecutionHistory. Time comes from
// a Clock, so tests run Wait states, backoffs and timeouts on virtual time.
//
// It reads plain ASL JSON and knows nothing of CDK; package cfn turns a
// synthesized template into that JSON.
package asl

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// QueryLanguage is JSONPath (the default) or JSONata.
type QueryLanguage string

// Query languages.
const (
	JSONPath QueryLanguage = "JSONPath"
	JSONata  QueryLanguage = "JSONata"
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
type ProcessorConfig struct {
	Mode          string `json:"Mode"`
	ExecutionType string `json:"ExecutionType"`
}

// Retrier is an element of Retry.
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
	ResultPath  optionalString  `json:"ResultPath"`
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
}

// optionalString is a JSON string field that tells absent (nil) from null
// (a non-nil pointer to a nil *string).
type optionalString struct {
	set   bool
	value *string
}

func (o *optionalString) UnmarshalJSON(data []byte) error {
	o.set = true
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		o.value = nil
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("must be a string or null")
	}
	o.value = &s
	return nil
}

// Path returns the path, "$" when absent, and null as ok=false.
func (o optionalString) Path() (path string, ok bool) {
	if !o.set {
		return "$", true
	}
	if o.value == nil {
		return "", false
	}
	return *o.value, true
}

// IsSet reports whether the field appeared in the definition.
func (o optionalString) IsSet() bool { return o.set }
