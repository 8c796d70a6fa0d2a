package console

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/local/sfnapi"
)

// funcs are the templates' helpers; each returns text for the template to
// escape, never HTML.
var funcs = template.FuncMap{
	"when":   when,
	"pretty": pretty,
	"lower":  strings.ToLower,
	"epoch": func(v any) string {
		f, _ := v.(float64)
		return when(time.UnixMilli(int64(f * 1000)))
	},
}

// when writes a time as the pages show it; "" for the zero time.
func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05.000 UTC")
}

// pretty indents a JSON text for reading, with the characters that Go's
// encoder writes as \u003c, \u003e and \u0026 shown as themselves (the
// template escapes them for HTML); other text is returned as is.
func pretty(s string) string {
	var b bytes.Buffer
	if json.Indent(&b, []byte(s), "", "  ") != nil {
		return s
	}
	return unescapeHTMLChars(b.String())
}

// unescapeHTMLChars turns the escapes \u003c, \u003e and \u0026 of a
// JSON text back into <, > and &, leaving an escaped backslash followed
// by "u003c" alone.
func unescapeHTMLChars(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+5 < len(s) && s[i+1] == 'u' {
			switch s[i+2 : i+6] {
			case "003c":
				b.WriteByte('<')
				i += 5
				continue
			case "003e":
				b.WriteByte('>')
				i += 5
				continue
			case "0026":
				b.WriteByte('&')
				i += 5
				continue
			}
		}
		b.WriteString(s[i : i+min(2, len(s)-i)]) // an escape of two characters, such as \\ or \"
		i++
	}
	return b.String()
}

// machineRow is a state machine on the list.
type machineRow struct {
	*sfnapi.Machine
	Counts []statusCount
	Total  int
}

// statusCount is how many executions have one status.
type statusCount struct {
	Status string
	N      int
}

// statusOrder is the order the pages list statuses in.
var statusOrder = []asl.Status{asl.StatusRunning, asl.StatusSucceeded, asl.StatusFailed, asl.StatusTimedOut, asl.StatusAborted}

func countByStatus(recs []sfnapi.ExecutionRecord) []statusCount {
	n := map[asl.Status]int{}
	for _, rec := range recs {
		n[rec.Execution.Result().Status]++
	}
	var out []statusCount
	for _, s := range statusOrder {
		if n[s] > 0 {
			out = append(out, statusCount{string(s), n[s]})
		}
	}
	return out
}

func (c *Console) machinesPage(w http.ResponseWriter, r *http.Request) {
	var rows []machineRow
	for _, m := range c.api.Machines() {
		recs := c.api.ExecutionsOf(m.Arn)
		rows = append(rows, machineRow{Machine: m, Counts: countByStatus(recs), Total: len(recs)})
	}
	c.page(w, r, http.StatusOK, "machines.html", map[string]any{"Title": "State machines", "Machines": rows, "Firings": c.latestFirings()})
}

// Firing is one event a trigger of the app delivered, or one no rule
// matched (Rule is empty), with what came of it.
type Firing struct {
	Time                         time.Time
	Rule, Target, Event, Outcome string
}

// shownFirings is how many trigger firings the state machines page lists.
const shownFirings = 50

// latestFirings are the last trigger firings, newest first.
func (c *Console) latestFirings() []Firing {
	if c.triggers == nil {
		return nil
	}
	all := c.triggers()
	var out []Firing
	for i := len(all) - 1; i >= 0 && len(out) < shownFirings; i-- {
		out = append(out, all[i])
	}
	return out
}

// executionRow is an execution on a list.
type executionRow struct {
	Arn, Name, Status, VersionArn, AliasArn string
	Start, Stop                             time.Time
}

func rowOf(rec sfnapi.ExecutionRecord) executionRow {
	x := rec.Execution
	row := executionRow{Arn: x.Arn, Name: x.Name, Status: string(x.Result().Status), VersionArn: rec.VersionArn, AliasArn: rec.AliasArn, Start: x.StartTime}
	if row.Status != string(asl.StatusRunning) {
		row.Stop = x.StopDate()
	}
	return row
}

// recentExecutions is how many executions a state machine's page lists.
const recentExecutions = 50

// machinePage shows a state machine; startErr and input are a start that
// the server refused, shown again with its reason.
func (c *Console) machinePage(w http.ResponseWriter, r *http.Request) {
	c.machineView(w, r, http.StatusOK, r.URL.Query().Get("arn"), "", "", "{}")
}

func (c *Console) machineView(w http.ResponseWriter, r *http.Request, status int, arn, startErr, name, input string) {
	m, ok := c.api.MachineByArn(arn)
	if !ok {
		c.fail(w, r, http.StatusNotFound, "StateMachineDoesNotExist: no state machine "+arn+" (it may have been deleted)")
		return
	}
	recs := c.api.ExecutionsOf(m.Arn)
	var rows []executionRow
	for i, rec := range recs {
		if i == recentExecutions {
			break
		}
		rows = append(rows, rowOf(rec))
	}
	// Versions newest first, as ListStateMachineVersions lists them;
	// aliases in creation order, as ListStateMachineAliases does.
	versions := c.api.Versions(m.Arn)
	slices.Reverse(versions)
	d := c.diagrams.draw(m.Definition, m.Parsed)
	c.page(w, r, status, "machine.html", map[string]any{
		"Title": m.Name, "Machine": m, "Definition": pretty(m.Definition), "Diagram": d.plain(), "DiagramError": d.err,
		"Executions": rows, "Total": len(recs), "Counts": countByStatus(recs),
		"Versions": versions, "Aliases": c.api.Aliases(m.Arn),
		"StartError": startErr, "StartName": name, "StartInput": input,
	})
}

func (c *Console) mapRunPage(w http.ResponseWriter, r *http.Request) {
	arn := r.URL.Query().Get("arn")
	var run map[string]any
	if err := c.api.Invoke(r.Context(), "DescribeMapRun", map[string]any{"mapRunArn": arn}, &run); err != nil {
		c.apiFail(w, r, err)
		return
	}
	var children struct {
		Executions []map[string]any `json:"executions"`
	}
	if err := c.api.Invoke(r.Context(), "ListExecutions", map[string]any{"mapRunArn": arn, "maxResults": 1000}, &children); err != nil {
		c.apiFail(w, r, err)
		return
	}
	counts := func(field string) []statusCount {
		m, _ := run[field].(map[string]any)
		var out []statusCount
		for _, k := range []string{"pending", "running", "succeeded", "failed", "timedOut", "aborted", "total", "resultsWritten", "failuresNotRedrivable", "pendingRedrive"} {
			f, _ := m[k].(float64)
			out = append(out, statusCount{k, int(f)})
		}
		return out
	}
	c.page(w, r, http.StatusOK, "maprun.html", map[string]any{
		"Title": "Map run", "Run": run, "Items": counts("itemCounts"), "ChildCounts": counts("executionCounts"), "Children": children.Executions,
	})
}
