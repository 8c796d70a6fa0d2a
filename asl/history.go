package asl

import (
	"reflect"
	"sync"
	"time"
	"unsafe"
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
// type's details field set, its JSON payloads rendered) when the history
// is read: most executions' histories are never read, and an Event, with
// a field for every kind of details, is more than 400 bytes. Rendering
// later is safe because the engine never modifies a value in place.
type history struct {
	mu      sync.Mutex
	records []record
	clock   Clock
	pending []payload // grown by append; an execution's start sizes both
	// events are the records read so far, as Events.
	events []Event
}

// record is an event as the history keeps it: its one details pointer,
// untyped, and which field of Event it belongs in.
type record struct {
	prev    int64
	at      time.Time
	typ     string
	details unsafe.Pointer
	slot    int8 // an index of detailSlots, or -1 for none
}

// detailSlots are the offsets of Event's details fields, every field
// after Type, each a pointer.
var detailSlots = func() []uintptr {
	t := reflect.TypeFor[Event]()
	typeField, _ := t.FieldByName("Type")
	var offsets []uintptr
	for i := typeField.Index[0] + 1; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Type.Kind() != reflect.Pointer {
			panic("asl: Event." + f.Name + " is not a pointer: history records keep one details pointer")
		}
		offsets = append(offsets, f.Offset)
	}
	return offsets
}()

// recordOf makes e's record: the one details field that is set.
func recordOf(e *Event) record {
	r := record{prev: e.PreviousEventID, at: e.Timestamp, typ: e.Type, slot: -1}
	for i, off := range detailSlots {
		if p := *(*unsafe.Pointer)(unsafe.Add(unsafe.Pointer(e), off)); p != nil {
			r.details, r.slot = p, int8(i)
			break
		}
	}
	return r
}

// event expands a record into the Event with this id.
func (r *record) event(id int64) Event {
	e := Event{ID: id, PreviousEventID: r.prev, Timestamp: r.at, Type: r.typ}
	if r.slot >= 0 {
		*(*unsafe.Pointer)(unsafe.Add(unsafe.Pointer(&e), detailSlots[r.slot])) = r.details
	}
	return e
}

// payload is an event field to render from a value.
type payload struct {
	field *string
	value any
}

// render is a payload of an event: field (inside the event's details) is
// set to value's JSON when the history is read.
func render(field *string, value any) payload { return payload{field, value} }

// add records an event after parent (0: the previous one) and returns its
// id; payloads are rendered on read.
func (h *history) add(parent int64, e Event, payloads ...payload) int64 {
	now := h.clock.Now()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.pending = append(h.pending, payloads...)
	id := int64(len(h.records) + 1)
	if parent == 0 {
		parent = id - 1
	}
	e.PreviousEventID, e.Timestamp = parent, now
	h.records = append(h.records, recordOf(&e))
	return id
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
	for _, p := range h.pending {
		*p.field = toJSON(p.value)
	}
	h.pending = nil
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
