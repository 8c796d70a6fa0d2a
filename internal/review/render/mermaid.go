package render

import (
	"fmt"
	"strings"
)

// Mermaid writes the graph as a Mermaid flowchart (GitHub renders it in
// Markdown). Catch edges are dashed and red, Default edges dashed, Choice
// rules labelled; Parallel branches and Map bodies are subgraphs, and the
// transitions out of one leave from its subgraph.
func (g *Graph) Mermaid() string {
	var b strings.Builder
	b.WriteString("flowchart TD\n")
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
			fmt.Fprintf(&b, "%s%s\n", indent, mermaidNode(n))
		}
		for _, gr := range children[id] {
			fmt.Fprintf(&b, "%ssubgraph %s[\"%s\"]\n", indent, gr.ID, mermaidText(gr.Label))
			writeGroup(gr.ID, indent+"  ")
			fmt.Fprintf(&b, "%send\n", indent)
		}
	}
	writeGroup("", "  ")

	groupOf := map[string]string{} // a Parallel or Map node's subgraph
	for _, gr := range g.Groups {
		if gr.State != "" && strings.HasSuffix(gr.ID, "_group") {
			groupOf[gr.State] = gr.ID
		}
	}
	var catches, defaults []string
	hasEnd := false
	for i, e := range g.Edges {
		from := e.From
		if gid, ok := groupOf[from]; ok && e.Kind != Branch {
			from = gid
		}
		switch e.Kind {
		case Next, Branch:
			fmt.Fprintf(&b, "  %s --> %s\n", from, e.To)
		case Rule:
			fmt.Fprintf(&b, "  %s -->|\"%s\"| %s\n", from, mermaidText(e.Label), e.To)
		case Default:
			fmt.Fprintf(&b, "  %s -.->|default| %s\n", from, e.To)
			defaults = append(defaults, fmt.Sprint(i))
		case Catch:
			fmt.Fprintf(&b, "  %s -.->|\"catch %s\"| %s\n", from, mermaidText(e.Label), e.To)
			catches = append(catches, fmt.Sprint(i))
		}
	}
	n := len(g.Edges)
	for _, node := range g.Nodes {
		if node.Terminal && node.Group == "" && node.Type != "Succeed" && node.Type != "Fail" {
			fmt.Fprintf(&b, "  %s --> finish\n", node.ID)
			hasEnd = true
			n++
		}
	}
	if hasEnd {
		b.WriteString("  finish([End])\n")
	}
	b.WriteString("  classDef fail fill:#fdecea,stroke:#c62828,color:#8e0000\n")
	b.WriteString("  classDef succeed fill:#e8f5e9,stroke:#2e7d32,color:#1b5e20\n")
	b.WriteString("  classDef choice fill:#fff8e1,stroke:#f9a825\n")
	b.WriteString("  classDef marker fill:#eceff1,stroke:#546e7a\n")
	for _, node := range g.Nodes {
		switch node.Type {
		case "Fail":
			fmt.Fprintf(&b, "  class %s fail\n", node.ID)
		case "Succeed":
			fmt.Fprintf(&b, "  class %s succeed\n", node.ID)
		case "Choice":
			fmt.Fprintf(&b, "  class %s choice\n", node.ID)
		case "Start":
			fmt.Fprintf(&b, "  class %s marker\n", node.ID)
		}
	}
	if hasEnd {
		b.WriteString("  class finish marker\n")
	}
	if len(catches) > 0 {
		fmt.Fprintf(&b, "  linkStyle %s stroke:#c62828,color:#c62828\n", strings.Join(catches, ","))
	}
	if len(defaults) > 0 {
		fmt.Fprintf(&b, "  linkStyle %s stroke:#757575\n", strings.Join(defaults, ","))
	}
	return b.String()
}

// mermaidNode is a node with its shape: Choice a rhombus, Succeed and
// Fail stadiums (coloured by class), Wait a hexagon, Pass rounded, the
// rest boxes.
func mermaidNode(n *Node) string {
	label := "<b>" + mermaidText(n.Name) + "</b>"
	if n.Type != "Start" && n.Type != "Task" {
		label += "<br/><i>" + n.Type + "</i>"
	}
	for _, note := range n.Notes {
		label += "<br/>" + mermaidText(note)
	}
	switch n.Type {
	case "Start":
		return n.ID + "([Start])"
	case "Choice":
		return n.ID + "{\"" + label + "\"}"
	case "Succeed", "Fail":
		return n.ID + "([\"" + label + "\"])"
	case "Wait":
		return n.ID + "{{\"" + label + "\"}}"
	case "Pass":
		return n.ID + "(\"" + label + "\")"
	}
	return n.ID + "[\"" + label + "\"]"
}

// mermaidText escapes text for a quoted Mermaid label.
func mermaidText(s string) string {
	return strings.NewReplacer(`"`, "#quot;", "<", "&lt;", ">", "&gt;", "\n", " ").Replace(s)
}
