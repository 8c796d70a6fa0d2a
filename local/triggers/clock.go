package triggers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// fireDue fires every schedule due at or before now, earliest first, each
// with the event of its own firing time.
func (t *Triggers) fireDue(now time.Time, setNow bool) int {
	fired := 0
	for {
		var due *rule
		t.mu.Lock()
		for _, r := range t.rules {
			if r.schedule != nil && !r.next.IsZero() && !r.next.After(now) && (due == nil || r.next.Before(due.next)) {
				due = r
			}
		}
		var at time.Time
		if due != nil {
			at = due.next
			due.next = due.schedule.Next(due.created, at)
			if setNow {
				t.now = at
			}
		}
		t.mu.Unlock()
		if due == nil {
			return fired
		}
		fired++
		t.deliver(due, map[string]any{
			"version": "0", "id": newID(), "detail-type": "Scheduled Event", "source": "aws.events", "account": "123456789012",
			"time": at.UTC().Format(time.RFC3339), "region": "us-east-1", "resources": []any{due.arn}, "detail": map[string]any{},
		}, "Scheduled Event")
	}
}

// Advance moves the virtual clock forward by d, firing each schedule due
// on the way at its own time, and returns how many firings there were.
// It is an error on the real clock, or for a negative d.
func (t *Triggers) Advance(d time.Duration) (int, error) {
	if !t.opts.Virtual {
		return 0, fmt.Errorf("the triggers run on the real clock; start serve with --clock virtual to move time")
	}
	if d < 0 {
		return 0, fmt.Errorf("the clock moves forward only; %s is negative", d)
	}
	target := t.Now().Add(d)
	n := t.fireDue(target, true)
	t.mu.Lock()
	t.now = target
	t.mu.Unlock()
	return n, nil
}

// Run fires the schedules on real time until ctx ends. On the virtual
// clock it returns at once: Advance fires them.
func (t *Triggers) Run(ctx context.Context) {
	if t.opts.Virtual {
		return
	}
	for {
		t.fireDue(time.Now().UTC(), false)
		var next time.Time
		t.mu.Lock()
		for _, r := range t.rules {
			if r.schedule != nil && !r.next.IsZero() && (next.IsZero() || r.next.Before(next)) {
				next = r.next
			}
		}
		t.mu.Unlock()
		wait := time.Hour
		if !next.IsZero() {
			wait = min(time.Until(next), time.Hour)
		}
		timer := time.NewTimer(max(wait, 0))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
	}
}

// ClockHandler serves the local-only clock endpoint: GET answers the time
// and each schedule's next firing; POST with {"advance": "24h"} (a Go
// duration) moves the virtual clock, firing what falls due, and answers
// the same with the number of firings.
func (t *Triggers) ClockHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fired := 0
		switch r.Method {
		case http.MethodGet:
		case http.MethodPost:
			var in struct{ Advance string }
			if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<10)).Decode(&in); err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]string{"message": `the body must be {"advance": "<Go duration such as 24h>"}: ` + err.Error()})
				return
			}
			d, err := time.ParseDuration(in.Advance)
			if err == nil {
				fired, err = t.Advance(d)
			}
			if err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]string{"message": err.Error()})
				return
			}
		default:
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "GET the clock, or POST {\"advance\": \"24h\"}"})
			return
		}
		next := map[string]string{}
		t.mu.Lock()
		for _, rl := range t.rules {
			if rl.schedule != nil {
				next[rl.name] = rl.next.Format(time.RFC3339)
			}
		}
		t.mu.Unlock()
		clock := "real"
		if t.opts.Virtual {
			clock = "virtual"
		}
		writeJSON(w, http.StatusOK, map[string]any{"clock": clock, "now": t.Now().Format(time.RFC3339), "fired": fired, "next": next})
	})
}

// LogHandler serves the firings kept, as JSON, for the local-only log
// endpoint.
func (t *Triggers) LogHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"firings": t.Log()})
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
