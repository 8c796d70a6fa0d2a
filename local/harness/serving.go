package harness

import (
	"encoding/json"
	"errors"
	"fmt"
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
	// function logs); StateMachineArn is the created machine's.
	Options Options

	mu   sync.Mutex
	envs []*Env
}

// Prepare implements sfnapi.Prepare.
func (s *Serving) Prepare(m *sfnapi.Machine) (*asl.Engine, error) {
	if s.Assembly != nil {
		for _, st := range s.Assembly.Stacks {
			machines, err := st.Template.StateMachines(cfn.Placeholders{Template: st.Template})
			if err != nil {
				return nil, fmt.Errorf("stack %s: %w", st.Name, err)
			}
			for _, sm := range machines {
				if !sameJSON(sm.Definition, m.Definition) {
					continue
				}
				opts := s.Options
				opts.StateMachineArn = m.Arn
				env, err := NewEnv(st.Template, sm.LogicalID, opts)
				if err != nil {
					return nil, err
				}
				s.mu.Lock()
				s.envs = append(s.envs, env)
				s.mu.Unlock()
				if err := SetUp(env, st.Name); err != nil {
					return nil, err
				}
				return env.Engine, nil
			}
		}
	}
	aws := &fakes.AWS{}
	return asl.NewEngine(asl.Options{Clock: s.Options.Clock, Tasks: aws, Items: aws, Results: aws, StateMachineArn: m.Arn}), nil
}

// Close stops the function processes of every machine served.
func (s *Serving) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for _, env := range s.envs {
		errs = append(errs, env.Close())
	}
	s.envs = nil
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
