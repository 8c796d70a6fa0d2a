// Package review compares two cloud assemblies the way a reviewer reads a
// workflow change: per state machine, the states added, removed or
// renamed; transitions and Choice rules; Retry, Catch, timeouts and
// heartbeats; the resources the definition uses; the IAM actions its
// stack's roles gain or lose; its type, logging and tracing. Each change
// that weakens the workflow carries a risk class that CI can fail on.
package diff

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/internal/review/render"
)

// Risk classes, for --fail-on.
const (
	StateRemoved     = "state-removed"
	CatchRemoved     = "catch-removed"
	RetryRemoved     = "retry-removed"
	TimeoutShortened = "timeout-shortened" // also a timeout removed
	IAMWidened       = "iam-widened"
	LoggingReduced   = "logging-reduced" // logging level lowered, execution data or tracing turned off
	TypeChanged      = "type-changed"
)

// RiskClasses lists every risk class.
var RiskClasses = []string{StateRemoved, CatchRemoved, RetryRemoved, TimeoutShortened, IAMWidened, LoggingReduced, TypeChanged}

// Change is one difference a reviewer should see.
type Change struct {
	Section string // States, Transitions, Error handling, Timeouts, Resources, IAM, Workflow
	Text    string // Markdown
	Risk    string // a risk class, or ""
}

// Machine is the changes of one state machine (or one stack's roles).
type Machine struct {
	Stack, LogicalID string
	Status           string // "changed", "added", "removed"
	Changes          []Change
}

// Report is the comparison of two assemblies.
type Report struct {
	Machines []Machine
}

// Risks lists the risk classes present, sorted, once each.
func (r Report) Risks() []string {
	seen := map[string]bool{}
	for _, m := range r.Machines {
		for _, c := range m.Changes {
			if c.Risk != "" {
				seen[c.Risk] = true
			}
		}
	}
	var out []string
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// machineInfo is what the comparison reads of one state machine.
type machineInfo struct {
	stack   string
	id      string
	typ     string
	logging map[string]any
	tracing bool
	def     *asl.StateMachine
	raw     string
}

// Compare compares the state machines and roles of two assemblies.
func Compare(old, new *cfn.Assembly) (Report, error) {
	before, err := machines(old)
	if err != nil {
		return Report{}, fmt.Errorf("%s: %w", old.Dir, err)
	}
	after, err := machines(new)
	if err != nil {
		return Report{}, fmt.Errorf("%s: %w", new.Dir, err)
	}
	var r Report
	for _, key := range keys(before, after) {
		o, n := before[key], after[key]
		switch {
		case o == nil:
			r.Machines = append(r.Machines, Machine{Stack: n.stack, LogicalID: n.id, Status: "added",
				Changes: []Change{{Section: "Workflow", Text: fmt.Sprintf("new %s state machine with %d states", n.typ, len(flatten(n.def)))}}})
		case n == nil:
			r.Machines = append(r.Machines, Machine{Stack: o.stack, LogicalID: o.id, Status: "removed",
				Changes: []Change{{Section: "Workflow", Text: "state machine removed", Risk: StateRemoved}}})
		default:
			if changes := compareMachine(o, n); len(changes) > 0 {
				r.Machines = append(r.Machines, Machine{Stack: n.stack, LogicalID: n.id, Status: "changed", Changes: changes})
			}
		}
	}
	for _, stack := range stackNames(old, new) {
		if changes := compareIAM(templateOf(old, stack), templateOf(new, stack)); len(changes) > 0 {
			r.Machines = append(r.Machines, Machine{Stack: stack, Status: "changed", Changes: changes})
		}
	}
	return r, nil
}

// machines reads every state machine of an assembly, keyed by stack and
// logical id; a stack with a single state machine is keyed by the stack
// alone, so a machine whose logical id changed still pairs up.
func machines(a *cfn.Assembly) (map[string]*machineInfo, error) {
	out := map[string]*machineInfo{}
	for _, st := range a.Stacks {
		ms, err := st.Template.StateMachines(cfn.Names{})
		if err != nil {
			return nil, fmt.Errorf("stack %s: %w", st.Name, err)
		}
		for _, m := range ms {
			def, err := asl.Decode([]byte(m.Definition))
			if err != nil {
				return nil, fmt.Errorf("stack %s, state machine %s: %w", st.Name, m.LogicalID, err)
			}
			props := st.Template.Resources[m.LogicalID].Properties
			info := &machineInfo{stack: st.Name, id: m.LogicalID, typ: m.Type, def: def, raw: m.Definition}
			info.logging, _ = props["LoggingConfiguration"].(map[string]any)
			if tc, ok := props["TracingConfiguration"].(map[string]any); ok {
				info.tracing, _ = tc["Enabled"].(bool)
			}
			key := st.Name + "/" + m.LogicalID
			if len(ms) == 1 {
				key = st.Name
			}
			out[key] = info
		}
	}
	return out, nil
}

func keys(a, b map[string]*machineInfo) []string {
	seen := map[string]bool{}
	for k := range a {
		seen[k] = true
	}
	for k := range b {
		seen[k] = true
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// flatten maps every state's name to the state, nested ones included.
func flatten(sm *asl.StateMachine) map[string]*asl.State {
	out := map[string]*asl.State{}
	var walk func(m *asl.StateMachine)
	walk = func(m *asl.StateMachine) {
		for name, st := range m.States {
			out[name] = st
			for _, b := range st.Branches {
				walk(b)
			}
			if st.ItemProcessor != nil {
				walk(st.ItemProcessor)
			}
		}
	}
	walk(sm)
	return out
}

func compareMachine(o, n *machineInfo) []Change {
	var out []Change
	add := func(section, risk, format string, args ...any) {
		out = append(out, Change{Section: section, Text: fmt.Sprintf(format, args...), Risk: risk})
	}
	if o.typ != n.typ {
		add("Workflow", TypeChanged, "type %s → %s", o.typ, n.typ)
	}
	compareLogging(o, n, add)
	if a, b := o.def.TimeoutSeconds, n.def.TimeoutSeconds; a != b {
		risk := ""
		if b == 0 || a != 0 && b < a {
			risk = TimeoutShortened
		}
		add("Timeouts", risk, "execution timeout %s → %s", secondsText(a), secondsText(b))
	}

	before, after := flatten(o.def), flatten(n.def)
	renamed := renames(before, after)
	rename := func(name string) string {
		if to, ok := renamed[name]; ok {
			return to
		}
		return name
	}
	var removed, added []string
	for name := range before {
		if _, ok := after[rename(name)]; !ok {
			removed = append(removed, name)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok && !isRenameTarget(renamed, name) {
			added = append(added, name)
		}
	}
	sort.Strings(removed)
	sort.Strings(added)
	for _, from := range sortedKeys(renamed) {
		add("States", "", "renamed `%s` → `%s`", from, renamed[from])
	}
	for _, name := range removed {
		add("States", StateRemoved, "removed `%s` (%s)", name, describe(before[name]))
	}
	for _, name := range added {
		add("States", "", "added `%s` (%s)", name, describe(after[name]))
	}
	if o.def.StartAt != n.def.StartAt && rename(o.def.StartAt) != n.def.StartAt {
		add("Transitions", "", "StartAt `%s` → `%s`", o.def.StartAt, n.def.StartAt)
	}
	for _, name := range sortedStates(before) {
		a, b := before[name], after[rename(name)]
		if b == nil {
			continue
		}
		compareState(rename(name), a, b, rename, add)
	}
	refsBefore, refsAfter := references(o.raw), references(n.raw)
	for _, r := range difference(refsAfter, refsBefore) {
		add("Resources", "", "now uses `%s`", r)
	}
	for _, r := range difference(refsBefore, refsAfter) {
		add("Resources", "", "no longer uses `%s`", r)
	}
	return out
}

func compareLogging(o, n *machineInfo, add func(section, risk, format string, args ...any)) {
	levels := map[string]int{"OFF": 0, "FATAL": 1, "ERROR": 2, "ALL": 3}
	la, _ := o.logging["Level"].(string)
	lb, _ := n.logging["Level"].(string)
	if la != lb {
		risk := ""
		if levels[lb] < levels[la] {
			risk = LoggingReduced
		}
		add("Workflow", risk, "logging level %s → %s", orNone(la), orNone(lb))
	}
	da, _ := o.logging["IncludeExecutionData"].(bool)
	db, _ := n.logging["IncludeExecutionData"].(bool)
	if da != db {
		risk := ""
		if !db {
			risk = LoggingReduced
		}
		add("Workflow", risk, "execution data in logs %v → %v", da, db)
	}
	if o.tracing != n.tracing {
		risk := ""
		if !n.tracing {
			risk = LoggingReduced
		}
		add("Workflow", risk, "X-Ray tracing %v → %v", o.tracing, n.tracing)
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// renames pairs a removed state with an added one: first those whose
// content is the same apart from transitions, then the one removed and
// the one added Task that call the same resource (a rename that also
// changed a field, which is then reported under the new name).
func renames(before, after map[string]*asl.State) map[string]string {
	out := map[string]string{}
	taken := map[string]bool{}
	gone := func(name string) bool { _, kept := after[name]; return !kept && out[name] == "" }
	fresh := func(name string) bool { _, existed := before[name]; return !existed && !taken[name] }
	pair := func(same func(a, b *asl.State) bool, unique bool) {
		for _, oldName := range sortedStates(before) {
			if !gone(oldName) {
				continue
			}
			var candidates []string
			for _, newName := range sortedStates(after) {
				if fresh(newName) && same(before[oldName], after[newName]) {
					candidates = append(candidates, newName)
				}
			}
			if len(candidates) == 1 || len(candidates) > 1 && !unique {
				out[oldName] = candidates[0]
				taken[candidates[0]] = true
			}
		}
	}
	pair(func(a, b *asl.State) bool { return body(a) == body(b) }, false)
	pair(func(a, b *asl.State) bool {
		return a.Type == asl.TypeTask && b.Type == a.Type && a.Resource == b.Resource
	}, true)
	return out
}

func isRenameTarget(renamed map[string]string, name string) bool {
	for _, to := range renamed {
		if to == name {
			return true
		}
	}
	return false
}

// body is a state's content without its name and transitions, for
// recognizing a renamed state.
func body(st *asl.State) string {
	s := *st
	s.Name, s.Next, s.Default = "", "", ""
	s.Catch = nil
	s.Choices = nil
	s.Branches, s.ItemProcessor = nil, nil
	b, _ := json.Marshal(struct {
		State   asl.State
		Catches int
		Rules   int
	}{s, len(st.Catch), len(st.Choices)})
	return string(b)
}

func compareState(name string, a, b *asl.State, rename func(string) string, add func(section, risk, format string, args ...any)) {
	if a.Type != b.Type {
		add("States", "", "`%s`: type %s → %s", name, a.Type, b.Type)
	}
	if a.Resource != b.Resource {
		add("States", "", "`%s`: calls %s → %s", name, render.Resource(a.Resource), render.Resource(b.Resource))
	}
	if string(a.Parameters) != string(b.Parameters) || string(a.Arguments) != string(b.Arguments) {
		add("States", "", "`%s`: parameters changed", name)
	}
	switch {
	case rename(a.Next) != b.Next && a.Next != "" && b.Next != "":
		add("Transitions", "", "`%s`: Next `%s` → `%s`", name, rename(a.Next), b.Next)
	case a.End != b.End && b.End:
		add("Transitions", "", "`%s`: now ends the execution (was Next `%s`)", name, rename(a.Next))
	case a.End != b.End && a.End:
		add("Transitions", "", "`%s`: Next `%s` (was the end)", name, b.Next)
	}
	if a.Default != "" || b.Default != "" {
		if rename(a.Default) != b.Default {
			add("Transitions", "", "`%s`: Default `%s` → `%s`", name, rename(a.Default), b.Default)
		}
	}
	ra, rb := rules(a, rename), rules(b, func(s string) string { return s })
	for _, r := range difference(rb, ra) {
		add("Transitions", "", "`%s`: rule added: %s", name, r)
	}
	for _, r := range difference(ra, rb) {
		add("Transitions", "", "`%s`: rule removed: %s", name, r)
	}
	compareCatch(name, a, b, rename, add)
	compareRetry(name, a, b, add)
	compareSeconds(name, "timeout", a.TimeoutSeconds, b.TimeoutSeconds, a.TimeoutSecondsPath, b.TimeoutSecondsPath, a.Type == asl.TypeTask, add)
	compareSeconds(name, "heartbeat", a.HeartbeatSeconds, b.HeartbeatSeconds, a.HeartbeatSecondsPath, b.HeartbeatSecondsPath, false, add)
}

// rules lists a Choice state's rules as "condition → next".
func rules(st *asl.State, rename func(string) string) []string {
	var out []string
	for _, raw := range st.Choices {
		var rule map[string]any
		_ = json.Unmarshal(raw, &rule)
		next, _ := rule["Next"].(string)
		out = append(out, fmt.Sprintf("`%s` → `%s`", render.Condition(rule), rename(next)))
	}
	return out
}

func compareCatch(name string, a, b *asl.State, rename func(string) string, add func(section, risk, format string, args ...any)) {
	caught := func(st *asl.State, rn func(string) string) map[string]string {
		m := map[string]string{}
		for _, c := range st.Catch {
			for _, e := range c.ErrorEquals {
				if _, dup := m[e]; !dup {
					m[e] = rn(c.Next)
				}
			}
		}
		return m
	}
	ca, cb := caught(a, rename), caught(b, func(s string) string { return s })
	for _, e := range sortedKeys(ca) {
		to, ok := cb[e]
		switch {
		case !ok && cb["States.ALL"] != "":
			add("Error handling", "", "`%s`: `%s` is now caught by `States.ALL` → `%s` (was `%s`)", name, e, cb["States.ALL"], ca[e])
		case !ok:
			add("Error handling", CatchRemoved, "`%s`: no longer catches `%s` (went to `%s`)", name, e, ca[e])
		case to != ca[e]:
			add("Error handling", "", "`%s`: `%s` now caught to `%s` (was `%s`)", name, e, to, ca[e])
		}
	}
	for _, e := range sortedKeys(cb) {
		if _, ok := ca[e]; !ok {
			add("Error handling", "", "`%s`: now catches `%s` → `%s`", name, e, cb[e])
		}
	}
}

func compareRetry(name string, a, b *asl.State, add func(section, risk, format string, args ...any)) {
	retried := func(st *asl.State) map[string]string {
		m := map[string]string{}
		for _, r := range st.Retry {
			for _, e := range r.ErrorEquals {
				if _, dup := m[e]; !dup {
					m[e] = retryText(r)
				}
			}
		}
		return m
	}
	ra, rb := retried(a), retried(b)
	for _, e := range sortedKeys(ra) {
		to, ok := rb[e]
		switch {
		case !ok:
			add("Error handling", RetryRemoved, "`%s`: no longer retries `%s` (was %s)", name, e, ra[e])
		case to != ra[e]:
			risk := ""
			if strings.HasPrefix(to, "never") {
				risk = RetryRemoved
			}
			add("Error handling", risk, "`%s`: retry of `%s` %s → %s", name, e, ra[e], to)
		}
	}
	for _, e := range sortedKeys(rb) {
		if _, ok := ra[e]; !ok {
			add("Error handling", "", "`%s`: now retries `%s` (%s)", name, e, rb[e])
		}
	}
}

// retryText is a retrier's policy in a few words.
func retryText(r asl.Retrier) string {
	f := func(p *float64, def float64) float64 {
		if p == nil {
			return def
		}
		return *p
	}
	attempts := f(r.MaxAttempts, 3)
	if attempts == 0 {
		return "never"
	}
	s := fmt.Sprintf("%g× every %gs ×%g", attempts, f(r.IntervalSeconds, 1), f(r.BackoffRate, 2))
	if r.MaxDelaySeconds != nil {
		s += fmt.Sprintf(" ≤%gs", *r.MaxDelaySeconds)
	}
	if r.JitterStrategy == "FULL" {
		s += " jitter"
	}
	return s
}

func compareSeconds(name, what string, a, b json.RawMessage, pa, pb string, defaultMatters bool, add func(section, risk, format string, args ...any)) {
	va, vb := seconds(a), seconds(b)
	if va == vb && pa == pb {
		return
	}
	text := func(v int, p string) string {
		switch {
		case p != "":
			return "from " + p
		case v == 0:
			return "none"
		}
		return secondsText(v)
	}
	risk := ""
	if vb == 0 && pb == "" && (va != 0 || pa != "") || va != 0 && vb != 0 && vb < va {
		risk = TimeoutShortened
	}
	add("Timeouts", risk, "`%s`: %s %s → %s", name, what, text(va, pa), text(vb, pb))
}

func seconds(raw json.RawMessage) int {
	var f float64
	if len(raw) == 0 || json.Unmarshal(raw, &f) != nil {
		return 0
	}
	return int(f)
}

func secondsText(n int) string {
	if n == 0 {
		return "none"
	}
	switch {
	case n%3600 == 0:
		return fmt.Sprintf("%dh", n/3600)
	case n%60 == 0:
		return fmt.Sprintf("%dmin", n/60)
	}
	return fmt.Sprintf("%ds", n)
}

// describe says what a state is, for an added or removed one.
func describe(st *asl.State) string {
	if st.Resource != "" {
		return st.Type + ", " + render.Resource(st.Resource)
	}
	return st.Type
}

var tokenRef = regexp.MustCompile(`\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}`)

// references lists the template resources a definition names.
func references(def string) []string {
	seen := map[string]bool{}
	for _, m := range tokenRef.FindAllStringSubmatch(def, -1) {
		if !strings.HasPrefix(m[1], "AWS") {
			seen[m[1]] = true
		}
	}
	return sortedKeys(seen)
}

func difference(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedStates(m map[string]*asl.State) []string { return sortedKeys(m) }
