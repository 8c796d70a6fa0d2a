package triggers

import (
	"fmt"
	"strings"
	"time"

	"github.com/sfnkit/sfnkit/cfn"
)

func readRule(st *cfn.AssemblyStack, id string, names cfn.Placeholders, created time.Time) (*rule, error) {
	props := st.Template.Resources[id].Properties
	if state, _ := props["State"].(string); state == "DISABLED" {
		return nil, nil
	}
	name, _ := props["Name"].(string)
	if name == "" {
		name = id
	}
	r := &rule{name: name, arn: "arn:aws:events:us-east-1:" + cfn.PlaceholderAccount + ":rule/" + name, created: created, bus: "default"}
	if bus, ok := props["EventBusName"]; ok {
		resolved, err := cfn.Resolve(bus, names)
		if err != nil {
			return nil, fmt.Errorf("EventBusName: %w", err)
		}
		r.bus = busName(resolved)
		// A bus of the template is named by its Name property, which
		// its Ref and ARN carry in AWS.
		if res, ok := st.Template.Resources[r.bus]; ok && res.Type == "AWS::Events::EventBus" {
			if n, ok := res.Properties["Name"].(string); ok {
				r.bus = n
			}
		}
	}
	if expr, ok := props["ScheduleExpression"].(string); ok {
		s, err := ParseSchedule(expr)
		if err != nil {
			return nil, err
		}
		r.schedule, r.next = s, s.Next(created, created)
	}
	if p, ok := props["EventPattern"]; ok {
		resolved, err := resolveAll(p, names)
		if err != nil {
			return nil, err
		}
		if r.pattern, err = ParsePattern(resolved); err != nil {
			return nil, fmt.Errorf("event pattern: %w", err)
		}
	}
	targets, _ := props["Targets"].([]any)
	for _, raw := range targets {
		m, _ := raw.(map[string]any)
		arn, err := cfn.Resolve(m["Arn"], names)
		if err != nil {
			return nil, fmt.Errorf("target %v: %w", m["Id"], err)
		}
		tg := target{arn: arn, maxAttempts: 185, maxAge: 24 * time.Hour}
		tg.id, _ = m["Id"].(string)
		tg.input, _ = m["Input"].(string)
		tg.inputPath, _ = m["InputPath"].(string)
		if tr, ok := m["InputTransformer"].(map[string]any); ok {
			tg.template, tg.hasTemplate = tr["InputTemplate"].(string)
			paths, _ := tr["InputPathsMap"].(map[string]any)
			tg.pathsMap = map[string]string{}
			for k, v := range paths {
				tg.pathsMap[k], _ = v.(string)
			}
		}
		if rp, ok := m["RetryPolicy"].(map[string]any); ok {
			if n, ok := rp["MaximumRetryAttempts"].(float64); ok {
				tg.maxAttempts = int(n)
			}
			if s, ok := rp["MaximumEventAgeInSeconds"].(float64); ok {
				tg.maxAge = time.Duration(s) * time.Second
			}
		}
		if dl, ok := m["DeadLetterConfig"].(map[string]any); ok {
			tg.deadLetter, _ = cfn.Resolve(dl["Arn"], names)
		}
		r.targets = append(r.targets, tg)
	}
	return r, nil
}

// busName reads an event bus's name from its name or ARN.
func busName(ref string) string {
	if i := strings.LastIndex(ref, "/"); i >= 0 && strings.HasPrefix(ref, "arn:") {
		return ref[i+1:]
	}
	return ref
}

// readSchedule reads an AWS::Scheduler::Schedule: its expression (rate,
// cron or at, in its time zone) and its target, whose Input is sent with
// EventBridge Scheduler's context attributes (<aws.scheduler.scheduled-time>,
// <aws.scheduler.execution-id>, <aws.scheduler.attempt-number>,
// <aws.scheduler.schedule-arn>) filled in.
func readSchedule(st *cfn.AssemblyStack, id string, names cfn.Placeholders, created time.Time) (*rule, error) {
	props := st.Template.Resources[id].Properties
	if state, _ := props["State"].(string); state == "DISABLED" {
		return nil, nil
	}
	name, _ := props["Name"].(string)
	if name == "" {
		name = id
	}
	expr, _ := props["ScheduleExpression"].(string)
	zone, _ := props["ScheduleExpressionTimezone"].(string)
	s, err := ParseScheduleIn(expr, zone)
	if err != nil {
		return nil, err
	}
	group, _ := props["GroupName"].(string)
	if group == "" {
		group = "default"
	}
	r := &rule{name: name, arn: "arn:aws:scheduler:us-east-1:" + cfn.PlaceholderAccount + ":schedule/" + group + "/" + name,
		scheduler: true, schedule: s, created: created, next: s.Next(created, created)}
	m, _ := props["Target"].(map[string]any)
	arn, err := cfn.Resolve(m["Arn"], names)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	if !strings.HasPrefix(arn, "arn:aws:states:") || !strings.Contains(arn, ":stateMachine:") {
		return nil, fmt.Errorf("the target %s is not a state machine; the local scheduler starts state machines only", arn)
	}
	tg := target{arn: arn, maxAttempts: 185, maxAge: 24 * time.Hour, hasTemplate: true, template: "{}"}
	if input, ok := m["Input"]; ok {
		if tg.template, err = cfn.Resolve(input, names); err != nil {
			return nil, fmt.Errorf("target input: %w", err)
		}
	}
	if rp, ok := m["RetryPolicy"].(map[string]any); ok {
		if n, ok := rp["MaximumRetryAttempts"].(float64); ok {
			tg.maxAttempts = int(n)
		}
		if sec, ok := rp["MaximumEventAgeInSeconds"].(float64); ok {
			tg.maxAge = time.Duration(sec) * time.Second
		}
	}
	if dl, ok := m["DeadLetterConfig"].(map[string]any); ok {
		tg.deadLetter, _ = cfn.Resolve(dl["Arn"], names)
	}
	r.targets = []target{tg}
	return r, nil
}

// resolveAll resolves every intrinsic function inside a JSON value.
func resolveAll(v any, names cfn.Resolver) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 1 {
			for k := range v {
				if k == "Ref" || k == "Fn::GetAtt" || k == "Fn::Join" || k == "Fn::Sub" || k == "Fn::Select" {
					return cfn.Resolve(v, names)
				}
			}
		}
		out := map[string]any{}
		for k, x := range v {
			r, err := resolveAll(x, names)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			r, err := resolveAll(x, names)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}
