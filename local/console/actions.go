package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// act performs a form's action through the API operation it names, then
// sends the browser to the page that shows the result (303 See Other, so
// a reload does not send the form again). A refused action shows the
// page again with the API's error, and the form's values kept.
func (c *Console) act(w http.ResponseWriter, r *http.Request, path string) {
	f := r.PostForm
	switch path {
	case "/start":
		c.start(w, r, f.Get("stateMachineArn"), strings.TrimSpace(f.Get("name")), f.Get("input"))
	case "/stop":
		arn := f.Get("executionArn")
		c.then(w, r, arn, c.api.Invoke(r.Context(), "StopExecution", map[string]any{"executionArn": arn, "error": f.Get("error"), "cause": f.Get("cause")}, nil))
	case "/redrive":
		arn := f.Get("executionArn")
		c.then(w, r, arn, c.api.Invoke(r.Context(), "RedriveExecution", map[string]any{"executionArn": arn}, nil))
	case "/task/success", "/task/failure", "/task/heartbeat":
		c.answer(w, r, strings.TrimPrefix(path, "/task/"))
	default:
		c.fail(w, r, http.StatusNotFound, "no console action at "+r.URL.Path)
	}
}

// start starts an execution with StartExecution; a refused input or name
// shows the machine's page again with the reason.
func (c *Console) start(w http.ResponseWriter, r *http.Request, machineArn, name, input string) {
	if _, ok := c.api.MachineByArn(machineArn); !ok {
		c.fail(w, r, http.StatusNotFound, "StateMachineDoesNotExist: no state machine "+machineArn+" (it may have been deleted)")
		return
	}
	if strings.TrimSpace(input) == "" {
		input = "{}"
	}
	var out struct {
		ExecutionArn string `json:"executionArn"`
	}
	req := map[string]any{"stateMachineArn": machineArn, "input": input}
	if name != "" {
		req["name"] = name
	}
	if err := c.api.Invoke(r.Context(), "StartExecution", req, &out); err != nil {
		c.machineView(w, r, http.StatusBadRequest, machineArn, err.Error(), name, input)
		return
	}
	http.Redirect(w, r, Prefix+"execution?arn="+url.QueryEscape(out.ExecutionArn), http.StatusSeeOther)
}

// answer sends the waiting task of the form's state its answer: kind is
// success, failure or heartbeat, through SendTaskSuccess, SendTaskFailure
// or SendTaskHeartbeat with the task's token, which the server looks up
// by the form's state (a form never carries a token).
func (c *Console) answer(w http.ResponseWriter, r *http.Request, kind string) {
	f := r.PostForm
	arn, state := f.Get("executionArn"), f.Get("state")
	rec, ok := c.api.ExecutionByArn(arn)
	if !ok {
		c.fail(w, r, http.StatusNotFound, "ExecutionDoesNotExist: Execution Does Not Exist: '"+arn+"'")
		return
	}
	token := ""
	for _, p := range rec.Execution.PendingTasks() {
		if p.StateName == state {
			token = p.Token
			break
		}
	}
	if token == "" {
		c.executionView(w, r, http.StatusConflict, arn, fmt.Sprintf("TaskDoesNotExist: no task of state %q waits for its token any more (answered, timed out, or the execution ended)", state))
		return
	}
	var err error
	switch kind {
	case "success":
		output := f.Get("output")
		if !json.Valid([]byte(output)) {
			c.executionView(w, r, http.StatusBadRequest, arn, "InvalidOutput: the output is not JSON; give a JSON value such as {\"approved\": true}")
			return
		}
		err = c.api.Invoke(r.Context(), "SendTaskSuccess", map[string]any{"taskToken": token, "output": output}, nil)
	case "failure":
		err = c.api.Invoke(r.Context(), "SendTaskFailure", map[string]any{"taskToken": token, "error": f.Get("error"), "cause": f.Get("cause")}, nil)
	case "heartbeat":
		err = c.api.Invoke(r.Context(), "SendTaskHeartbeat", map[string]any{"taskToken": token}, nil)
	}
	c.then(w, r, arn, err)
}

// then sends the browser to the execution's page, or shows it with the
// error of the action.
func (c *Console) then(w http.ResponseWriter, r *http.Request, arn string, err error) {
	if err != nil {
		if _, ok := c.api.ExecutionByArn(arn); !ok {
			c.apiFail(w, r, err)
			return
		}
		c.executionView(w, r, http.StatusBadRequest, arn, err.Error()) // the AWS code and message
		return
	}
	http.Redirect(w, r, Prefix+"execution?arn="+url.QueryEscape(arn), http.StatusSeeOther)
}
