package harness

import (
	"fmt"
	"net/http"

	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/local/sfnapi"
)

// Deployed is a state machine Deploy created.
type Deployed struct {
	Stack, LogicalID, Arn string
}

// Deploy creates every state machine of the assembly through the Step
// Functions API api, as `cdk deploy` would: each named after its logical
// id, so its ARN is the one cfn.Placeholders gives references to it (the
// targets of rules and API integrations), with the definition, type and
// role of its template. A machine that exists with the same definition is
// left as it is.
func (s *Serving) Deploy(api http.Handler) ([]Deployed, error) {
	if s.Assembly == nil {
		return nil, nil
	}
	var out []Deployed
	for _, st := range s.Assembly.Stacks {
		names := cfn.Placeholders{Template: st.Template}
		machines, err := st.Template.StateMachines(names)
		if err != nil {
			return nil, fmt.Errorf("stack %s: %w", st.Name, err)
		}
		for _, sm := range machines {
			role, err := cfn.Resolve(st.Template.Resources[sm.LogicalID].Properties["RoleArn"], names)
			if err != nil {
				return nil, fmt.Errorf("stack %s: the role of %s: %w", st.Name, sm.LogicalID, err)
			}
			var created struct{ StateMachineArn string }
			if err := sfnapi.Call(api, "CreateStateMachine", map[string]string{
				"name": sm.LogicalID, "definition": sm.Definition, "roleArn": role, "type": sm.Type,
			}, &created); err != nil {
				return nil, fmt.Errorf("stack %s: creating %s: %w", st.Name, sm.LogicalID, err)
			}
			out = append(out, Deployed{Stack: st.Name, LogicalID: sm.LogicalID, Arn: created.StateMachineArn})
		}
	}
	return out, nil
}
