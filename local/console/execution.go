package console

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/local/sfnapi"
)

// historyPage is how many events the history table shows when the page
// does not say (maxResults), as GetExecutionHistory's default.
const historyPage = 100

// eventRow is a history event as the table shows it.
type eventRow struct {
	ID, PreviousID    int64
	Type, State, Time string
	Details           string // the details object, indented JSON
}

// waiting is a task waiting for its token, as the page shows it. Its
// forms name the state, and the server looks the token up when one is
// sent: a form never carries a token.
type waiting struct {
	State, Input string
}

// executionPage shows one execution: its description, graph, states,
// waiting tasks, map runs and a page of its history.
func (c *Console) executionPage(w http.ResponseWriter, r *http.Request) {
	c.executionView(w, r, http.StatusOK, r.URL.Query().Get("arn"), "")
}

// executionView renders the execution arn, with actionErr (an action the
// server refused) shown at the top.
func (c *Console) executionView(w http.ResponseWriter, r *http.Request, status int, arn, actionErr string) {
	var desc map[string]any
	if err := c.api.Invoke(r.Context(), "DescribeExecution", map[string]any{"executionArn": arn}, &desc); err != nil {
		c.apiFail(w, r, err)
		return
	}
	rec, ok := c.api.ExecutionByArn(arn)
	if !ok { // forgotten between the two calls
		c.fail(w, r, http.StatusNotFound, "ExecutionDoesNotExist: Execution Does Not Exist: '"+arn+"'")
		return
	}
	x := rec.Execution
	q := r.URL.Query()
	rows, next, filterTypes, err := c.history(r, arn, q.Get("type"), q.Get("maxResults"), q.Get("nextToken"))
	if err != nil {
		c.apiFail(w, r, err)
		return
	}
	result := x.Result()
	runs := outcomes(x.History(), result.Status)
	withChildren(runs, x.Children())
	states := make([]*stateRun, 0, len(runs))
	for _, run := range runs {
		states = append(states, run)
	}
	sort.Slice(states, func(i, j int) bool {
		if !states[i].Start.Equal(states[j].Start) {
			return states[i].Start.Before(states[j].Start)
		}
		return states[i].Name < states[j].Name
	})
	var tasks []waiting
	for _, p := range x.PendingTasks() {
		in, _ := json.MarshalIndent(p.Input, "", "  ")
		tasks = append(tasks, waiting{State: p.StateName, Input: string(in)})
	}
	sort.Slice(tasks, func(i, j int) bool { return tasks[i].State < tasks[j].State })
	end := time.Now()
	if result.Status != asl.StatusRunning {
		end = x.StopDate()
	} else if clock := rec.Machine.Engine.Clock(); clock != nil {
		end = clock.Now()
	}
	d := c.diagrams.draw(rec.Machine.Definition, rec.Machine.Parsed)
	c.page(w, r, status, "execution.html", map[string]any{
		"Title": x.Name, "Execution": x, "Describe": desc, "Status": string(result.Status), "Record": rec,
		"Running": result.Status == asl.StatusRunning, "Duration": end.Sub(x.StartTime).Round(time.Millisecond).String(),
		"Input": pretty(str(desc["input"])), "Output": pretty(str(desc["output"])), "Error": str(desc["error"]), "Cause": str(desc["cause"]),
		"Redrivable": str(desc["redriveStatus"]) == "REDRIVABLE", "Graph": d.colour(runs), "DiagramError": d.err,
		"States": states, "Now": end, "Waiting": tasks, "MapRuns": x.MapRuns(), "Version": len(x.History()),
		"Events": rows, "NextToken": next, "Filter": q.Get("type"), "FilterTypes": filterTypes, "MaxResults": q.Get("maxResults"),
		"ActionError": actionErr,
	})
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// history reads the execution's events through GetExecutionHistory,
// keeps those of the type filter (all if empty) and pages them as
// GetExecutionHistory does: maxResults events (100 if empty) from the
// position nextToken names. It also returns every event type the history
// holds, for the filter's choices.
func (c *Console) history(r *http.Request, arn, filter, maxResults, nextToken string) (rows []eventRow, next string, types []string, err error) {
	max := 0
	if maxResults != "" {
		if max, err = strconv.Atoi(maxResults); err != nil {
			return nil, "", nil, sfnapiValidation("maxResults is " + strconv.Quote(maxResults) + "; give a number from 1 to 1000")
		}
	}
	var all []map[string]any
	token := ""
	for {
		var page struct {
			Events    []map[string]any `json:"events"`
			NextToken string           `json:"nextToken"`
		}
		req := map[string]any{"executionArn": arn, "maxResults": 1000}
		if token != "" {
			req["nextToken"] = token
		}
		if err := c.api.Invoke(r.Context(), "GetExecutionHistory", req, &page); err != nil {
			return nil, "", nil, err
		}
		all = append(all, page.Events...)
		if token = page.NextToken; token == "" {
			break
		}
	}
	names := map[float64]string{} // the state each event belongs to, by id
	seen := map[string]bool{}
	var kept []map[string]any
	for _, e := range all {
		id, _ := e["id"].(float64)
		prev, _ := e["previousEventId"].(float64)
		typ := str(e["type"])
		if !seen[typ] {
			seen[typ] = true
			types = append(types, typ)
		}
		names[id] = names[prev]
		for _, k := range []string{"stateEnteredEventDetails", "stateExitedEventDetails"} {
			if d, ok := e[k].(map[string]any); ok {
				names[id] = str(d["name"])
			}
		}
		if filter == "" || typ == filter {
			kept = append(kept, e)
		}
	}
	sort.Strings(types)
	if max == 0 {
		max = historyPage
	}
	from, to, next, err := sfnapi.Page(max, nextToken, len(kept))
	if err != nil {
		return nil, "", nil, err
	}
	for _, e := range kept[from:to] {
		id, _ := e["id"].(float64)
		prev, _ := e["previousEventId"].(float64)
		row := eventRow{ID: int64(id), PreviousID: int64(prev), Type: str(e["type"]), State: names[id]}
		row.Time = funcs["epoch"].(func(any) string)(e["timestamp"])
		for k, v := range e {
			if strings.HasSuffix(k, "EventDetails") {
				data, _ := json.MarshalIndent(v, "", "  ")
				row.Details = string(data)
			}
		}
		rows = append(rows, row)
	}
	return rows, next, types, nil
}

// sfnapiValidation is a ValidationException for a console parameter the
// API never sees.
func sfnapiValidation(message string) error {
	return &consoleError{code: "ValidationException", message: message}
}

type consoleError struct{ code, message string }

func (e *consoleError) Error() string { return e.code + ": " + e.message }
