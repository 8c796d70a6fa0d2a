// Package render draws a state machine for review: a graph of its states
// and transitions (Choice rules labelled, Parallel branches and Map bodies
// as groups, Catch edges apart from normal ones, Retry and timeouts noted
// on the states), written as a Mermaid flowchart for Markdown and as
// Graphviz DOT for an SVG. Both come from the same graph, so they agree.
package render

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/sfnkit/sfnkit/asl"
)

// EdgeKind tells transitions apart.
type EdgeKind int

// Kinds of edges.
const (
	Next    EdgeKind = iota // Next, or the start
	Rule                    // a Choice rule; the label is its condition
	Default                 // a Choice's Default
	Catch                   // a Catch; the label is its errors
	Branch                  // a Parallel's or Map's group to its first state
)

// Node is one state (or the start marker).
type Node struct {
	ID    string // unique and safe in Mermaid and DOT
	Name  string // the state's name
	Type  string // the state's Type, or "Start"
	Notes []string
	// Group is the ID of the group holding the node, or "".
	Group string
	// Terminal marks a state that ends its machine or branch.
	Terminal bool
}

// Edge is one transition.
type Edge struct {
	From, To string // node or group IDs
	Kind     EdgeKind
	Label    string
}

// Group is a Parallel state's branch or a Map state's item processor; the
// Parallel or Map state itself is a group too, holding its branches.
type Group struct {
	ID, Label, Parent string
	// State is the ID of the Parallel or Map node the group belongs to.
	State string
}

// Graph is a state machine drawn as nodes, edges and groups, in the
// definition's order.
type Graph struct {
	Nodes  []*Node
	Edges  []Edge
	Groups []*Group
}

// Build draws sm.
func Build(sm *asl.StateMachine) *Graph {
	g := &Graph{}
	b := builder{g: g, ids: map[string]bool{}}
	start := &Node{ID: "start", Name: "Start", Type: "Start"}
	g.Nodes = append(g.Nodes, start)
	g.Edges = append(g.Edges, Edge{From: start.ID, Kind: Next})
	g.Edges[0].To = b.machine(sm, "", "")
	return g
}

type builder struct {
	g   *Graph
	ids map[string]bool
}

var unsafeID = regexp.MustCompile(`[^A-Za-z0-9_]`)

// id makes a unique, safe identifier from a state name.
func (b *builder) id(prefix, name string) string {
	base := prefix + unsafeID.ReplaceAllString(name, "_")
	if base == "" || base[0] >= '0' && base[0] <= '9' {
		base = "s_" + base
	}
	id := base
	for n := 2; b.ids[id] || id == "start" || id == "end"; n++ {
		id = fmt.Sprintf("%s_%d", base, n)
	}
	b.ids[id] = true
	return id
}

// machine adds the states of sm (in group, "" at the top) and returns the
// ID of its first state.
func (b *builder) machine(sm *asl.StateMachine, group, prefix string) string {
	ids := map[string]string{}
	names := stateOrder(sm)
	for _, name := range names {
		ids[name] = b.id(prefix, name)
	}
	for _, name := range names {
		st := sm.States[name]
		id := ids[name]
		n := &Node{ID: id, Name: name, Type: st.Type, Notes: notes(st), Group: group,
			Terminal: st.End || st.Type == asl.TypeSucceed || st.Type == asl.TypeFail}
		b.g.Nodes = append(b.g.Nodes, n)
		switch st.Type {
		case asl.TypeParallel:
			b.g.Groups = append(b.g.Groups, &Group{ID: id + "_group", Label: name + " (Parallel)", Parent: group, State: id})
			for i, br := range st.Branches {
				gid := fmt.Sprintf("%s_branch%d", id, i+1)
				b.g.Groups = append(b.g.Groups, &Group{ID: gid, Label: fmt.Sprintf("branch %d", i+1), Parent: id + "_group", State: id})
				first := b.machine(br, gid, id+"_")
				b.g.Edges = append(b.g.Edges, Edge{From: id, To: first, Kind: Branch})
			}
			n.Group = id + "_group"
		case asl.TypeMap:
			if st.ItemProcessor != nil {
				label := name + " (Map)"
				if st.ItemProcessor.ProcessorConfig.Mode == "DISTRIBUTED" {
					label = name + " (Distributed Map)"
				}
				b.g.Groups = append(b.g.Groups, &Group{ID: id + "_group", Label: label, Parent: group, State: id})
				first := b.machine(st.ItemProcessor, id+"_group", id+"_")
				b.g.Edges = append(b.g.Edges, Edge{From: id, To: first, Kind: Branch})
				n.Group = id + "_group"
			}
		}
	}
	for _, name := range names {
		st := sm.States[name]
		from := ids[name]
		if st.Next != "" {
			b.g.Edges = append(b.g.Edges, Edge{From: from, To: target(ids, st.Next), Kind: Next})
		}
		for _, raw := range st.Choices {
			var rule map[string]any
			_ = json.Unmarshal(raw, &rule)
			next, _ := rule["Next"].(string)
			b.g.Edges = append(b.g.Edges, Edge{From: from, To: target(ids, next), Kind: Rule, Label: Condition(rule)})
		}
		if st.Default != "" {
			b.g.Edges = append(b.g.Edges, Edge{From: from, To: target(ids, st.Default), Kind: Default, Label: "default"})
		}
		for _, c := range st.Catch {
			b.g.Edges = append(b.g.Edges, Edge{From: from, To: target(ids, c.Next), Kind: Catch, Label: strings.Join(c.ErrorEquals, ", ")})
		}
	}
	return ids[sm.StartAt]
}

// target is the node a transition names; a name the machine lacks (the
// validator reports it) still draws, to a node of its own.
func target(ids map[string]string, name string) string {
	if id, ok := ids[name]; ok {
		return id
	}
	return "missing_" + unsafeID.ReplaceAllString(name, "_")
}

// stateOrder lists the states in the definition's order.
func stateOrder(sm *asl.StateMachine) []string {
	if len(sm.Order) == len(sm.States) {
		return sm.Order
	}
	var names []string
	for name := range sm.States {
		names = append(names, name)
	}
	return names
}

// notes are a state's annotations: what a Task calls, its timeouts and
// retries, what a Map iterates.
func notes(st *asl.State) []string {
	var out []string
	if st.Resource != "" {
		out = append(out, Resource(st.Resource))
	}
	if t := number(st.TimeoutSeconds); t != "" {
		out = append(out, "timeout "+seconds(t))
	} else if st.TimeoutSecondsPath != "" {
		out = append(out, "timeout from "+st.TimeoutSecondsPath)
	}
	if h := number(st.HeartbeatSeconds); h != "" {
		out = append(out, "heartbeat "+seconds(h))
	}
	for _, r := range st.Retry {
		attempts := 3.0
		if r.MaxAttempts != nil {
			attempts = *r.MaxAttempts
		}
		if attempts == 0 {
			out = append(out, "no retry: "+errorList(r.ErrorEquals))
			continue
		}
		out = append(out, fmt.Sprintf("retry ×%g: %s", attempts, errorList(r.ErrorEquals)))
	}
	if st.Type == asl.TypeMap {
		switch {
		case st.ItemReader != nil:
			out = append(out, "items from "+Resource(st.ItemReader.Resource))
		case st.ItemsPath != "":
			out = append(out, "items "+st.ItemsPath)
		}
		if mc := number(st.MaxConcurrency); mc != "" && mc != "0" {
			out = append(out, "at most "+mc+" at once")
		}
	}
	if st.Type == asl.TypeWait {
		switch {
		case number(st.Seconds) != "":
			out = append(out, "wait "+seconds(number(st.Seconds)))
		case st.SecondsPath != "":
			out = append(out, "wait "+st.SecondsPath+" s")
		case st.TimestampPath != "":
			out = append(out, "until "+st.TimestampPath)
		}
	}
	if st.Type == asl.TypeFail {
		var e string
		if json.Unmarshal(st.Error, &e) == nil && e != "" {
			out = append(out, "error "+e)
		}
	}
	return out
}

// errorList shortens a long ErrorEquals: the first error and how many more.
func errorList(errs []string) string {
	if len(errs) > 2 {
		return fmt.Sprintf("%s +%d", errs[0], len(errs)-1)
	}
	return strings.Join(errs, ", ")
}

func number(raw json.RawMessage) string {
	var f float64
	if len(raw) == 0 || json.Unmarshal(raw, &f) != nil {
		return ""
	}
	return fmt.Sprintf("%g", f)
}

// seconds writes a number of seconds the way people read durations.
func seconds(s string) string {
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil || n <= 0 {
		return s + " s"
	}
	switch {
	case n%86400 == 0:
		return fmt.Sprintf("%dd", n/86400)
	case n%3600 == 0:
		return fmt.Sprintf("%dh", n/3600)
	case n%60 == 0:
		return fmt.Sprintf("%dmin", n/60)
	}
	return fmt.Sprintf("%ds", n)
}

var (
	optimized  = regexp.MustCompile(`:states:::([a-z0-9-]+):([A-Za-z0-9.]+)$`)
	sdk        = regexp.MustCompile(`:states:::aws-sdk:([a-z0-9-]+):([A-Za-z0-9.]+)$`)
	lambdaArn  = regexp.MustCompile(`:lambda:[^:]*:[^:]*:function:([^:]+)`)
	nameTokens = regexp.MustCompile(`^\$\{([^}.]+)(\.Arn)?\}$`)
)

// Resource says what a Task calls: "dynamodb:putItem", "Lambda
// ValidateOrderFunction", "sqs:sendMessage.waitForTaskToken".
func Resource(resource string) string {
	switch {
	case sdk.MatchString(resource):
		m := sdk.FindStringSubmatch(resource)
		return m[1] + ":" + m[2]
	case optimized.MatchString(resource):
		m := optimized.FindStringSubmatch(resource)
		return m[1] + ":" + m[2]
	case lambdaArn.MatchString(resource):
		return "Lambda " + withoutHash(lambdaArn.FindStringSubmatch(resource)[1])
	case nameTokens.MatchString(resource): // ${Function.Arn}, as render names them
		return "Lambda " + withoutHash(nameTokens.FindStringSubmatch(resource)[1])
	}
	return resource
}

var cdkHash = regexp.MustCompile(`^(.+?)[0-9A-F]{8}$`)

// withoutHash drops the hash CDK appends to a logical id.
func withoutHash(id string) string {
	if m := cdkHash.FindStringSubmatch(id); m != nil {
		return m[1]
	}
	return id
}
