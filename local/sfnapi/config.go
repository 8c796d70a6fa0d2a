package sfnapi

// Logging is a state machine's loggingConfiguration. The server keeps and
// answers it; executions write no CloudWatch Logs locally.
type Logging struct {
	Level                string        `json:"level,omitempty"`
	IncludeExecutionData bool          `json:"includeExecutionData"`
	Destinations         []Destination `json:"destinations,omitempty"`
}

// Destination is where a machine's logs go.
type Destination struct {
	CloudWatchLogsLogGroup *struct {
		LogGroupArn string `json:"logGroupArn"`
	} `json:"cloudWatchLogsLogGroup,omitempty"`
}

// Tracing is a state machine's tracingConfiguration (X-Ray), kept and
// answered only.
type Tracing struct {
	Enabled bool `json:"enabled"`
}

// validate checks a logging configuration as AWS does: a known level, at
// most one destination, and one when the level is not OFF.
func (l *Logging) validate() error {
	switch l.Level {
	case "", "OFF", "ALL", "ERROR", "FATAL":
	default:
		return fail("ValidationException", "1 validation error detected: Value '%s' at 'loggingConfiguration.level' failed to satisfy constraint: Member must satisfy enum value set: [ALL, ERROR, FATAL, OFF]", l.Level)
	}
	if len(l.Destinations) > 1 {
		return fail("InvalidLoggingConfiguration", "Invalid Logging Configuration: at most one destination is allowed, got %d", len(l.Destinations))
	}
	for _, d := range l.Destinations {
		if d.CloudWatchLogsLogGroup == nil || !arnPattern.MatchString(d.CloudWatchLogsLogGroup.LogGroupArn) {
			return fail("InvalidLoggingConfiguration", "Invalid Logging Configuration: a destination needs cloudWatchLogsLogGroup.logGroupArn, a log group ARN")
		}
	}
	if l.Level != "" && l.Level != "OFF" && len(l.Destinations) == 0 {
		return fail("InvalidLoggingConfiguration", "Invalid Logging Configuration: Must specify exactly one Log Destination if logging level is not OFF.")
	}
	return nil
}

// describeMachine is DescribeStateMachine's answer for m.
func describeMachine(m *Machine) map[string]any {
	logging := any(map[string]any{"level": "OFF", "includeExecutionData": false})
	if m.Logging != nil {
		l := *m.Logging
		if l.Level == "" {
			l.Level = "OFF"
		}
		logging = l
	}
	tracing := Tracing{}
	if m.Tracing != nil {
		tracing = *m.Tracing
	}
	out := map[string]any{
		"stateMachineArn": m.Arn, "name": m.Name, "status": "ACTIVE", "definition": m.Definition,
		"roleArn": m.RoleArn, "type": m.Type, "creationDate": epoch(m.Created),
		"loggingConfiguration": logging, "tracingConfiguration": tracing,
	}
	if m.RevisionID != "" {
		out["revisionId"] = m.RevisionID
	}
	return out
}
