package cdkapp

import (
	"errors"
	"fmt"
	"testing"
)

func TestMessage(t *testing.T) {
	var nilMap map[string]int
	runtimeErr := func() (r any) {
		defer func() { r = recover() }()
		nilMap["x"] = 1
		return nil
	}()
	tests := []struct {
		name      string
		recovered any
		want      string
		ok        bool
	}{
		{"invalid props", fmt.Errorf("statemachine: Props.Timeout is 6m0s; a Express workflow allows whole seconds from 1s to 5m0s: set a value in that range or 0 for the default"),
			"statemachine: Props.Timeout is 6m0s; a Express workflow allows whole seconds from 1s to 5m0s: set a value in that range or 0 for the default", true},
		{"wrapped", fmt.Errorf("orders: %w", errors.New("Props.ApprovalTimeout is 0")), "orders: Props.ApprovalTimeout is 0", true},
		{"jsii's duplicate id", errors.New("There is already a Construct with name 'Orders' in Stack [Sfnkit]"),
			"There is already a Construct with name 'Orders' in Stack [Sfnkit]", true},
		{"validation errors on several lines", errors.New("Validation failed with the following errors:\n  [S/Machine] statemachine: Task state \"A\" has no Catch\n  [S/Machine] statemachine: Task state \"B\" has no Catch\n"),
			`Validation failed with the following errors: [S/Machine] statemachine: Task state "A" has no Catch; [S/Machine] statemachine: Task state "B" has no Catch`, true},
		{"blank lines and indentation", errors.New("\n  first\n\n\tsecond  \n"), "first; second", true},
		{"a runtime error is a bug", runtimeErr, "", false},
		{"a string is not an error", "No Object Found", "", false},
		{"nil error", error(nil), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Message(tt.recovered)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Message(%v) = %q, %v; want %q, %v", tt.recovered, got, ok, tt.want, tt.ok)
			}
		})
	}
}
