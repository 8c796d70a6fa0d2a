package asl

import (
	"container/heap"
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// Clock is the engine's source of time. Wait states, retry backoff, task
// timeouts, heartbeats and the execution timeout all go through it.
type Clock interface {
	Now() time.Time
	// Sleep pauses the calling work for d.
	Sleep(ctx context.Context, d time.Duration) error
	// NewSignal makes a one-shot event that work can wait on.
	NewSignal() Signal
	// Go runs f as a new unit of work.
	Go(f func())
	// Hold and Release bracket a stretch in which someone outside the
	// engine (a test, an API caller) is about to act: a virtual clock does
	// not jump forward while it is held.
	Hold()
	Release()
}

// Signal is a one-shot event.
type Signal interface {
	// Fire sets the event; waiting work resumes. Later calls do nothing.
	Fire()
	// Wait blocks until the event is set, the timeout passes (if positive)
	// or ctx ends; timedOut tells the second case.
	Wait(ctx context.Context, timeout time.Duration) (timedOut bool, err error)
}

// RealClock is wall-clock time.
type RealClock struct{}

var _ Clock = RealClock{}

// Now implements Clock.
func (RealClock) Now() time.Time { return time.Now().UTC() }

// Sleep implements Clock.
func (RealClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// NewSignal implements Clock.
func (RealClock) NewSignal() Signal { return &realSignal{ch: make(chan struct{})} }

// Go implements Clock.
func (RealClock) Go(f func()) { go f() }

// Hold implements Clock; wall time cannot be held.
func (RealClock) Hold() {}

// Release implements Clock.
func (RealClock) Release() {}

type realSignal struct {
	once sync.Once
	ch   chan struct{}
}

func (s *realSignal) Fire() { s.once.Do(func() { close(s.ch) }) }

func (s *realSignal) Wait(ctx context.Context, timeout time.Duration) (bool, error) {
	var timer <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-s.ch:
		return false, nil
	case <-timer:
		return true, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// VirtualClock is simulated time for tests and offline runs: it stands still
// while any work runs, and when every unit of work is waiting it jumps to
// the earliest pending wake-up. A 24-hour Wait takes no real time, parallel
// branches still wake in the order their durations give, and a task waiting
// for a token times out only when nothing else can happen — or when the
// clock is advanced while held.
type VirtualClock struct {
	mu  sync.Mutex
	now time.Time
	// nowNanos is now for Now, which every history event reads: a load
	// instead of the lock. It is written with now, under mu.
	nowNanos atomic.Int64
	busy     int
	timers   timerHeap
	seq      int
	// waiting holds every waiting signal with its context: a waiter whose
	// context ended must run before time moves on.
	waiting map[*virtualSignal]context.Context
}

var _ Clock = (*VirtualClock)(nil)

// NewVirtualClock starts virtual time at start.
func NewVirtualClock(start time.Time) *VirtualClock {
	v := &VirtualClock{}
	v.setNowLocked(start.UTC())
	return v
}

// setNowLocked moves the time to t; hold mu, or own v alone.
func (v *VirtualClock) setNowLocked(t time.Time) {
	v.now = t
	n := t.UnixNano()
	if !time.Unix(0, n).Equal(t) { // before 1678 or after 2262: Now takes the lock
		n = outsideNanos
	}
	v.nowNanos.Store(n)
}

// outsideNanos marks a time UnixNano cannot hold.
const outsideNanos = math.MinInt64

// Now implements Clock.
func (v *VirtualClock) Now() time.Time {
	if n := v.nowNanos.Load(); n != outsideNanos {
		return time.Unix(0, n).UTC()
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.now
}

// Sleep implements Clock.
func (v *VirtualClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	_, err := v.NewSignal().Wait(ctx, d)
	return err
}

// NewSignal implements Clock.
func (v *VirtualClock) NewSignal() Signal { return &virtualSignal{clock: v, ch: make(chan struct{})} }

// Go implements Clock: f counts as running work until it returns. It
// runs on a goroutine kept for further work (see workers), so a clock
// used inside a testing/synctest bubble must wrap Go to start its own.
func (v *VirtualClock) Go(f func()) {
	v.mu.Lock()
	v.busy++
	v.mu.Unlock()
	workers.run(func() {
		defer v.Release()
		f()
	})
}

// Hold implements Clock.
func (v *VirtualClock) Hold() {
	v.mu.Lock()
	v.busy++
	v.mu.Unlock()
}

// Release implements Clock.
func (v *VirtualClock) Release() {
	v.mu.Lock()
	v.busy--
	v.advanceLocked()
	v.mu.Unlock()
}

// Advance moves time forward by d, waking (one at a time, as work goes
// idle) everything due by then. Call it while holding the clock to make a
// token wait time out.
func (v *VirtualClock) Advance(d time.Duration) {
	v.mu.Lock()
	target := v.now.Add(d)
	for v.timers.Len() > 0 && !v.timers[0].at.After(target) {
		v.fireLocked(heap.Pop(&v.timers).(*vtimer))
	}
	v.setNowLocked(maxTime(v.now, target))
	v.mu.Unlock()
}

// advanceLocked jumps to the earliest wake-up when no work runs. Waiters
// whose context was cancelled are woken first, at the current time, and
// again after a timer's function ran (it may have cancelled some).
func (v *VirtualClock) advanceLocked() {
	for v.busy <= 0 {
		for s, ctx := range v.waiting {
			if ctx.Err() != nil && !s.woken {
				s.wakeLocked(false)
			}
		}
		if v.busy > 0 || v.timers.Len() == 0 {
			return
		}
		v.fireLocked(heap.Pop(&v.timers).(*vtimer))
	}
}

// fireLocked moves time to a timer popped from the heap and wakes its
// waiter or calls its function.
func (v *VirtualClock) fireLocked(t *vtimer) {
	if t.fn != nil {
		v.setNowLocked(maxTime(v.now, t.at))
		t.fn()
		return
	}
	if t.sig.woken {
		return
	}
	v.setNowLocked(maxTime(v.now, t.at))
	t.sig.wakeLocked(true)
}

// afterFunc calls f when virtual time reaches d from now, with the clock
// locked, so f must neither block nor use the clock; stop cancels it. It
// stands for a goroutine that would wait on a signal for d (an
// execution's timeout) without the goroutine.
func (v *VirtualClock) afterFunc(d time.Duration, f func()) (stop func()) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.seq++
	t := &vtimer{at: v.now.Add(d), seq: v.seq, fn: f}
	heap.Push(&v.timers, t)
	return func() {
		v.mu.Lock()
		defer v.mu.Unlock()
		if t.index >= 0 {
			heap.Remove(&v.timers, t.index)
		}
	}
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

type virtualSignal struct {
	clock   *VirtualClock
	ch      chan struct{}
	fired   bool // Fire was called
	waiting bool
	woken   bool // the waiter has been counted busy again
	byTimer bool
}

// wakeLocked resumes the waiter, counting it as running work.
func (s *virtualSignal) wakeLocked(byTimer bool) {
	if s.woken {
		return
	}
	s.woken, s.byTimer = true, byTimer
	s.clock.busy++
	close(s.ch)
}

func (s *virtualSignal) Fire() {
	v := s.clock
	v.mu.Lock()
	defer v.mu.Unlock()
	if s.fired {
		return
	}
	s.fired = true
	if s.waiting {
		s.wakeLocked(false)
	}
}

func (s *virtualSignal) Wait(ctx context.Context, timeout time.Duration) (bool, error) {
	v := s.clock
	v.mu.Lock()
	if s.fired {
		v.mu.Unlock()
		return false, nil
	}
	s.waiting = true
	if v.waiting == nil {
		v.waiting = map[*virtualSignal]context.Context{}
	}
	v.waiting[s] = ctx
	defer func() {
		v.mu.Lock()
		delete(v.waiting, s)
		v.mu.Unlock()
	}()
	if timeout > 0 {
		v.seq++
		heap.Push(&v.timers, &vtimer{at: v.now.Add(timeout), seq: v.seq, sig: s})
	}
	v.busy--
	v.advanceLocked()
	v.mu.Unlock()

	select {
	case <-s.ch:
		v.mu.Lock()
		byTimer := s.byTimer
		v.mu.Unlock()
		if !byTimer && ctx.Err() != nil {
			return false, ctx.Err()
		}
		return byTimer, nil
	case <-ctx.Done():
		v.mu.Lock()
		if !s.woken {
			s.woken = true
			v.busy++
		}
		v.mu.Unlock()
		return false, ctx.Err()
	}
}

type vtimer struct {
	at  time.Time
	seq int
	sig *virtualSignal // the waiter to wake, or nil
	fn  func()         // called instead, if set (see afterFunc)
	// index is the timer's place in the heap, or -1 once it is out.
	index int
}

type timerHeap []*vtimer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].at.Equal(h[j].at) {
		return h[i].seq < h[j].seq
	}
	return h[i].at.Before(h[j].at)
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *timerHeap) Push(x any) {
	t := x.(*vtimer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.index = -1
	return t
}
