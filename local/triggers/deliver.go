package triggers

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sfnkit/sfnkit/local/sfnapi"
)

// deliver starts each of the rule's targets with the input built from the
// event. A failure AWS would retry (throttling, a 5xx) is retried within
// the target's retry policy, at once and then with backoff; one it would
// not (the input or the machine is wrong), or the last retry, sends the
// event to the target's dead-letter queue with EventBridge's attributes,
// or drops it if there is none.
func (t *Triggers) deliver(r *rule, event map[string]any, what string) {
	for _, tg := range r.targets {
		input, err := tg.inputFor(r, event)
		if err != nil {
			t.deadLetter(r, tg, event, what, "InvalidInput", err.Error())
			continue
		}
		t.attempt(r, tg, event, what, input, 0, time.Now())
	}
}

// attempt starts the target; a failure worth retrying is retried on a
// goroutine of its own, so neither the S3 upload nor the clock that
// raised the event waits for it.
func (t *Triggers) attempt(r *rule, tg target, event map[string]any, what, input string, attempt int, first time.Time) {
	var out struct{ ExecutionArn string }
	err := sfnapi.Call(t.opts.StepFunctions, "StartExecution", map[string]string{"stateMachineArn": tg.arn, "input": input}, &out)
	if err == nil {
		t.record(Firing{Time: t.Now(), Rule: r.name, Target: tg.arn, Event: what + " " + eventSubject(event), Outcome: "started " + out.ExecutionArn})
		return
	}
	var apiErr *sfnapi.APIError
	retryable := !errors.As(err, &apiErr) || apiErr.Status >= 500 || apiErr.Type == "ThrottlingException"
	if !retryable || attempt >= tg.maxAttempts || time.Since(first) >= tg.maxAge {
		code, message := "SDK_CLIENT_ERROR", err.Error()
		if apiErr != nil {
			code, message = apiErr.Type, apiErr.Message
		}
		t.deadLetter(r, tg, event, what, code, message)
		return
	}
	go func() {
		time.Sleep(min(time.Duration(1<<min(attempt, 10))*100*time.Millisecond, 5*time.Second))
		t.attempt(r, tg, event, what, input, attempt+1, first)
	}()
}

// deadLetter sends the event to the target's dead-letter queue, as
// EventBridge does, with the error in the message's attributes.
func (t *Triggers) deadLetter(r *rule, tg target, event map[string]any, what, code, message string) {
	subject := what + " " + eventSubject(event)
	if tg.deadLetter == "" || t.opts.AWS == nil {
		t.record(Firing{Time: t.Now(), Rule: r.name, Target: tg.arn, Event: subject, Outcome: "dropped: " + code + ": " + message})
		return
	}
	body, _ := json.Marshal(event)
	attributes := map[string]string{"RULE_ARN": r.arn, "TARGET_ARN": tg.arn, "ERROR_CODE": code, "ERROR_MESSAGE": message}
	if r.scheduler { // EventBridge Scheduler's dead letters
		attributes = map[string]string{"SCHEDULE_ARN": r.arn, "TARGET_ARN": tg.arn, "ERROR_CODE": code, "ERROR_MESSAGE": message,
			"EXECUTION_ID": fmt.Sprint(event["id"]), "X-Amz-Scheduler-Attempt": "1"}
	}
	_, err := t.opts.AWS.Enqueue(tg.deadLetter, string(body), attributes)
	outcome := "dead-lettered to " + tg.deadLetter + ": " + code + ": " + message
	if err != nil {
		outcome = "dropped (the dead-letter queue refused it: " + err.Error() + "): " + code + ": " + message
	}
	t.record(Firing{Time: t.Now(), Rule: r.name, Target: tg.arn, Event: subject, Outcome: outcome})
}

// inputFor builds a target's input from the event: Input as it is, the
// part InputPath selects, InputTransformer's template filled from its
// paths, or else the whole event.
func (tg target) inputFor(r *rule, event map[string]any) (string, error) {
	switch {
	case tg.input != "":
		return tg.input, nil
	case tg.inputPath != "":
		v, err := jsonPath(event, tg.inputPath)
		if err != nil {
			return "", err
		}
		b, _ := json.Marshal(v)
		return string(b), nil
	case tg.hasTemplate:
		values := map[string]any{}
		for name, path := range tg.pathsMap {
			v, err := jsonPath(event, path)
			if err != nil {
				return "", fmt.Errorf("InputPathsMap %s: %w", name, err)
			}
			values[name] = v
		}
		whole, _ := json.Marshal(event)
		values["aws.events.event.json"] = json.RawMessage(whole)
		values["aws.events.rule-name"] = r.name
		values["aws.events.rule-arn"] = r.arn
		values["aws.events.event.ingestion-time"] = event["time"]
		if r.scheduler {
			values = map[string]any{"aws.scheduler.scheduled-time": event["time"], "aws.scheduler.execution-id": event["id"],
				"aws.scheduler.attempt-number": "1", "aws.scheduler.schedule-arn": r.arn}
		}
		return fillTemplate(tg.template, values), nil
	}
	b, _ := json.Marshal(event)
	return string(b), nil
}

// jsonPath reads a simple JSONPath ($, $.a.b) from a value; a missing
// field is null, as in EventBridge.
func jsonPath(v any, path string) (any, error) {
	rest, ok := strings.CutPrefix(path, "$")
	if !ok {
		return nil, fmt.Errorf("the path %q does not start with $", path)
	}
	for _, part := range strings.Split(strings.TrimPrefix(rest, "."), ".") {
		if part == "" {
			continue
		}
		m, _ := v.(map[string]any)
		v = m[part]
	}
	return v, nil
}

// fillTemplate replaces each <name> of an InputTemplate: inside a JSON
// string with the value's text, elsewhere with its JSON. A <name> with no
// value is left as it is, as EventBridge leaves text it does not know.
func fillTemplate(tmpl string, values map[string]any) string {
	var out strings.Builder
	inString := false
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		if c == '"' && (i == 0 || tmpl[i-1] != '\\') {
			inString = !inString
		}
		if c == '<' {
			if end := strings.IndexByte(tmpl[i:], '>'); end > 0 {
				name := tmpl[i+1 : i+end]
				if v, ok := values[name]; ok {
					b, _ := json.Marshal(v)
					text := string(b)
					if inString {
						if s, isString := v.(string); isString {
							b, _ = json.Marshal(s)
							text = strings.Trim(string(b), `"`)
						} else {
							b, _ = json.Marshal(text)
							text = strings.Trim(string(b), `"`)
						}
					}
					out.WriteString(text)
					i += end
					continue
				}
			}
		}
		out.WriteByte(c)
	}
	return out.String()
}
