package local

import (
	"encoding/json"
	"fmt"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/asl/cfn"
	"github.com/sfnkit/sfnkit/asl/fakes"
	"github.com/sfnkit/sfnkit/asl/sfnapi"
)

// Serving makes the engines of `sfnkit serve`. A state machine created
// with the definition of one in the assembly (as `sfnkit smoke --create`
// and `make deploy-local` create them) runs with the project's real Go
// handlers and AWS fakes, seeded with the sample data of its workflow's
// scenarios; any other runs its AWS SDK integrations on fresh fakes, and
// its Lambda tasks fail for want of a handler.
func Serving(asm *cfn.Assembly, clock asl.Clock) sfnapi.Prepare {
	return func(m *sfnapi.Machine) (*asl.Engine, error) {
		if asm != nil {
			for _, st := range asm.Stacks {
				machines, err := st.Template.StateMachines(cfn.Placeholders{Template: st.Template})
				if err != nil {
					return nil, fmt.Errorf("stack %s: %w", st.Name, err)
				}
				for _, sm := range machines {
					if !sameJSON(sm.Definition, m.Definition) {
						continue
					}
					env, err := NewEnv(st.Template, sm.LogicalID, Options{Clock: clock, StateMachineArn: m.Arn})
					if err != nil {
						return nil, err
					}
					if err := SetUp(env, st.Name); err != nil {
						return nil, err
					}
					return env.Engine, nil
				}
			}
		}
		aws := &fakes.AWS{}
		return asl.NewEngine(asl.Options{Clock: clock, Tasks: aws, Items: aws, Results: aws, StateMachineArn: m.Arn}), nil
	}
}

// sameJSON compares two JSON documents as values.
func sameJSON(a, b string) bool {
	if a == b {
		return true
	}
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}
