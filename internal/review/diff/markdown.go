package diff

import (
	"fmt"
	"strings"
)

// sections orders a machine's changes for the reader.
var sections = []string{"Workflow", "States", "Transitions", "Error handling", "Timeouts", "Resources", "IAM"}

// Markdown writes the report for a pull-request comment: a heading per
// state machine (and per stack for its roles), the risks first, then the
// changes by section; risky changes are marked ⚠ with their class.
func (r Report) Markdown() string {
	var b strings.Builder
	b.WriteString("## Workflow changes\n\n")
	if len(r.Machines) == 0 {
		b.WriteString("No state machine, transition, error handling, timeout or IAM change.\n")
		return b.String()
	}
	if risks := r.Risks(); len(risks) > 0 {
		fmt.Fprintf(&b, "**Risks:** %s\n\n", "`"+strings.Join(risks, "`, `")+"`")
	} else {
		b.WriteString("**Risks:** none\n\n")
	}
	for _, m := range r.Machines {
		title := m.Stack
		if m.LogicalID != "" {
			title += " / " + m.LogicalID
		} else {
			title += " (roles)"
		}
		fmt.Fprintf(&b, "### %s (%s)\n\n", title, m.Status)
		for _, section := range sections {
			var lines []string
			for _, c := range m.Changes {
				if c.Section != section {
					continue
				}
				line := "- " + c.Text
				if c.Risk != "" {
					line += " ⚠ `" + c.Risk + "`"
				}
				lines = append(lines, line)
			}
			if len(lines) > 0 {
				fmt.Fprintf(&b, "**%s**\n\n%s\n\n", section, strings.Join(lines, "\n"))
			}
		}
	}
	return b.String()
}
