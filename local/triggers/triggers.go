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
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
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

func readRule(st *cfn.AssemblyStack, id string, names cfn.Placeholders, created time.Time) (*rule, error) {
	props := st.Template.Resources[id].Properties
	if state, _ := props["State"].(string); state == "DISABLED" {
		return nil, nil
	}
	name, _ := props["Name"].(string)
	if name == "" {
		name = id
	}
	r := &rule{name: name, arn: "arn:aws:events:us-east-1:" + cfn.PlaceholderAccount + ":rule/" + name, created: created, bus: "default"}
	if bus, ok := props["EventBusName"]; ok {
		resolved, err := cfn.Resolve(bus, names)
		if err != nil {
			return nil, fmt.Errorf("EventBusName: %w", err)
		}
		r.bus = busName(resolved)
		// A bus of the template is named by its Name property, which
		// its Ref and ARN carry in AWS.
		if res, ok := st.Template.Resources[r.bus]; ok && res.Type == "AWS::Events::EventBus" {
			if n, ok := res.Properties["Name"].(string); ok {
				r.bus = n
			}
		}
	}
	if expr, ok := props["ScheduleExpression"].(string); ok {
		s, err := ParseSchedule(expr)
		if err != nil {
			return nil, err
		}
		r.schedule, r.next = s, s.Next(created, created)
	}
	if p, ok := props["EventPattern"]; ok {
		resolved, err := resolveAll(p, names)
		if err != nil {
			return nil, err
		}
		if r.pattern, err = ParsePattern(resolved); err != nil {
			return nil, fmt.Errorf("event pattern: %w", err)
		}
	}
	targets, _ := props["Targets"].([]any)
	for _, raw := range targets {
		m, _ := raw.(map[string]any)
		arn, err := cfn.Resolve(m["Arn"], names)
		if err != nil {
			return nil, fmt.Errorf("target %v: %w", m["Id"], err)
		}
		tg := target{arn: arn, maxAttempts: 185, maxAge: 24 * time.Hour}
		tg.id, _ = m["Id"].(string)
		tg.input, _ = m["Input"].(string)
		tg.inputPath, _ = m["InputPath"].(string)
		if tr, ok := m["InputTransformer"].(map[string]any); ok {
			tg.template, tg.hasTemplate = tr["InputTemplate"].(string)
			paths, _ := tr["InputPathsMap"].(map[string]any)
			tg.pathsMap = map[string]string{}
			for k, v := range paths {
				tg.pathsMap[k], _ = v.(string)
			}
		}
		if rp, ok := m["RetryPolicy"].(map[string]any); ok {
			if n, ok := rp["MaximumRetryAttempts"].(float64); ok {
				tg.maxAttempts = int(n)
			}
			if s, ok := rp["MaximumEventAgeInSeconds"].(float64); ok {
				tg.maxAge = time.Duration(s) * time.Second
			}
		}
		if dl, ok := m["DeadLetterConfig"].(map[string]any); ok {
			tg.deadLetter, _ = cfn.Resolve(dl["Arn"], names)
		}
		r.targets = append(r.targets, tg)
	}
	return r, nil
}

// busName reads an event bus's name from its name or ARN.
func busName(ref string) string {
	if i := strings.LastIndex(ref, "/"); i >= 0 && strings.HasPrefix(ref, "arn:") {
		return ref[i+1:]
	}
	return ref
}

// readSchedule reads an AWS::Scheduler::Schedule: its expression (rate,
// cron or at, in its time zone) and its target, whose Input is sent with
// EventBridge Scheduler's context attributes (<aws.scheduler.scheduled-time>,
// <aws.scheduler.execution-id>, <aws.scheduler.attempt-number>,
// <aws.scheduler.schedule-arn>) filled in.
func readSchedule(st *cfn.AssemblyStack, id string, names cfn.Placeholders, created time.Time) (*rule, error) {
	props := st.Template.Resources[id].Properties
	if state, _ := props["State"].(string); state == "DISABLED" {
		return nil, nil
	}
	name, _ := props["Name"].(string)
	if name == "" {
		name = id
	}
	expr, _ := props["ScheduleExpression"].(string)
	zone, _ := props["ScheduleExpressionTimezone"].(string)
	s, err := ParseScheduleIn(expr, zone)
	if err != nil {
		return nil, err
	}
	group, _ := props["GroupName"].(string)
	if group == "" {
		group = "default"
	}
	r := &rule{name: name, arn: "arn:aws:scheduler:us-east-1:" + cfn.PlaceholderAccount + ":schedule/" + group + "/" + name,
		scheduler: true, schedule: s, created: created, next: s.Next(created, created)}
	m, _ := props["Target"].(map[string]any)
	arn, err := cfn.Resolve(m["Arn"], names)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	if !strings.HasPrefix(arn, "arn:aws:states:") || !strings.Contains(arn, ":stateMachine:") {
		return nil, fmt.Errorf("the target %s is not a state machine; the local scheduler starts state machines only", arn)
	}
	tg := target{arn: arn, maxAttempts: 185, maxAge: 24 * time.Hour, hasTemplate: true, template: "{}"}
	if input, ok := m["Input"]; ok {
		if tg.template, err = cfn.Resolve(input, names); err != nil {
			return nil, fmt.Errorf("target input: %w", err)
		}
	}
	if rp, ok := m["RetryPolicy"].(map[string]any); ok {
		if n, ok := rp["MaximumRetryAttempts"].(float64); ok {
			tg.maxAttempts = int(n)
		}
		if sec, ok := rp["MaximumEventAgeInSeconds"].(float64); ok {
			tg.maxAge = time.Duration(sec) * time.Second
		}
	}
	if dl, ok := m["DeadLetterConfig"].(map[string]any); ok {
		tg.deadLetter, _ = cfn.Resolve(dl["Arn"], names)
	}
	r.targets = []target{tg}
	return r, nil
}

// resolveAll resolves every intrinsic function inside a JSON value.
func resolveAll(v any, names cfn.Resolver) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 1 {
			for k := range v {
				if k == "Ref" || k == "Fn::GetAtt" || k == "Fn::Join" || k == "Fn::Sub" || k == "Fn::Select" {
					return cfn.Resolve(v, names)
				}
			}
		}
		out := map[string]any{}
		for k, x := range v {
			r, err := resolveAll(x, names)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			r, err := resolveAll(x, names)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
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

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// ObjectCreated sends EventBridge the "Object Created" event of an object
// written to a bucket with EventBridge notifications on; writes to other
// buckets send nothing, as in S3. Set it as fakes.AWS.ObjectCreated.
func (t *Triggers) ObjectCreated(o fakes.ObjectCreated) {
	if !t.eventBus[o.Bucket] {
		return
	}
	t.mu.Lock()
	t.seq++
	sequencer := fmt.Sprintf("%018X", t.seq)
	t.mu.Unlock()
	t.PutEvent("default", map[string]any{
		"version": "0", "id": newID(), "detail-type": "Object Created", "source": "aws.s3", "account": cfn.PlaceholderAccount,
		"time": t.Now().Format(time.RFC3339), "region": cfn.PlaceholderRegion, "resources": []any{"arn:aws:s3:::" + o.Bucket},
		"detail": map[string]any{
			"version": "0", "bucket": map[string]any{"name": o.Bucket},
			"object":     map[string]any{"key": o.Key, "size": float64(o.Size), "etag": o.ETag, "sequencer": sequencer},
			"request-id": newID(), "requester": cfn.PlaceholderAccount, "source-ip-address": "127.0.0.1", "reason": o.Reason,
		},
	})
}

// PutEvent delivers an event (EventBridge's envelope, decoded JSON) sent to
// the bus (a name or ARN; "default" is the account's default bus) to the
// targets of every pattern rule of that bus it matches; one that matches
// none is logged with why the rules did not match, and dropped.
func (t *Triggers) PutEvent(bus string, event map[string]any) {
	bus = busName(bus)
	what := fmt.Sprintf("%v from %v", event["detail-type"], event["source"])
	matched := false
	var why []string
	for _, r := range t.rules {
		if r.pattern == nil || r.bus != bus {
			continue
		}
		ok, reason := r.pattern.Match(event)
		if !ok {
			why = append(why, r.name+": "+reason)
			continue
		}
		matched = true
		t.deliver(r, event, what)
	}
	if !matched {
		reason := "no rule of the event bus " + bus + " has an event pattern"
		if len(why) > 0 {
			reason = fmt.Sprint(why)
		}
		t.record(Firing{Time: t.Now(), Event: what + " " + eventSubject(event), Outcome: "unmatched: " + reason})
	}
}

// eventSubject names what an event is about, for the log.
func eventSubject(event map[string]any) string {
	detail, _ := event["detail"].(map[string]any)
	bucket, _ := detail["bucket"].(map[string]any)
	object, _ := detail["object"].(map[string]any)
	if bucket != nil && object != nil {
		return fmt.Sprintf("s3://%v/%v", bucket["name"], object["key"])
	}
	b, _ := json.Marshal(event["resources"])
	return string(b)
}
