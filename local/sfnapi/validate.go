package sfnapi

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/sfnkit/sfnkit/asl"
)

// MaxDefinitionBytes is the largest definition AWS accepts.
const MaxDefinitionBytes = 1 << 20

type validateRequest struct {
	Definition *string `json:"definition"`
	Type       string  `json:"type"`
	Severity   string  `json:"severity"`
	MaxResults *int    `json:"maxResults"`
}

// validateStateMachineDefinition checks a definition with the engine's
// validator. Severity ERROR (the default) reports errors only, WARNING
// errors and warnings.
func (s *Server) validateStateMachineDefinition(_ context.Context, r request) (any, error) {
	req, err := decode[validateRequest](r)
	if err != nil {
		return nil, err
	}
	switch {
	case req.Definition == nil:
		return nil, missing("definition")
	case len(*req.Definition) < 1 || len(*req.Definition) > MaxDefinitionBytes:
		return nil, fail("ValidationException", "1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length between 1 and %d", MaxDefinitionBytes)
	}
	switch req.Type {
	case "":
		req.Type = "STANDARD"
	case "STANDARD", "EXPRESS":
	default:
		return nil, fail("ValidationException", "1 validation error detected: Value '%s' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]", req.Type)
	}
	switch req.Severity {
	case "":
		req.Severity = "ERROR"
	case "ERROR", "WARNING":
	default:
		return nil, fail("ValidationException", "1 validation error detected: Value '%s' at 'severity' failed to satisfy constraint: Member must satisfy enum value set: [ERROR, WARNING]", req.Severity)
	}
	max := asl.MaxDiagnostics
	if req.MaxResults != nil && *req.MaxResults != 0 {
		if *req.MaxResults < 0 || *req.MaxResults > asl.MaxDiagnostics {
			return nil, fail("ValidationException", "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 0 and %d", *req.MaxResults, asl.MaxDiagnostics)
		}
		max = *req.MaxResults
	}
	diags := asl.ValidateDefinitionFor([]byte(*req.Definition), asl.WorkflowType(req.Type))
	if req.Severity == "ERROR" {
		kept := diags[:0:0]
		for _, d := range diags {
			if d.Severity == asl.SeverityError {
				kept = append(kept, d)
			}
		}
		diags = kept
	}
	return asl.NewValidationResult(diags, max), nil
}

// testState runs one state with asl.TestState, which reads the API's
// field names. The SDKs send TestState to a "sync-" host; LocalEndpoint
// keeps a Go client on the local host.
func (s *Server) testState(ctx context.Context, r request) (any, error) {
	var req asl.TestStateRequest
	data, _ := json.Marshal(r)
	if err := json.Unmarshal(data, &req); err != nil {
		return nil, fail("SerializationException", "%v", err)
	}
	if req.Definition == "" {
		return nil, missing("definition")
	}
	if len(req.Definition) > MaxDefinitionBytes {
		return nil, fail("ValidationException", "1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to %d", MaxDefinitionBytes)
	}
	if req.RoleArn != "" && !arnPattern.MatchString(req.RoleArn) {
		return nil, fail("InvalidArn", "Invalid Arn: '%s'", req.RoleArn)
	}
	out, err := asl.TestState(ctx, &req)
	if err != nil {
		var api *asl.APIError
		if errors.As(err, &api) {
			return nil, fail(api.Code, "%s", api.Message)
		}
		return nil, fail("InvalidDefinition", "Invalid State Machine Definition: '%s'", err)
	}
	return out, nil
}
