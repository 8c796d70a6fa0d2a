// Package approval records a human decision on an order that waits for
// approval: the Lambda behind the authenticated POST /approvals route. It
// answers the workflow's task token with SendTaskSuccess, SendTaskFailure or
// SendTaskHeartbeat.
package approval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// RejectedError is the error name a rejection sends to the workflow, which
// catches it on the approval step.
const RejectedError = "ApprovalRejected"

// Decisions an approver can send.
const (
	DecisionApprove   = "approve"
	DecisionReject    = "reject"
	DecisionHeartbeat = "heartbeat" // "still reviewing": keeps the step's heartbeat alive
)

// Limits on the request, well inside Step Functions' own (a task token of
// up to 2048 characters, a cause of up to 32768).
const (
	maxBodyBytes   = 8 << 10
	maxTokenLength = 2048
	maxReasonBytes = 1000
)

// Request is the body of POST /approvals.
type Request struct {
	TaskToken string `json:"taskToken"`
	Decision  string `json:"decision"`
	Reason    string `json:"reason,omitempty"`
}

// Outcome is what an approval sends to the workflow on success, and the
// cause (as JSON) of a rejection.
type Outcome struct {
	Approved bool   `json:"approved"`
	Approver string `json:"approver"`
	Reason   string `json:"reason,omitempty"`
}

// TaskResponder is the part of the Step Functions client the handler uses.
type TaskResponder interface {
	SendTaskSuccess(ctx context.Context, in *sfn.SendTaskSuccessInput, opts ...func(*sfn.Options)) (*sfn.SendTaskSuccessOutput, error)
	SendTaskFailure(ctx context.Context, in *sfn.SendTaskFailureInput, opts ...func(*sfn.Options)) (*sfn.SendTaskFailureOutput, error)
	SendTaskHeartbeat(ctx context.Context, in *sfn.SendTaskHeartbeatInput, opts ...func(*sfn.Options)) (*sfn.SendTaskHeartbeatOutput, error)
}

// Handler is the approval callback Lambda.
type Handler struct {
	StepFunctions TaskResponder
}

// BadRequest is a request the handler refuses; it becomes HTTP 400.
type BadRequest struct{ Reason string }

func (e *BadRequest) Error() string { return e.Reason }

// Handle answers an API Gateway proxy request. The approver is the IAM
// identity API Gateway authenticated, never a name taken from the body.
func (h *Handler) Handle(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	approver := req.RequestContext.Identity.UserArn
	if approver == "" {
		return respond(http.StatusForbidden, "the request carries no authenticated IAM identity"), nil
	}
	decision, err := parse(req.Body)
	if err != nil {
		return respond(http.StatusBadRequest, err.Error()), nil
	}
	if err := h.send(ctx, decision, approver); err != nil {
		return responseFor(err), nil
	}
	return respond(http.StatusOK, "recorded "+decision.Decision), nil
}

func parse(body string) (Request, error) {
	if len(body) > maxBodyBytes {
		return Request{}, &BadRequest{Reason: fmt.Sprintf("the body is %d bytes; at most %d are accepted", len(body), maxBodyBytes)}
	}
	if !utf8.ValidString(body) {
		return Request{}, &BadRequest{Reason: "the body is not valid UTF-8"}
	}
	var r Request
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return Request{}, &BadRequest{Reason: "the body must be a JSON object with taskToken, decision and an optional reason: " + err.Error()}
	}
	switch {
	case r.TaskToken == "" || len(r.TaskToken) > maxTokenLength:
		return Request{}, &BadRequest{Reason: fmt.Sprintf("taskToken must be 1-%d characters", maxTokenLength)}
	case r.Decision != DecisionApprove && r.Decision != DecisionReject && r.Decision != DecisionHeartbeat:
		return Request{}, &BadRequest{Reason: fmt.Sprintf("decision %.40q must be approve, reject or heartbeat", r.Decision)}
	case len(r.Reason) > maxReasonBytes:
		return Request{}, &BadRequest{Reason: fmt.Sprintf("reason must be at most %d bytes", maxReasonBytes)}
	case r.Decision == DecisionReject && strings.TrimSpace(r.Reason) == "":
		return Request{}, &BadRequest{Reason: "a rejection needs a reason the customer can be told"}
	}
	return r, nil
}

func (h *Handler) send(ctx context.Context, r Request, approver string) error {
	token := aws.String(r.TaskToken)
	switch r.Decision {
	case DecisionHeartbeat:
		_, err := h.StepFunctions.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: token})
		return err
	case DecisionApprove:
		out, _ := json.Marshal(Outcome{Approved: true, Approver: approver, Reason: r.Reason})
		_, err := h.StepFunctions.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: token, Output: aws.String(string(out))})
		return err
	default:
		cause, _ := json.Marshal(Outcome{Approved: false, Approver: approver, Reason: r.Reason})
		_, err := h.StepFunctions.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{
			TaskToken: token, Error: aws.String(RejectedError), Cause: aws.String(string(cause)),
		})
		return err
	}
}

// responseFor maps Step Functions' answers to what the approver should see.
func responseFor(err error) events.APIGatewayProxyResponse {
	var (
		invalid  *types.InvalidToken
		missing  *types.TaskDoesNotExist
		timedOut *types.TaskTimedOut
	)
	switch {
	case errors.As(err, &invalid):
		return respond(http.StatusBadRequest, "the task token is malformed")
	case errors.As(err, &missing):
		return respond(http.StatusNotFound, "no order is waiting for this task token; it was already decided or never existed")
	case errors.As(err, &timedOut):
		return respond(http.StatusGone, "the approval window for this order has closed")
	default:
		return respond(http.StatusServiceUnavailable, "the decision could not be recorded; try again")
	}
}

func respond(status int, message string) events.APIGatewayProxyResponse {
	body, _ := json.Marshal(map[string]string{"message": message})
	return events.APIGatewayProxyResponse{
		StatusCode: status,
		Headers:    map[string]string{"Content-Type": "application/json"},
		Body:       string(body),
	}
}
