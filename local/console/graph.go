package console

import (
	"crypto/sha256"
	"fmt"
	"html"
	"html/template"
	"regexp"
	"strings"
	"sync"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/internal/review/render"
)

// diagrams draws each state machine once, with the SVG that `make render`
// commits (internal/review/render through the pinned Graphviz), and keeps
// it by definition: a page colours it per execution by the states'
// outcomes without drawing it again.
type diagrams struct {
	// root is the repository root whose node_modules holds Graphviz; ""
	// draws no picture.
	root string

	mu    sync.Mutex
	cache map[[32]byte]diagram
}

// diagram is a machine's picture, or why there is none.
type diagram struct {
	svg string // <svg>…</svg>, each state's group marked with data-state
	err string
}

var (
	nodeGroup = regexp.MustCompile(`<g id="(node\d+)" class="node">\s*<title>([^<]*)</title>`)
	svgSize   = regexp.MustCompile(`<svg width="[^"]*" height="[^"]*"`)
)

// draw is the picture of sm, whose definition is def.
func (d *diagrams) draw(def string, sm *asl.StateMachine) diagram {
	key := sha256.Sum256([]byte(def))
	d.mu.Lock()
	defer d.mu.Unlock() // one Graphviz process at a time, on a shared machine
	if got, ok := d.cache[key]; ok {
		return got
	}
	got := d.render(sm)
	if d.cache == nil {
		d.cache = map[[32]byte]diagram{}
	}
	d.cache[key] = got
	return got
}

func (d *diagrams) render(sm *asl.StateMachine) diagram {
	if d.root == "" {
		return diagram{err: "no diagram: the console was started without the repository's Graphviz (run sfnkit serve from the repository after `make synth`)"}
	}
	g := render.Build(sm)
	r := []render.Rendered{{DOT: []byte(g.DOT("")), Graph: g}}
	if err := (render.Graphviz{Root: d.root}).SVG(r); err != nil {
		return diagram{err: "no diagram: " + err.Error()}
	}
	return diagram{svg: markStates(string(r[0].SVG), g)}
}

// markStates trims Graphviz's SVG to the element and marks the group of
// each state with data-state (its name, escaped) and data-type, so CSS
// colours it by a data-outcome set per execution and a click names it.
func markStates(svg string, g *render.Graph) string {
	if i := strings.Index(svg, "<svg"); i >= 0 {
		svg = svg[i:]
	}
	svg = svgSize.ReplaceAllString(svg, `<svg class="diagram" role="img"`)
	byID := map[string]*render.Node{}
	for _, n := range g.Nodes {
		byID[n.ID] = n
	}
	return nodeGroup.ReplaceAllStringFunc(svg, func(m string) string {
		sub := nodeGroup.FindStringSubmatch(m)
		n, ok := byID[html.UnescapeString(sub[2])]
		if !ok || n.Type == "Start" {
			return m
		}
		return fmt.Sprintf(`<g id="%s" class="node state" data-state="%s" data-type="%s" tabindex="0"><title>%s</title>`,
			sub[1], html.EscapeString(n.Name), html.EscapeString(n.Type), html.EscapeString(n.Name))
	})
}

// colour is the picture with each state's data-outcome (and, for a state
// entered more than once, data-count) set from outcomes.
func (d diagram) colour(outcomes map[string]*stateRun) template.HTML {
	if d.svg == "" {
		return ""
	}
	var b strings.Builder
	rest := d.svg
	const marker = `data-state="`
	for {
		i := strings.Index(rest, marker)
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i+len(marker):], '"')
		end := i + len(marker) + j + 1
		b.WriteString(rest[:end])
		name := html.UnescapeString(rest[i+len(marker) : end-1])
		outcome, count := notReached, 0
		if run := outcomes[name]; run != nil {
			outcome, count = run.Outcome, run.Entered
		}
		fmt.Fprintf(&b, ` data-outcome="%s"`, outcome)
		if count > 1 {
			fmt.Fprintf(&b, ` data-count="%d"`, count)
		}
		rest = rest[end:]
	}
	b.WriteString(rest)
	return template.HTML(b.String()) // Graphviz's output with names escaped above
}

// plain is the picture without outcomes, for a state machine's page.
func (d diagram) plain() template.HTML {
	return template.HTML(d.svg) // Graphviz's output with names escaped by markStates
}
