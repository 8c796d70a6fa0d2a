package statemachine

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/cfn"
)

// CheckTasks returns a message for every Task state of the ASL definition
// that has no timeout, or no Catch while no enclosing Parallel or Map state
// catches for it. States are visited in name order, so messages are stable.
func CheckTasks(definition []byte) ([]string, error) {
	var m machineJSON
	if err := json.Unmarshal(definition, &m); err != nil {
		return nil, fmt.Errorf("the definition is not valid JSON: %w", err)
	}
	var problems []string
	m.check(false, &problems)
	return problems, nil
}

type machineJSON struct {
	States map[string]stateJSON `json:"States"`
}

type stateJSON struct {
	Type               string            `json:"Type"`
	Catch              []json.RawMessage `json:"Catch"`
	TimeoutSeconds     any               `json:"TimeoutSeconds"`
	TimeoutSecondsPath string            `json:"TimeoutSecondsPath"`
	Branches           []machineJSON     `json:"Branches"`
	ItemProcessor      *machineJSON      `json:"ItemProcessor"`
	Iterator           *machineJSON      `json:"Iterator"`
}

func (m machineJSON) check(caughtOutside bool, problems *[]string) {
	names := make([]string, 0, len(m.States))
	for name := range m.States {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		st := m.States[name]
		caught := caughtOutside || len(st.Catch) > 0
		switch st.Type {
		case "Task":
			if st.TimeoutSeconds == nil && st.TimeoutSecondsPath == "" {
				*problems = append(*problems, fmt.Sprintf(
					"Task state %q has no TimeoutSeconds: a task without one can wait forever; set taskTimeout on it", name))
			}
			if !caught {
				*problems = append(*problems, fmt.Sprintf(
					"Task state %q has no Catch: add one that leads somewhere deliberate (a compensation, a notification, a Fail state)", name))
			}
		case "Parallel":
			for _, b := range st.Branches {
				b.check(caught, problems)
			}
		case "Map":
			for _, body := range []*machineJSON{st.ItemProcessor, st.Iterator} {
				if body != nil {
					body.check(caught, problems)
				}
			}
		}
	}
}

// taskCheck runs CheckTasks on the synthesized definition at synth time.
type taskCheck struct {
	machine awsstepfunctions.StateMachine
}

// Validate implements constructs.IValidation.
func (c *taskCheck) Validate() *[]*string {
	cfnMachine, ok := c.machine.Node().DefaultChild().(awsstepfunctions.CfnStateMachine)
	if !ok {
		return &[]*string{}
	}
	resolved := awscdk.Stack_Of(c.machine).Resolve(cfnMachine.DefinitionString())
	definition, err := cfn.Resolve(resolved, cfn.Names{})
	if err != nil {
		return &[]*string{jsii.String("statemachine: cannot read the definition to check its tasks: " + err.Error())}
	}
	problems, err := CheckTasks([]byte(definition))
	if err != nil {
		return &[]*string{jsii.String("statemachine: " + err.Error())}
	}
	out := make([]*string, len(problems))
	for i, p := range problems {
		out[i] = jsii.String("statemachine: " + p)
	}
	return &out
}
