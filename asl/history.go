package asl

import (
	"strings"
	"sync"
	"time"
)

// Event is one entry of an execution's history, shaped like an element of
// GetExecutionHistory's "events": exactly one details field is set, named
// after the event type.
type Event struct {
	ID              int64     `json:"id"`
	PreviousEventID int64     `json:"previousEventId"`
	Timestamp       time.Time `json:"timestamp"`
	Type            string    `json:"type"`

	ExecutionStartedEventDetails   *ExecutionStartedDetails `json:"executionStartedEventDetails,omitempty"`
	ExecutionSucceededEventDetails *OutputDetails           `json:"executionSucceededEventDetails,omitempty"`
	ExecutionFailedEventDetails    *FailureDetails          `json:"executionFailedEventDetails,omitempty"`
	ExecutionTimedOutEventDetails  *FailureDetails          `json:"executionTimedOutEventDetails,omitempty"`
	ExecutionAbortedEventDetails   *FailureDetails          `json:"executionAbortedEventDetails,omitempty"`

	StateEnteredEventDetails *StateEnteredDetails `json:"stateEnteredEventDetails,omitempty"`
	StateExitedEventDetails  *StateExitedDetails  `json:"stateExitedEventDetails,omitempty"`

	TaskScheduledEventDetails *TaskScheduledDetails `json:"taskScheduledEventDetails,omitempty"`
	TaskStartedEventDetails   *TaskDetails          `json:"taskStartedEventDetails,omitempty"`
	TaskSubmittedEventDetails *TaskOutputDetails    `json:"taskSubmittedEventDetails,omitempty"`
	TaskSucceededEventDetails *TaskOutputDetails    `json:"taskSucceededEventDetails,omitempty"`
	TaskFailedEventDetails    *TaskFailureDetails   `json:"taskFailedEventDetails,omitempty"`
	TaskTimedOutEventDetails  *TaskFailureDetails   `json:"taskTimedOutEventDetails,omitempty"`

	LambdaFunctionScheduledEventDetails *LambdaScheduledDetails `json:"lambdaFunctionScheduledEventDetails,omitempty"`
	LambdaFunctionSucceededEventDetails *OutputDetails          `json:"lambdaFunctionSucceededEventDetails,omitempty"`
	LambdaFunctionFailedEventDetails    *FailureDetails         `json:"lambdaFunctionFailedEventDetails,omitempty"`
	LambdaFunctionTimedOutEventDetails  *FailureDetails         `json:"lambdaFunctionTimedOutEventDetails,omitempty"`

	MapStateStartedEventDetails       *MapStartedDetails    `json:"mapStateStartedEventDetails,omitempty"`
	MapIterationStartedEventDetails   *MapIterationDetails  `json:"mapIterationStartedEventDetails,omitempty"`
	MapIterationSucceededEventDetails *MapIterationDetails  `json:"mapIterationSucceededEventDetails,omitempty"`
	MapIterationFailedEventDetails    *MapIterationDetails  `json:"mapIterationFailedEventDetails,omitempty"`
	MapIterationAbortedEventDetails   *MapIterationDetails  `json:"mapIterationAbortedEventDetails,omitempty"`
	MapRunStartedEventDetails         *MapRunStartedDetails `json:"mapRunStartedEventDetails,omitempty"`
	MapRunFailedEventDetails          *FailureDetails       `json:"mapRunFailedEventDetails,omitempty"`

	ActivityScheduledEventDetails      *ActivityScheduledDetails `json:"activityScheduledEventDetails,omitempty"`
	ActivityScheduleFailedEventDetails *FailureDetails           `json:"activityScheduleFailedEventDetails,omitempty"`
	ActivityStartedEventDetails        *ActivityStartedDetails   `json:"activityStartedEventDetails,omitempty"`
	ActivitySucceededEventDetails      *OutputDetails            `json:"activitySucceededEventDetails,omitempty"`
	ActivityFailedEventDetails         *FailureDetails           `json:"activityFailedEventDetails,omitempty"`
	ActivityTimedOutEventDetails       *FailureDetails           `json:"activityTimedOutEventDetails,omitempty"`
	ExecutionRedrivenEventDetails      *RedriveDetails           `json:"executionRedrivenEventDetails,omitempty"`
	MapRunRedrivenEventDetails         *MapRunRedrivenDetails    `json:"mapRunRedrivenEventDetails,omitempty"`
}

// PayloadDetails says whether a payload was truncated (never, here).
type PayloadDetails struct {
	Truncated bool `json:"truncated"`
}

// ExecutionStartedDetails are an ExecutionStarted event's details.
type ExecutionStartedDetails struct {
	Input        string         `json:"input"`
	InputDetails PayloadDetails `json:"inputDetails"`
	RoleArn      string         `json:"roleArn"`
}

// OutputDetails carry an output.
type OutputDetails struct {
	Output        string         `json:"output"`
	OutputDetails PayloadDetails `json:"outputDetails"`
}

// FailureDetails carry an error and its cause.
type FailureDetails struct {
	Error string `json:"error,omitempty"`
	Cause string `json:"cause,omitempty"`
}

// StateEnteredDetails are a *StateEntered event's details.
type StateEnteredDetails struct {
	Name         string         `json:"name"`
	Input        string         `json:"input"`
	InputDetails PayloadDetails `json:"inputDetails"`
}

// StateExitedDetails are a *StateExited event's details.
type StateExitedDetails struct {
	Name          string         `json:"name"`
	Output        string         `json:"output"`
	OutputDetails PayloadDetails `json:"outputDetails"`
}

// TaskScheduledDetails are a TaskScheduled event's details.
type TaskScheduledDetails struct {
	ResourceType       string `json:"resourceType"`
	Resource           string `json:"resource"`
	Region             string `json:"region"`
	Parameters         string `json:"parameters"`
	TimeoutInSeconds   int64  `json:"timeoutInSeconds,omitempty"`
	HeartbeatInSeconds int64  `json:"heartbeatInSeconds,omitempty"`
}

// TaskDetails name a task's resource.
type TaskDetails struct {
	ResourceType string `json:"resourceType"`
	Resource     string `json:"resource"`
}

// TaskOutputDetails are a task's output.
type TaskOutputDetails struct {
	ResourceType  string         `json:"resourceType"`
	Resource      string         `json:"resource"`
	Output        string         `json:"output"`
	OutputDetails PayloadDetails `json:"outputDetails"`
}

// TaskFailureDetails are a task's failure.
type TaskFailureDetails struct {
	ResourceType string `json:"resourceType"`
	Resource     string `json:"resource"`
	Error        string `json:"error,omitempty"`
	Cause        string `json:"cause,omitempty"`
}

// LambdaScheduledDetails are a LambdaFunctionScheduled event's details.
type LambdaScheduledDetails struct {
	Resource         string         `json:"resource"`
	Input            string         `json:"input"`
	InputDetails     PayloadDetails `json:"inputDetails"`
	TimeoutInSeconds int64          `json:"timeoutInSeconds,omitempty"`
}

// MapStartedDetails are a MapStateStarted event's details.
type MapStartedDetails struct {
	Length int `json:"length"`
}

// MapIterationDetails name a Map iteration.
type MapIterationDetails struct {
	Name  string `json:"name"`
	Index int    `json:"index"`
}

// MapRunStartedDetails are a MapRunStarted event's details.
type MapRunStartedDetails struct {
	MapRunArn string `json:"mapRunArn"`
}

// history collects events; branches and iterations append concurrently.
// An event is kept as a record of a few words, and becomes an Event (its
// type's details field set, its JSON payload rendered) when the history
// is read: most executions' histories are never read, and an Event, with
// a field for every kind of details, is more than 400 bytes. Rendering
// later is safe because the engine never modifies a value in place, and
// neither may a task handler modify its input (see TaskRequest.Input) or
// a result it returned.
type history struct {
	mu      sync.Mutex
	records []record
	clock   Clock
	// events are the records read so far, as Events.
	events []Event
}

// record is an event as the history keeps it, in 64 bytes. A state's
// entered and exited events keep the state, for its name, and allocate
// nothing more; other events keep their details, a pointer to one of the
// *Details types (placed in Event's field for typ when read), or nil.
type record struct {
	prev int64
	at   int64 // Unix nanoseconds
	typ  string
	// details are the event's details, the *State of an entered or
	// exited event, or nil.
	details any
	// payload is the event's input, output or parameters, rendered into
	// the details when the history is read, or noPayload.
	payload any
}

// noPayload is the payload of an event that has none.
type noPayload struct{}

// add records an event of type typ with its details (nil for none)
// after parent (0: the previous event), and returns its id.
func (h *history) add(parent int64, typ string, details any) int64 {
	return h.push(parent, record{typ: typ, details: details, payload: noPayload{}})
}

// addPayload is add for an event whose details carry a JSON payload:
// value, rendered into it when the history is read.
func (h *history) addPayload(parent int64, typ string, details, value any) int64 {
	return h.push(parent, record{typ: typ, details: details, payload: value})
}

// addState records a state's entered or exited event (typ ends in
// "Entered" or "Exited"), whose payload is the state's input or output.
func (h *history) addState(parent int64, typ string, st *State, value any) int64 {
	return h.push(parent, record{typ: typ, details: st, payload: value})
}

func (h *history) push(parent int64, r record) int64 {
	r.at = h.clock.Now().UnixNano()
	h.mu.Lock()
	defer h.mu.Unlock()
	id := int64(len(h.records) + 1)
	if parent == 0 {
		parent = id - 1
	}
	r.prev = parent
	h.records = append(h.records, r)
	return id
}

// event expands a record into the Event with this id.
func (r *record) event(id int64) Event {
	e := Event{ID: id, PreviousEventID: r.prev, Timestamp: time.Unix(0, r.at).UTC(), Type: r.typ}
	_, none := r.payload.(noPayload)
	text := ""
	if !none {
		text = toJSON(r.payload)
	}
	if st, ok := r.details.(*State); ok {
		if strings.HasSuffix(r.typ, "Entered") {
			e.StateEnteredEventDetails = &StateEnteredDetails{Name: st.Name, Input: text}
		} else {
			e.StateExitedEventDetails = &StateExitedDetails{Name: st.Name, Output: text}
		}
		return e
	}
	if !none {
		switch d := r.details.(type) {
		case *ExecutionStartedDetails:
			d.Input = text
		case *OutputDetails:
			d.Output = text
		case *TaskScheduledDetails:
			d.Parameters = text
		case *TaskOutputDetails:
			d.Output = text
		case *LambdaScheduledDetails:
			d.Input = text
		case *ActivityScheduledDetails:
			d.Input = text
		}
	}
	e.place(r.details)
	return e
}

// place sets the details field of e's type to d.
func (e *Event) place(d any) {
	switch e.Type {
	case "ExecutionStarted":
		e.ExecutionStartedEventDetails, _ = d.(*ExecutionStartedDetails)
	case "ExecutionSucceeded":
		e.ExecutionSucceededEventDetails, _ = d.(*OutputDetails)
	case "ExecutionFailed":
		e.ExecutionFailedEventDetails, _ = d.(*FailureDetails)
	case "ExecutionTimedOut":
		e.ExecutionTimedOutEventDetails, _ = d.(*FailureDetails)
	case "ExecutionAborted":
		e.ExecutionAbortedEventDetails, _ = d.(*FailureDetails)
	case "ExecutionRedriven":
		e.ExecutionRedrivenEventDetails, _ = d.(*RedriveDetails)
	case "TaskScheduled":
		e.TaskScheduledEventDetails, _ = d.(*TaskScheduledDetails)
	case "TaskStarted":
		e.TaskStartedEventDetails, _ = d.(*TaskDetails)
	case "TaskSubmitted":
		e.TaskSubmittedEventDetails, _ = d.(*TaskOutputDetails)
	case "TaskSucceeded":
		e.TaskSucceededEventDetails, _ = d.(*TaskOutputDetails)
	case "TaskFailed":
		e.TaskFailedEventDetails, _ = d.(*TaskFailureDetails)
	case "TaskTimedOut":
		e.TaskTimedOutEventDetails, _ = d.(*TaskFailureDetails)
	case "LambdaFunctionScheduled":
		e.LambdaFunctionScheduledEventDetails, _ = d.(*LambdaScheduledDetails)
	case "LambdaFunctionSucceeded":
		e.LambdaFunctionSucceededEventDetails, _ = d.(*OutputDetails)
	case "LambdaFunctionFailed":
		e.LambdaFunctionFailedEventDetails, _ = d.(*FailureDetails)
	case "LambdaFunctionTimedOut":
		e.LambdaFunctionTimedOutEventDetails, _ = d.(*FailureDetails)
	case "MapStateStarted":
		e.MapStateStartedEventDetails, _ = d.(*MapStartedDetails)
	case "MapIterationStarted":
		e.MapIterationStartedEventDetails, _ = d.(*MapIterationDetails)
	case "MapIterationSucceeded":
		e.MapIterationSucceededEventDetails, _ = d.(*MapIterationDetails)
	case "MapIterationFailed":
		e.MapIterationFailedEventDetails, _ = d.(*MapIterationDetails)
	case "MapIterationAborted":
		e.MapIterationAbortedEventDetails, _ = d.(*MapIterationDetails)
	case "MapRunStarted":
		e.MapRunStartedEventDetails, _ = d.(*MapRunStartedDetails)
	case "MapRunFailed":
		e.MapRunFailedEventDetails, _ = d.(*FailureDetails)
	case "MapRunRedriven":
		e.MapRunRedrivenEventDetails, _ = d.(*MapRunRedrivenDetails)
	case "ActivityScheduled":
		e.ActivityScheduledEventDetails, _ = d.(*ActivityScheduledDetails)
	case "ActivityScheduleFailed":
		e.ActivityScheduleFailedEventDetails, _ = d.(*FailureDetails)
	case "ActivityStarted":
		e.ActivityStartedEventDetails, _ = d.(*ActivityStartedDetails)
	case "ActivitySucceeded":
		e.ActivitySucceededEventDetails, _ = d.(*OutputDetails)
	case "ActivityFailed":
		e.ActivityFailedEventDetails, _ = d.(*FailureDetails)
	case "ActivityTimedOut":
		e.ActivityTimedOutEventDetails, _ = d.(*FailureDetails)
	}
}

// MaxHistoryEvents is how many events one execution may have; Step
// Functions fails an execution that would exceed it.
const MaxHistoryEvents = 25000

func (h *history) len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.records)
}

func (h *history) snapshot() []Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i := len(h.events); i < len(h.records); i++ {
		h.events = append(h.events, h.records[i].event(int64(i+1)))
	}
	return append([]Event(nil), h.events...)
}

// payloadLen measures a JSON payload for the size limit.
func payloadLen(v any) int {
	if n, ok := jsonLen(v); ok {
		return n
	}
	return len(toJSON(v))
}
