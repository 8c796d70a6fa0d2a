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

// CommentLimit is the most characters GitHub accepts in a pull-request
// comment.
const CommentLimit = 65536

// Cut returns md if it is at most limit bytes long (bytes are never fewer
// than characters); otherwise its first lines, cut at a line boundary,
// followed by a note that says how much was left out and where to read
// the rest (pointer, e.g. "the job summary of this check"). Risks come
// first in a report, so the cut keeps them. If limit is 0, md is whole.
func Cut(md string, limit int, pointer string) string {
	if limit <= 0 || len(md) <= limit {
		return md
	}
	note := func(kept int) string {
		return fmt.Sprintf("\n---\n**The review is cut here**: it is %d bytes, more than this comment can hold; %d more bytes (%d lines) are in %s.\n",
			len(md), len(md)-kept, strings.Count(md[kept:], "\n"), pointer)
	}
	// The note's length depends on the numbers in it: leave room for
	// the longest it can be.
	room := limit - len(note(0)) - 1
	if room < 0 {
		room = 0
	}
	kept := strings.LastIndex(md[:room], "\n") + 1
	return md[:kept] + note(kept)
}
