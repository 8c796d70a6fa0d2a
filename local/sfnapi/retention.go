package sfnapi

// executionList is a machine's executions in start order. Forgotten ones
// (gone) stay in it until they are half of it, so evicting one costs no
// copy of the list.
type executionList struct {
	recs []*record
	gone int // records in recs that are gone
}

// watch records the execution's end once it comes: from then on it counts
// against MaxClosedExecutions, and the oldest closed executions beyond it
// are forgotten. A running or waiting execution is never forgotten.
func (s *Server) watch(rec *record) {
	<-rec.x.Done()
	s.mu.Lock()
	var evicted []*record
	if !rec.gone { // else its machine was deleted first
		rec.closed = true
		s.closed = append(s.closed, rec)
		for len(s.closed) > s.maxClosed {
			old := s.closed[0]
			s.closed[0] = nil
			s.closed = s.closed[1:]
			s.forgetLocked(old)
			evicted = append(evicted, old)
		}
	}
	if rec.redrive.recorded != nil { // a redrive may reopen the record now
		close(rec.redrive.recorded)
		rec.redrive.recorded = nil
	}
	hook := s.onClosed
	s.mu.Unlock()
	for _, old := range evicted {
		old.machine.Engine.Forget(old.x) // its name may be used again, as after AWS's retention
	}
	if hook != nil {
		hook()
	}
}

// forgetLocked drops a closed execution: its ARN answers
// ExecutionDoesNotExist from now on. s.mu is held.
func (s *Server) forgetLocked(rec *record) {
	rec.gone = true
	if s.executions[rec.x.Arn] == rec {
		delete(s.executions, rec.x.Arn)
	}
	list := s.byMachine[rec.machine.Arn]
	if list == nil {
		return
	}
	list.gone++
	if list.gone*2 > len(list.recs) {
		kept := make([]*record, 0, len(list.recs)-list.gone)
		for _, r := range list.recs {
			if !r.gone {
				kept = append(kept, r)
			}
		}
		list.recs, list.gone = kept, 0
	}
}

// Executions counts the executions the server keeps: those running and
// those closed but not yet forgotten.
func (s *Server) Executions() (running, closed int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.executions) - len(s.closed), len(s.closed)
}
