package asl

import (
	"encoding/json"
	"errors"
	"sort"
	"strings"
)

// stateTest is a checked TestState request, ready to run.
type stateTest struct {
	req     *TestStateRequest
	level   InspectionLevel
	st      *State
	ctxName string // $$.State.Name
	input   any
	vars    map[string]any
	context map[string]any
	mock    any // the mocked result, when req.Mock has one
	retries int // stateConfiguration.retrierRetryCount

	// What a Map state's inspection reports beside the recorded steps.
	maxConcurrency, toleratedCount *int
	toleratedPct                   *float64
	items                          int
}

// newStateTest checks a request as the TestState action does and finds
// the state under test.
func newStateTest(req *TestStateRequest) (*stateTest, error) {
	t := &stateTest{req: req}
	var err error
	if t.level, err = req.level(); err != nil {
		return nil, err
	}
	if req.Definition == "" {
		return nil, invalid("definition is required: give the state to test, or a state machine and stateName")
	}
	if t.st, t.ctxName, err = stateUnderTest(req.Definition, req.StateName); err != nil {
		return nil, err
	}
	if t.input, err = jsonParam("input", req.Input, map[string]any{}); err != nil {
		return nil, err
	}
	if t.vars, err = objectParam("variables", req.Variables); err != nil {
		return nil, err
	}
	if req.Context != "" && req.Mock == nil {
		return nil, invalid("context is accepted only together with a mock")
	}
	if t.context, err = objectParam("context", req.Context); err != nil {
		return nil, err
	}
	if err := t.checkMock(); err != nil {
		return nil, err
	}
	return t, t.checkConfiguration()
}

// stateUnderTest parses the definition: one state when name is empty,
// else a state machine holding a state of that name (at any depth: a
// branch's or item processor's states are tested the same way).
func stateUnderTest(definition, name string) (*State, string, error) {
	if name != "" {
		sm, err := Parse([]byte(definition))
		if err != nil {
			return nil, "", invalidDefinition(err)
		}
		if st := findState(sm, name); st != nil {
			return st, name, nil
		}
		return nil, "", invalid("stateName %q is not a state of the definition; its states are %s", name, strings.Join(allStateNames(sm), ", "))
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(definition), &raw); err != nil {
		return nil, "", &APIError{Code: CodeInvalidDefinition, Message: "the definition is not a JSON object: " + err.Error()}
	}
	if _, ok := raw["States"]; ok {
		return nil, "", invalid("the definition is a state machine: name the state to test with stateName")
	}
	// A state alone names states that are not there (Next, Default, a
	// catcher's Next): stand a Succeed state in for each, so the state is
	// validated as Step Functions validates it, in a machine.
	states := map[string]json.RawMessage{testStateName: json.RawMessage(definition)}
	for _, target := range transitionTargets(raw) {
		if _, ok := states[target]; !ok {
			states[target] = json.RawMessage(`{"Type":"Succeed"}`)
		}
	}
	machine, err := json.Marshal(map[string]any{"StartAt": testStateName, "States": states})
	if err != nil {
		return nil, "", invalid("the definition cannot be read: %v", err)
	}
	sm, err := Parse(machine)
	if err != nil {
		return nil, "", invalidDefinition(err)
	}
	return sm.States[testStateName], testStateName, nil
}

// invalidDefinition is the API's error for a definition Parse refuses.
func invalidDefinition(err error) error {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return &APIError{Code: CodeInvalidDefinition, Message: ve.Error()}
	}
	return &APIError{Code: CodeInvalidDefinition, Message: err.Error()}
}

// transitionTargets lists the states a single state's fields name.
func transitionTargets(raw map[string]json.RawMessage) []string {
	var names []string
	add := func(r json.RawMessage) {
		var s string
		if json.Unmarshal(r, &s) == nil && s != "" {
			names = append(names, s)
		}
	}
	add(raw["Next"])
	add(raw["Default"])
	for _, field := range []string{"Choices", "Catch"} {
		var list []map[string]json.RawMessage
		if json.Unmarshal(raw[field], &list) == nil {
			for _, item := range list {
				add(item["Next"])
			}
		}
	}
	return names
}

// findState finds a state by name in a machine and the machines inside it.
func findState(sm *StateMachine, name string) *State {
	if st, ok := sm.States[name]; ok {
		return st
	}
	for _, st := range sm.States {
		for _, inner := range innerMachines(st) {
			if found := findState(inner, name); found != nil {
				return found
			}
		}
	}
	return nil
}

// innerMachines are a Parallel's branches or a Map's item processor.
func innerMachines(st *State) []*StateMachine {
	if st.ItemProcessor != nil {
		return []*StateMachine{st.ItemProcessor}
	}
	return st.Branches
}

// allStateNames lists every state name of a machine, sorted.
func allStateNames(sm *StateMachine) []string {
	var names []string
	var walk func(*StateMachine)
	walk = func(m *StateMachine) {
		for name, st := range m.States {
			names = append(names, name)
			for _, inner := range innerMachines(st) {
				walk(inner)
			}
		}
	}
	walk(sm)
	sort.Strings(names)
	return names
}

// checkMock applies TestState's rules on mocks: only for Task, Map and
// Parallel states; a result or an error, not both; and required where the
// engine could not do the state's work itself.
func (t *stateTest) checkMock() error {
	m, st := t.req.Mock, t.st
	if m == nil {
		switch {
		case st.Type == TypeMap || st.Type == TypeParallel:
			return invalid("a %s state is tested only with a mock: give mock.result (the array of its results) or mock.errorOutput", st.Type)
		case st.Type != TypeTask:
			return nil
		}
		_, _, pattern := parseResource(st.Resource)
		if pattern != "" || strings.Contains(st.Resource, ":activity:") {
			return invalid("state %q (resource %s) is tested only with a mock: give mock.result or mock.errorOutput", t.ctxName, st.Resource)
		}
		if t.req.Tasks == nil {
			return invalid("state %q calls %s, which runs only in AWS: give mock.result or mock.errorOutput", t.ctxName, st.Resource)
		}
		return nil
	}
	if st.Type != TypeTask && st.Type != TypeMap && st.Type != TypeParallel {
		return invalid("State type '%s' is not supported when a mock is specified", st.Type)
	}
	switch m.FieldValidationMode {
	case "", "STRICT", "PRESENT", "NONE":
	default:
		return invalid("mock.fieldValidationMode is %q; use STRICT, PRESENT or NONE", m.FieldValidationMode)
	}
	switch {
	case m.Result != "" && m.ErrorOutput != nil:
		return invalid("mock has both result and errorOutput: give one")
	case m.ErrorOutput != nil:
		if m.ErrorOutput.Error == "" {
			return invalid("mock.errorOutput.error is required")
		}
		return nil
	case m.Result == "":
		return invalid("mock needs a result or an errorOutput")
	}
	v, err := jsonParam("mock.result", m.Result, nil)
	if err != nil {
		return err
	}
	if _, ok := v.([]any); !ok && st.Type != TypeTask {
		return invalid("mock.result of a %s state must be a JSON array (its results), not %s", st.Type, truncateJSON(v, 80))
	}
	t.mock = v
	return nil
}

// checkConfiguration applies the rules of stateConfiguration's fields.
func (t *stateTest) checkConfiguration() error {
	c, st := t.req.StateConfiguration, t.st
	if c == nil {
		return nil
	}
	if c.RetrierRetryCount != nil {
		if *c.RetrierRetryCount < 0 {
			return invalid("stateConfiguration.retrierRetryCount is %d; it must be 0 or more", *c.RetrierRetryCount)
		}
		t.retries = *c.RetrierRetryCount
	}
	if c.MapIterationFailureCount != nil {
		if st.Type != TypeMap {
			return invalid("stateConfiguration.mapIterationFailureCount applies to a Map state, not a %s state", st.Type)
		}
		if *c.MapIterationFailureCount < 0 {
			return invalid("stateConfiguration.mapIterationFailureCount is %d; it must be 0 or more", *c.MapIterationFailureCount)
		}
	}
	if c.MapItemReaderData != "" && (st.Type != TypeMap || st.ItemReader == nil) {
		return invalid("stateConfiguration.mapItemReaderData applies to a Map state with an ItemReader")
	}
	if c.ErrorCausedByState != "" {
		if st.Type != TypeMap && st.Type != TypeParallel {
			return invalid("stateConfiguration.errorCausedByState applies to a Map or Parallel state, not a %s state", st.Type)
		}
		if t.req.Mock == nil || t.req.Mock.ErrorOutput == nil {
			return invalid("stateConfiguration.errorCausedByState needs mock.errorOutput: it names where the mocked error happens")
		}
		found := false
		for _, inner := range innerMachines(st) {
			found = found || findState(inner, c.ErrorCausedByState) != nil
		}
		if !found {
			return invalid("stateConfiguration.errorCausedByState %q is not a state inside %q", c.ErrorCausedByState, t.ctxName)
		}
	}
	return nil
}
