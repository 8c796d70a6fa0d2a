package sfnapi

import (
	"context"
	"encoding/json"

	"github.com/sfnkit/sfnkit/asl"
)

// updateRequest is UpdateStateMachine's request.
type updateRequest struct {
	StateMachineArn      string          `json:"stateMachineArn"`
	Definition           *string         `json:"definition"`
	RoleArn              *string         `json:"roleArn"`
	LoggingConfiguration *Logging        `json:"loggingConfiguration"`
	TracingConfiguration *Tracing        `json:"tracingConfiguration"`
	Publish              bool            `json:"publish"`
	VersionDescription   *string         `json:"versionDescription"`
	Encryption           json.RawMessage `json:"encryptionConfiguration"`
}

// updateStateMachine replaces the machine with an updated copy:
// executions already started keep the Machine they started with, and so
// their definition.
func (s *Server) updateStateMachine(_ context.Context, r request) (any, error) {
	req, err := decode[updateRequest](r)
	if err != nil {
		return nil, err
	}
	if req.StateMachineArn == "" {
		return nil, missing("stateMachineArn")
	}
	if _, q, err := qualified(req.StateMachineArn); err != nil {
		return nil, err
	} else if q != "" {
		return nil, fail("ValidationException", "Update a state machine by its unqualified ARN, not the version or alias ARN '%s'", req.StateMachineArn)
	}
	// An encryptionConfiguration is accepted and ignored: nothing is
	// encrypted locally.
	if req.Definition == nil && req.RoleArn == nil && req.LoggingConfiguration == nil && req.TracingConfiguration == nil && len(req.Encryption) == 0 {
		return nil, fail("MissingRequiredParameter", "Either the definition, the roleArn, the loggingConfiguration or the tracingConfiguration must be specified")
	}
	if req.VersionDescription != nil && !req.Publish {
		return nil, fail("ValidationException", "Version description can only be set when publish is true")
	}
	if req.VersionDescription != nil && len(*req.VersionDescription) > 256 {
		return nil, tooLong("versionDescription", *req.VersionDescription, 256)
	}
	if req.RoleArn != nil && !arnPattern.MatchString(*req.RoleArn) {
		return nil, fail("InvalidArn", "Invalid Arn: '%s'", *req.RoleArn)
	}
	if req.LoggingConfiguration != nil {
		if err := req.LoggingConfiguration.validate(); err != nil {
			return nil, err
		}
	}
	m, err := s.machine(r)
	if err != nil {
		return nil, err
	}
	var parsed *asl.StateMachine
	if req.Definition != nil {
		if parsed, err = asl.ParseFor([]byte(*req.Definition), asl.WorkflowType(m.Type)); err != nil {
			return nil, fail("InvalidDefinition", "Invalid State Machine Definition: '%s'", err)
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.machines[m.Arn]
	if !ok {
		return nil, fail("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", m.Arn)
	}
	next := *cur
	if parsed != nil {
		next.Definition, next.Parsed = *req.Definition, parsed
	}
	if req.RoleArn != nil {
		next.RoleArn = *req.RoleArn
	}
	if req.LoggingConfiguration != nil {
		next.Logging = req.LoggingConfiguration
	}
	if req.TracingConfiguration != nil {
		next.Tracing = req.TracingConfiguration
	}
	if next.Definition != cur.Definition || next.RoleArn != cur.RoleArn || !sameJSON(next.Logging, cur.Logging) || !sameJSON(next.Tracing, cur.Tracing) {
		next.RevisionID = newRevision()
	}
	next.Updated = s.clock.Now()
	out := map[string]any{"updateDate": epoch(next.Updated), "revisionId": next.RevisionID}
	if req.Publish {
		ver, err := s.publishLocked(&next, deref(req.VersionDescription), "")
		if err != nil {
			return nil, err
		}
		out["stateMachineVersionArn"] = ver.Arn
	}
	s.machines[m.Arn] = &next
	return out, nil
}

// describeStateMachineForExecution answers the machine as the execution
// started it, even after the machine was updated.
func (s *Server) describeStateMachineForExecution(_ context.Context, r request) (any, error) {
	rec, err := s.execution(r)
	if err != nil {
		return nil, err
	}
	m := rec.machine
	out := describeMachine(m)
	delete(out, "status")
	delete(out, "type")
	delete(out, "creationDate")
	out["updateDate"] = epoch(m.Created)
	if !m.Updated.IsZero() {
		out["updateDate"] = epoch(m.Updated)
	}
	return out, nil
}

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
