// Package triggers runs what starts a synthesized app's state machines
// besides a direct StartExecution, read from its templates as AWS would
// run them: EventBridge rules with an event pattern (fed the "Object
// Created" events of buckets with EventBridge notifications) and rules
// with a schedule (rate or cron, on the real clock or on a virtual one
// moved through Advance), each delivering to its state machine targets
// with the target's Input, InputPath or InputTransformer, retry policy and
// dead-letter queue. Every firing and every event no rule matched is
// logged with the rule and the reason.
package triggers

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/local/fakes"
)

// MaxLog bounds the firings kept for Log.
const MaxLog = 1000

// Options configure Triggers.
type Options struct {
	// Assembly holds the templates whose rules and buckets are read.
	Assembly *cfn.Assembly
	// StepFunctions is the Step Functions API (an sfnapi.Server) targets
	// are started through.
	StepFunctions http.Handler
	// AWS are the fakes: the dead-letter queues.
	AWS *fakes.AWS
	// Virtual runs schedules on a virtual clock that starts at Start and
	// moves only through Advance; otherwise on real time (call Run).
	Virtual bool
	// Start is when virtual time begins. If zero, 2026-11-22T00:00:00Z,
	// the harness's default.
	Start time.Time
	// Log receives a line per firing and per unmatched event. If nil,
	// lines are only kept (Log).
	Log io.Writer
}

// Firing is one event delivered to a rule's targets, or one that no rule
// matched (Rule is empty).
type Firing struct {
	Time time.Time `json:"time"`
	// Rule is the rule's name; Target the state machine's ARN.
	Rule   string `json:"rule,omitempty"`
	Target string `json:"target,omitempty"`
	// Event is the event's detail-type and source ("Object Created from
	// aws.s3") and what it is about.
	Event string `json:"event"`
	// Outcome is "started <execution ARN>", "unmatched: <reason>",
	// "dead-lettered to <queue>: <error>", "dropped: <error>".
	Outcome string `json:"outcome"`
}

// rule is an AWS::Events::Rule of the app, or an AWS::Scheduler::Schedule
// (scheduler is set).
type rule struct {
	name, arn string
	bus       string // the event bus's name: "default" unless the rule says
	scheduler bool
	pattern   Pattern
	schedule  *Schedule
	created   time.Time
	next      time.Time
	targets   []target
}

// target is a rule's state machine target.
type target struct {
	arn, id          string
	input, inputPath string
	pathsMap         map[string]string
	template         string
	hasTemplate      bool
	maxAttempts      int
	maxAge           time.Duration
	deadLetter       string
}

// Triggers holds an app's rules.
type Triggers struct {
	opts     Options
	rules    []*rule
	eventBus map[string]bool // buckets that send events to EventBridge

	mu    sync.Mutex
	now   time.Time // virtual time
	log   []Firing
	seq   int
	fired chan struct{} // wakes Run when virtual or real schedules change
}

// New reads the rules and buckets of every stack of the assembly. A
// malformed schedule, an event pattern it cannot evaluate or a target that
// is not a state machine of the app is an error naming the rule.
func New(opts Options) (*Triggers, error) {
	if opts.Start.IsZero() {
		opts.Start = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	}
	t := &Triggers{opts: opts, eventBus: map[string]bool{}, now: opts.Start, fired: make(chan struct{}, 1)}
	created := t.Now()
	for _, st := range opts.Assembly.Stacks {
		names := cfn.Placeholders{Template: st.Template}
		for _, id := range st.Template.LogicalIDs("AWS::S3::Bucket") {
			nc, _ := st.Template.Resources[id].Properties["NotificationConfiguration"].(map[string]any)
			eb, _ := nc["EventBridgeConfiguration"].(map[string]any)
			if on, _ := eb["EventBridgeEnabled"].(bool); on {
				t.eventBus[names.Ref(id)] = true
			}
		}
		for _, id := range st.Template.LogicalIDs("AWS::Events::Rule") {
			r, err := readRule(st, id, names, created)
			if err != nil {
				return nil, fmt.Errorf("stack %s: rule %s: %w", st.Name, id, err)
			}
			if r != nil {
				t.rules = append(t.rules, r)
			}
		}
		for _, id := range st.Template.LogicalIDs("AWS::Scheduler::Schedule") {
			r, err := readSchedule(st, id, names, created)
			if err != nil {
				return nil, fmt.Errorf("stack %s: schedule %s: %w", st.Name, id, err)
			}
			if r != nil {
				t.rules = append(t.rules, r)
			}
		}
	}
	return t, nil
}

// Now is the triggers' time: virtual, or real.
func (t *Triggers) Now() time.Time {
	if !t.opts.Virtual {
		return time.Now().UTC()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.now
}

// Log returns the firings kept (the last MaxLog), oldest first.
func (t *Triggers) Log() []Firing {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Firing(nil), t.log...)
}

func (t *Triggers) record(f Firing) {
	t.mu.Lock()
	t.log = append(t.log, f)
	if len(t.log) > MaxLog {
		t.log = append([]Firing(nil), t.log[len(t.log)-MaxLog:]...)
	}
	t.mu.Unlock()
	if t.opts.Log != nil {
		rule := f.Rule
		if rule == "" {
			rule = "(no rule)"
		}
		fmt.Fprintf(t.opts.Log, "sfnkit triggers: %s %s: %s -> %s\n", f.Time.Format(time.RFC3339), rule, f.Event, f.Outcome)
	}
}

// EventBuckets lists the buckets that send events to EventBridge, sorted.
func (t *Triggers) EventBuckets() []string {
	return sortedKeys(t.eventBus)
}

// Rules lists the rules' names with their schedule or pattern, sorted.
func (t *Triggers) Rules() []string {
	var out []string
	for _, r := range t.rules {
		what := "event pattern"
		if r.schedule != nil {
			what = r.schedule.String()
		}
		for _, tg := range r.targets {
			out = append(out, fmt.Sprintf("%s (%s) -> %s", r.name, what, tg.arn))
		}
	}
	sort.Strings(out)
	return out
}
