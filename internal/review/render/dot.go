package render

import (
	"fmt"
	"strings"
)

// DOT writes the graph for Graphviz, with the same shapes and edge styles
// as Mermaid; Parallel branches and Map bodies are clusters, and the
// transitions out of one leave from its border.
func (g *Graph) DOT(title string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n", dotString(title))
	b.WriteString("  graph [compound=true, rankdir=TB, fontname=\"Helvetica\", fontsize=11, nodesep=0.5, ranksep=0.5, labelloc=t, label=" + dotString(title) + "];\n")
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=10, shape=box, style=\"rounded,filled\", fillcolor=\"#e3f2fd\", color=\"#1565c0\"];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=9, color=\"#37474f\"];\n")
	children := map[string][]*Group{}
	for _, gr := range g.Groups {
		children[gr.Parent] = append(children[gr.Parent], gr)
	}
	members := map[string][]*Node{}
	for _, n := range g.Nodes {
		members[n.Group] = append(members[n.Group], n)
	}
	var writeGroup func(id, indent string)
	writeGroup = func(id, indent string) {
		for _, n := range members[id] {
			fmt.Fprintf(&b, "%s%s;\n", indent, dotNode(n))
		}
		for _, gr := range children[id] {
			fmt.Fprintf(&b, "%ssubgraph cluster_%s {\n", indent, gr.ID)
			fmt.Fprintf(&b, "%s  label=%s; style=\"rounded,dashed\"; color=\"#90a4ae\"; fontcolor=\"#455a64\";\n", indent, dotString(gr.Label))
			writeGroup(gr.ID, indent+"  ")
			fmt.Fprintf(&b, "%s}\n", indent)
		}
	}
	writeGroup("", "  ")

	groupOf := map[string]string{}
	for _, gr := range g.Groups {
		if strings.HasSuffix(gr.ID, "_group") {
			groupOf[gr.State] = gr.ID
		}
	}
	for _, e := range g.Edges {
		attrs := []string{}
		if gid, ok := groupOf[e.From]; ok && e.Kind != Branch {
			attrs = append(attrs, "ltail=cluster_"+gid)
		}
		switch e.Kind {
		case Rule:
			attrs = append(attrs, "label="+dotString(e.Label), "color=\"#f9a825\"", "fontcolor=\"#6d4c00\"")
		case Default:
			attrs = append(attrs, "label=\"default\"", "style=dashed", "color=\"#757575\"", "fontcolor=\"#616161\"")
		case Catch:
			attrs = append(attrs, "label="+dotString("catch "+e.Label), "style=dashed", "color=\"#c62828\"", "fontcolor=\"#c62828\"")
		case Branch:
			attrs = append(attrs, "style=dotted", "arrowhead=none")
		}
		fmt.Fprintf(&b, "  %s -> %s [%s];\n", e.From, e.To, strings.Join(attrs, ", "))
	}
	hasEnd := false
	for _, n := range g.Nodes {
		if n.Terminal && n.Group == "" && n.Type != "Succeed" && n.Type != "Fail" {
			fmt.Fprintf(&b, "  %s -> finish;\n", n.ID)
			hasEnd = true
		}
	}
	if hasEnd {
		b.WriteString("  finish [label=\"End\", shape=circle, style=filled, fillcolor=\"#eceff1\", color=\"#546e7a\", fontsize=9];\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func dotNode(n *Node) string {
	lines := []string{"<b>" + dotHTML(n.Name) + "</b>"}
	if n.Type != "Start" && n.Type != "Task" {
		lines = append(lines, "<i>"+n.Type+"</i>")
	}
	for _, note := range n.Notes {
		lines = append(lines, "<font point-size=\"8\">"+dotHTML(note)+"</font>")
	}
	label := "<" + strings.Join(lines, "<br/>") + ">"
	switch n.Type {
	case "Start":
		return n.ID + " [label=\"Start\", shape=circle, fillcolor=\"#eceff1\", color=\"#546e7a\", fontsize=9]"
	case "Choice":
		return n.ID + " [label=" + label + ", shape=diamond, fillcolor=\"#fff8e1\", color=\"#f9a825\"]"
	case "Succeed":
		return n.ID + " [label=" + label + ", shape=box, style=\"rounded,filled,bold\", fillcolor=\"#e8f5e9\", color=\"#2e7d32\"]"
	case "Fail":
		return n.ID + " [label=" + label + ", shape=box, style=\"rounded,filled,bold\", fillcolor=\"#fdecea\", color=\"#c62828\"]"
	case "Wait":
		return n.ID + " [label=" + label + ", shape=hexagon, fillcolor=\"#f3e5f5\", color=\"#6a1b9a\"]"
	case "Pass":
		return n.ID + " [label=" + label + ", fillcolor=\"#f5f5f5\", color=\"#757575\"]"
	case "Parallel", "Map":
		return n.ID + " [label=" + label + ", fillcolor=\"#ede7f6\", color=\"#4527a0\"]"
	}
	return n.ID + " [label=" + label + "]"
}

func dotString(s string) string {
	return "\"" + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + "\""
}

func dotHTML(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
