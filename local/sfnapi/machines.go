package sfnapi

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/sfnkit/sfnkit/asl"
)

// createStateMachine makes a machine. Prepare runs without the server's
// lock; a second create or a delete of the same name waits for it.
func (s *Server) createStateMachine(ctx context.Context, r request) (any, error) {
	q, err := validated[createStateMachineRequest](r)
	if err != nil {
		return nil, err
	}
	name, definition, role, typ := *q.Name, *q.Definition, *q.RoleArn, q.Type
	tags, err := createTags(r)
	if err != nil {
		return nil, err
	}
	parsed, err := asl.ParseFor([]byte(definition), asl.WorkflowType(typ))
	if err != nil {
		return nil, fail("InvalidDefinition", "Invalid State Machine Definition: '%s'", err)
	}
	arn := fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", s.region, s.account, name)
	for {
		s.mu.Lock()
		if m, ok := s.machines[arn]; ok {
			s.mu.Unlock()
			if m.Definition == definition && m.RoleArn == role && m.Type == typ {
				return createStateMachineResponse{StateMachineArn: m.Arn, CreationDate: epoch(m.Created)}, nil
			}
			return nil, fail("StateMachineAlreadyExists", "State Machine Already Exists: '%s'", arn)
		}
		busy, ok := s.pending[arn]
		if !ok {
			break // with the lock held
		}
		s.mu.Unlock()
		select { // a create or delete of the same name is under way
		case <-busy:
		case <-ctx.Done():
			return nil, fail("StateMachineDeleting", "State Machine is being created or deleted: '%s'", arn)
		}
	}
	done := make(chan struct{})
	s.pending[arn] = done
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.pending, arn)
		s.mu.Unlock()
		close(done)
	}()

	m := &Machine{Arn: arn, Name: name, Type: typ, RoleArn: role, Definition: definition, Created: s.clock.Now(), Parsed: parsed}
	m.Activities = &s.acts
	if s.prepare != nil { // without the lock: it may build and start processes
		p, err := s.prepare(m)
		if err != nil {
			return nil, fail("InvalidDefinition", "%v", err)
		}
		m.Engine, m.close = p.Engine, p.Close
	}
	if m.Engine == nil {
		m.Engine = asl.NewEngine(asl.Options{Clock: s.clock, StateMachineArn: arn, Type: asl.WorkflowType(typ), Activities: m.Activities})
	}
	out := createStateMachineResponse{StateMachineArn: arn, CreationDate: epoch(m.Created)}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.machines[arn] = m
	s.order = append(s.order, arn)
	s.setTagsLocked(arn, tags)
	if q.Publish {
		ver, err := s.publishLocked(m, deref(q.VersionDescription), "")
		if err != nil {
			return nil, err
		}
		out.StateMachineVersionArn = ver.Arn
	}
	return out, nil
}

// machine finds the state machine a request's stateMachineArn names.
func (s *Server) machine(r request) (*Machine, error) {
	q, err := validated[stateMachineRequest](r)
	if err != nil {
		return nil, err
	}
	return s.machineByArn(*q.StateMachineArn)
}

// machineByArn finds a state machine by its validated ARN.
func (s *Server) machineByArn(arn string) (*Machine, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.machines[arn]
	if !ok {
		return nil, fail("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn)
	}
	return m, nil
}

func (s *Server) describeStateMachine(_ context.Context, r request) (any, error) {
	q, err := validated[stateMachineRequest](r)
	if err != nil {
		return nil, err
	}
	if out, ok, err := s.describeVersion(*q.StateMachineArn); ok {
		return out, err
	}
	m, err := s.machineByArn(*q.StateMachineArn)
	if err != nil {
		return nil, err
	}
	return describeMachine(m), nil
}

func (s *Server) listStateMachines(_ context.Context, r request) (any, error) {
	q, err := validated[listStateMachinesRequest](r)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	arns := append([]string(nil), s.order...)
	s.mu.Unlock()
	page, next, err := q.page(len(arns))
	if err != nil {
		return nil, err
	}
	out := listStateMachinesResponse{StateMachines: []stateMachineListItem{}, NextToken: next}
	s.mu.Lock()
	for _, arn := range arns[page.from:page.to] {
		m := s.machines[arn]
		out.StateMachines = append(out.StateMachines, stateMachineListItem{StateMachineArn: m.Arn, Name: m.Name, Type: m.Type, CreationDate: epoch(m.Created)})
	}
	s.mu.Unlock()
	return out, nil
}

// deleteStateMachine deletes a machine as AWS does, but at once: its
// executions are stopped and forgotten (they answer ExecutionDoesNotExist,
// the machine StateMachineDoesNotExist), then what Prepare made for it is
// released. Until that is done, creating a machine of the same name waits.
// Deleting a machine that does not exist succeeds, as in AWS.
func (s *Server) deleteStateMachine(ctx context.Context, r request) (any, error) {
	q, err := validated[stateMachineRequest](r)
	if err != nil {
		return nil, err
	}
	arn := *q.StateMachineArn
	s.mu.Lock()
	m, ok := s.machines[arn]
	if !ok {
		s.mu.Unlock()
		return map[string]any{}, nil
	}
	delete(s.machines, arn)
	for i, a := range s.order {
		if a == arn {
			s.order = append(s.order[:i:i], s.order[i+1:]...)
			break
		}
	}
	done := make(chan struct{})
	s.pending[arn] = done
	defer func() {
		s.mu.Lock()
		delete(s.pending, arn)
		s.mu.Unlock()
		close(done)
	}()
	var running []*asl.Execution
	if list := s.byMachine[arn]; list != nil {
		for _, rec := range list.recs {
			if !rec.gone {
				rec.gone = true
				delete(s.executions, rec.x.Arn)
				if !rec.closed {
					running = append(running, rec.x)
				}
			}
		}
		delete(s.byMachine, arn)
	}
	s.closed = slices.DeleteFunc(s.closed, func(rec *record) bool { return rec.machine.Arn == arn }) // any revision of m
	delete(s.versions, arn)
	delete(s.tags, arn)
	s.mu.Unlock()

	for _, x := range running {
		x.Stop("", "")
	}
	for _, x := range running {
		select {
		case <-x.Done():
		case <-ctx.Done(): // the client gave up; release the machine anyway
		}
	}
	if m.close != nil {
		if err := m.close(); err != nil {
			return nil, fail("InternalFailure", "releasing state machine %s: %v", arn, err)
		}
	}
	return map[string]any{}, nil
}

// Machines lists the created state machines, sorted by name.
func (s *Server) Machines() []*Machine {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Machine, 0, len(s.machines))
	for _, m := range s.machines {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
