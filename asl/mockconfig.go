package asl

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/sfnkit/sfnkit/internal/strictjson"
)

// MockConfig is a mock file in the format of AWS Step Functions Local
// (MockConfigFile.json), so existing mock files work unchanged:
//
//	{"StateMachines": {"Machine": {"TestCases": {"HappyPath": {"StateName": "MockedResponseName"}}}},
//	 "MockedResponses": {"MockedResponseName": {"0": {"Return": {...}}, "1-2": {"Throw": {"Error": "...", "Cause": "..."}}}}}
//
// Each key of a mocked response is an invocation number or an inclusive
// range of them ("0", "1-2"), counted from 0 per state and test case.
type MockConfig struct {
	StateMachines   map[string]mockMachine                  `json:"StateMachines"`
	MockedResponses map[string]map[string]mockedResponseRaw `json:"MockedResponses"`

	responses map[string][]mockRange
}

type mockMachine struct {
	TestCases map[string]map[string]string `json:"TestCases"`
}

type mockedResponseRaw struct {
	Return json.RawMessage `json:"Return"`
	Throw  *Failure        `json:"Throw"`
}

type mockRange struct {
	from, to int
	ret      any
	throw    *Failure
}

// ParseMockConfig reads and checks a mock file: every test case names
// mocked responses that exist, every response key is an invocation number
// or range, and every response either returns or throws.
func ParseMockConfig(data []byte) (*MockConfig, error) {
	var c MockConfig
	if err := strictjson.Unmarshal(data, &c, ""); err != nil {
		return nil, fmt.Errorf("mock config: %v", err)
	}
	if len(c.StateMachines) == 0 {
		return nil, fmt.Errorf("mock config: StateMachines is empty")
	}
	c.responses = map[string][]mockRange{}
	for name, byRange := range c.MockedResponses {
		var ranges []mockRange
		for key, raw := range byRange {
			from, to, err := parseRange(key)
			if err != nil {
				return nil, fmt.Errorf("mock config: MockedResponses.%s: %v", name, err)
			}
			r := mockRange{from: from, to: to, throw: raw.Throw}
			switch {
			case raw.Return != nil && raw.Throw != nil:
				return nil, fmt.Errorf("mock config: MockedResponses.%s.%s has both Return and Throw", name, key)
			case raw.Return != nil:
				v, err := decodeJSON(raw.Return)
				if err != nil {
					return nil, fmt.Errorf("mock config: MockedResponses.%s.%s.Return: %v", name, key, err)
				}
				r.ret = v
			case raw.Throw == nil:
				return nil, fmt.Errorf("mock config: MockedResponses.%s.%s needs Return or Throw", name, key)
			}
			ranges = append(ranges, r)
		}
		sort.Slice(ranges, func(i, j int) bool { return ranges[i].from < ranges[j].from })
		for i := 1; i < len(ranges); i++ {
			if ranges[i].from <= ranges[i-1].to {
				return nil, fmt.Errorf("mock config: MockedResponses.%s: invocation ranges overlap", name)
			}
		}
		c.responses[name] = ranges
	}
	for sm, m := range c.StateMachines {
		for tc, states := range m.TestCases {
			for state, resp := range states {
				if _, ok := c.responses[resp]; !ok {
					return nil, fmt.Errorf("mock config: StateMachines.%s.TestCases.%s.%s names the mocked response %q, which MockedResponses lacks", sm, tc, state, resp)
				}
			}
		}
	}
	return &c, nil
}

func parseRange(key string) (int, int, error) {
	a, b, isRange := strings.Cut(key, "-")
	from, err := strconv.Atoi(a)
	if err != nil || from < 0 {
		return 0, 0, fmt.Errorf("%q is not an invocation number or range such as \"0\" or \"1-3\"", key)
	}
	if !isRange {
		return from, from, nil
	}
	to, err := strconv.Atoi(b)
	if err != nil || to < from {
		return 0, 0, fmt.Errorf("%q is not an invocation range such as \"1-3\"", key)
	}
	return from, to, nil
}

// StateMachineNames lists the mock file's state machines, sorted.
func (c *MockConfig) StateMachineNames() []string {
	var names []string
	for n := range c.StateMachines {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// TestCase returns a Resolver that answers the test case's mocked states of
// the named state machine (if name is "", the file's only one). Each mocked
// state counts its invocations; other states are left to the next resolver.
func (c *MockConfig) TestCase(stateMachine, testCase string) (*MockResolver, error) {
	if stateMachine == "" {
		names := c.StateMachineNames()
		if len(names) != 1 {
			return nil, fmt.Errorf("the mock config has %d state machines (%s): name one", len(names), strings.Join(names, ", "))
		}
		stateMachine = names[0]
	}
	m, ok := c.StateMachines[stateMachine]
	if !ok {
		return nil, fmt.Errorf("the mock config has no state machine %q (it has %s)", stateMachine, strings.Join(c.StateMachineNames(), ", "))
	}
	states, ok := m.TestCases[testCase]
	if !ok {
		var cases []string
		for n := range m.TestCases {
			cases = append(cases, n)
		}
		sort.Strings(cases)
		return nil, fmt.Errorf("state machine %q has no test case %q (it has %s)", stateMachine, testCase, strings.Join(cases, ", "))
	}
	r := &MockResolver{config: c, states: states, calls: map[string]int{}}
	return r, nil
}

// MockResolver answers mocked states of one test case.
type MockResolver struct {
	config *MockConfig
	states map[string]string
	next   Resolver

	mu    sync.Mutex
	calls map[string]int
}

var _ Resolver = (*MockResolver)(nil)

// Fallback resolves the states the test case does not mock.
func (r *MockResolver) Fallback(next Resolver) *MockResolver {
	r.next = next
	return r
}

// Resolve implements Resolver.
func (r *MockResolver) Resolve(stateName, resource string, input any) (TaskHandler, bool) {
	resp, ok := r.states[stateName]
	if !ok {
		if r.next != nil {
			return r.next.Resolve(stateName, resource, input)
		}
		return nil, false
	}
	return mockHandler(func(ctx context.Context, req TaskRequest) (any, error) {
		r.mu.Lock()
		n := r.calls[stateName]
		r.calls[stateName]++
		r.mu.Unlock()
		for _, rg := range r.config.responses[resp] {
			if n >= rg.from && n <= rg.to {
				if rg.throw != nil {
					return nil, &Failure{Name: rg.throw.Name, Cause: rg.throw.Cause}
				}
				return clone(rg.ret), nil
			}
		}
		return nil, failf(ErrRuntime, "the mocked response %q of state %q has no answer for invocation %d", resp, stateName, n)
	}), true
}

// mockHandler is a mocked response. For a .waitForTaskToken task its answer
// is the callback's: the task completes with it at once, as in Step
// Functions Local.
type mockHandler TaskFunc

func (m mockHandler) Invoke(ctx context.Context, req TaskRequest) (any, error) { return m(ctx, req) }

// completesToken marks handlers whose result answers the task token.
type completesToken interface{ completesToken() }

func (mockHandler) completesToken() {}
