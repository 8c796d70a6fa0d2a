package harness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/local/fakes"
	"github.com/sfnkit/sfnkit/local/sfnapi"
)

// Serving makes the engines of `sfnkit serve`. A state machine created
// with the definition of one in Assembly (as `sfnkit smoke --create` and
// `make deploy-local` create them) runs with the project's real Go
// handlers and AWS fakes, seeded with the sample data of its workflow's
// scenarios; any other runs its AWS SDK integrations on fresh fakes, and
// its Lambda tasks fail for want of a handler.
type Serving struct {
	// Assembly holds the synthesized state machines. If nil, every machine
	// runs on fresh fakes.
	Assembly *cfn.Assembly
	// Options configure each machine's Env (clock, Lambda runtime,
	// function logs); StateMachineArn is the created machine's. If
	// Options.AWS is set, the machines Deploy creates (named after their
	// logical ids) share those fakes; machines created otherwise (such as
	// `sfnkit smoke --create`) get fakes of their own, so their scenarios
	// never see each other's data; Options.EndpointURL and
	// StepFunctionsURL, which reach the shared fakes, apply to Deploy's
	// machines only too.
	Options Options

	mu   sync.Mutex
	envs []*Env
}

// Prepare implements sfnapi.Prepare. A machine of the assembly gets an Env
// of its own; deleting the machine closes it (its function processes and
// the endpoint they reach the fakes through).
func (s *Serving) Prepare(m *sfnapi.Machine) (sfnapi.Prepared, error) {
	if s.Assembly != nil {
		for _, st := range s.Assembly.Stacks {
			machines, err := st.Template.StateMachines(cfn.Placeholders{Template: st.Template})
			if err != nil {
				return sfnapi.Prepared{}, fmt.Errorf("stack %s: %w", st.Name, err)
			}
			for _, sm := range machines {
				if !sameJSON(sm.Definition, m.Definition) {
					continue
				}
				opts := s.Options
				opts.StateMachineArn = m.Arn
				if m.Name != sm.LogicalID {
					opts.AWS, opts.EndpointURL, opts.StepFunctionsURL = nil, "", ""
				}
				env, err := NewEnv(st.Template, sm.LogicalID, opts)
				if err != nil {
					return sfnapi.Prepared{}, err
				}
				if err := SetUp(env, st.Name); err != nil {
					return sfnapi.Prepared{}, errors.Join(err, env.Close())
				}
				s.mu.Lock()
				s.envs = append(s.envs, env)
				s.mu.Unlock()
				return sfnapi.Prepared{Engine: env.Engine, Close: func() error { return s.release(env) }}, nil
			}
		}
	}
	aws := &fakes.AWS{}
	return sfnapi.Prepared{Engine: asl.NewEngine(asl.Options{Clock: s.Options.Clock, Tasks: aws, Items: aws, Results: aws, StateMachineArn: m.Arn, Type: asl.WorkflowType(m.Type), Activities: m.Activities})}, nil
}

// release closes one machine's Env.
func (s *Serving) release(env *Env) error {
	s.mu.Lock()
	s.envs = slices.DeleteFunc(s.envs, func(e *Env) bool { return e == env })
	s.mu.Unlock()
	return env.Close()
}

// Running counts the Envs open (one per machine created from the
// assembly and not deleted) and the function processes running in them.
func (s *Serving) Running() (envs, processes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, env := range s.envs {
		processes += env.Processes()
	}
	return len(s.envs), processes
}

// Close stops the function processes of every machine served.
func (s *Serving) Close() error {
	s.mu.Lock()
	envs := s.envs
	s.envs = nil
	s.mu.Unlock()
	var errs []error
	for _, env := range envs {
		errs = append(errs, env.Close())
	}
	return errors.Join(errs...)
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

// Deployed is a state machine Deploy created.
type Deployed struct {
	Stack, LogicalID, Arn string
}

// Deploy creates every state machine of the assembly through the Step
// Functions API api (its CreateStateMachine, in process), as `cdk deploy`
// would: each named after its logical
// id, so its ARN is the one cfn.Placeholders gives references to it (the
// targets of rules and API integrations), with the definition, type and
// role of its template. A machine that exists with the same definition is
// left as it is.
func (s *Serving) Deploy(ctx context.Context, api *sfnapi.Server) ([]Deployed, error) {
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
			if err := api.Invoke(ctx, "CreateStateMachine", map[string]string{
				"name": sm.LogicalID, "definition": sm.Definition, "roleArn": role, "type": sm.Type,
			}, &created); err != nil {
				return nil, fmt.Errorf("stack %s: creating %s: %w", st.Name, sm.LogicalID, err)
			}
			out = append(out, Deployed{Stack: st.Name, LogicalID: sm.LogicalID, Arn: created.StateMachineArn})
		}
	}
	return out, nil
}
