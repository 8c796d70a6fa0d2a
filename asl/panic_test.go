package asl

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestPanicFailsOnlyItsExecution: a panic on an execution's goroutines
// (here from a Resolver) used to crash the process with every execution
// in it; it fails that execution with States.Runtime, which no Catch
// handles, and the engine runs the next execution as usual.
func TestPanicFailsOnlyItsExecution(t *testing.T) {
	panicky := ResolverFunc(func(stateName, _ string, _ any) (TaskHandler, bool) {
		if stateName == "Boom" {
			panic("resolver bug")
		}
		return returns(`{"ok":true}`), true
	})
	boom := `{"Type":"Task","Resource":"` + fn + `","End":true}`
	catchAll := `"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Caught"}],`
	for name, def := range map[string]string{
		"execution": `{"StartAt":"Boom","States":{"Boom":` + boom + `}}`,
		"parallel branch": `{"StartAt":"P","States":{"P":{"Type":"Parallel",` + catchAll + `"End":true,"Branches":[
		  {"StartAt":"Fine","States":{"Fine":{"Type":"Task","Resource":"` + fn + `","End":true}}},
		  {"StartAt":"Boom","States":{"Boom":` + boom + `}}]},"Caught":{"Type":"Succeed"}}}`,
		"map iteration": `{"StartAt":"M","States":{"M":{"Type":"Map",` + catchAll + `"End":true,
		  "ItemProcessor":{"StartAt":"Boom","States":{"Boom":` + boom + `}}},"Caught":{"Type":"Succeed"}}}`,
	} {
		sm, err := Parse([]byte(def))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		e := NewEngine(Options{Tasks: panicky, Clock: NewVirtualClock(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))})
		res, _, err := e.Run(context.Background(), sm, []byte(`[1,2,3]`))
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != StatusFailed || res.Error != ErrRuntime || !strings.Contains(res.Cause, "resolver bug") {
			t.Errorf("%s: %s %s (%s); want FAILED %s naming the panic", name, res.Status, res.Error, res.Cause, ErrRuntime)
		}
		fine, err := Parse([]byte(`{"StartAt":"Fine","States":{"Fine":{"Type":"Task","Resource":"` + fn + `","End":true}}}`))
		if err != nil {
			t.Fatal(err)
		}
		ok, _, err := e.Run(context.Background(), fine, nil)
		if err != nil || ok.Status != StatusSucceeded {
			t.Errorf("%s: the next execution: %v %s %s", name, err, ok.Status, ok.Cause)
		}
	}
}
