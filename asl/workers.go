package asl

import "sync/atomic"

// maxIdleWorkers is how many goroutines may wait for work between units.
const maxIdleWorkers = 128

// workers runs the units of work a VirtualClock starts (executions,
// branches, iterations) on goroutines that outlive them. A new
// goroutine's stack starts small and grows as deep as an execution's
// evaluation goes (a JSONata expression, a deep document), copied at each
// doubling: a tenth of the time of a short execution went into those
// copies. A worker that ends its unit waits for the next one with its
// stack grown; beyond maxIdleWorkers waiting, it ends.
//
// A worker started inside a testing/synctest bubble would outlive the
// bubble's test, so a clock used inside one must start its work itself
// (see Clock.Go).
var workers = workerPool{work: make(chan func(), maxIdleWorkers)}

type workerPool struct {
	// work hands a unit to a waiting worker: a unit is sent only after
	// claiming one of idle's workers, so a send never blocks and no unit
	// waits for a busy one.
	work chan func()
	idle atomic.Int32 // workers waiting on work, less the units sent to them
}

// run runs f on a waiting worker, or on a new one.
func (p *workerPool) run(f func()) {
	for {
		n := p.idle.Load()
		if n <= 0 {
			go p.loop(f)
			return
		}
		if p.idle.CompareAndSwap(n, n-1) {
			p.work <- f
			return
		}
	}
}

// loop runs f, then the units handed to it while it waits.
func (p *workerPool) loop(f func()) {
	for {
		f()
		for {
			n := p.idle.Load()
			if n >= maxIdleWorkers {
				return
			}
			if p.idle.CompareAndSwap(n, n+1) {
				break
			}
		}
		f = <-p.work
	}
}

// unit is an execution's work, run once by whichever takes it first: a
// unit of work on the clock, or a Wait (see Execution.Wait).
type unit struct {
	f     func()
	clock Clock
	taken atomic.Bool
}

// dispatch starts f as the execution's work. The clock counts it as
// running from now until it returns, whoever runs it: the unit holds the
// clock until it is taken, and its work is then counted once, as the
// clock's unit of work or as the Wait that took it.
func (x *Execution) dispatch(c Clock, f func()) {
	u := &unit{f: f, clock: c}
	c.Hold()
	x.run.Store(u)
	c.Go(func() {
		if u.taken.CompareAndSwap(false, true) {
			c.Release() // Go counts this goroutine already
			u.f()
		}
	})
}

// take runs the unit's work on the calling goroutine unless it was taken
// before.
func (u *unit) take() {
	if u.taken.CompareAndSwap(false, true) {
		defer u.clock.Release()
		u.f()
	}
}
