package harness

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/lambdas/approval"
)

// TaskResponder answers task tokens on the engine through the AWS SDK's
// Step Functions interface, so the approval callback Lambda runs unchanged.
type TaskResponder struct {
	Engine *asl.Engine
}

var _ approval.TaskResponder = TaskResponder{}

// SendTaskSuccess implements approval.TaskResponder.
func (r TaskResponder) SendTaskSuccess(_ context.Context, in *sfn.SendTaskSuccessInput, _ ...func(*sfn.Options)) (*sfn.SendTaskSuccessOutput, error) {
	return &sfn.SendTaskSuccessOutput{}, sdkTokenError(r.Engine.SendTaskSuccess(aws.ToString(in.TaskToken), []byte(aws.ToString(in.Output))))
}

// SendTaskFailure implements approval.TaskResponder.
func (r TaskResponder) SendTaskFailure(_ context.Context, in *sfn.SendTaskFailureInput, _ ...func(*sfn.Options)) (*sfn.SendTaskFailureOutput, error) {
	return &sfn.SendTaskFailureOutput{}, sdkTokenError(r.Engine.SendTaskFailure(aws.ToString(in.TaskToken), aws.ToString(in.Error), aws.ToString(in.Cause)))
}

// SendTaskHeartbeat implements approval.TaskResponder.
func (r TaskResponder) SendTaskHeartbeat(_ context.Context, in *sfn.SendTaskHeartbeatInput, _ ...func(*sfn.Options)) (*sfn.SendTaskHeartbeatOutput, error) {
	return &sfn.SendTaskHeartbeatOutput{}, sdkTokenError(r.Engine.SendTaskHeartbeat(aws.ToString(in.TaskToken)))
}

// sdkTokenError gives the engine's token errors the SDK's types.
func sdkTokenError(err error) error {
	switch {
	case err == nil:
		return nil
	case asl.IsAPIError(err, asl.CodeTaskDoesNotExist):
		return &types.TaskDoesNotExist{Message: aws.String(err.Error())}
	case asl.IsAPIError(err, asl.CodeTaskTimedOut):
		return &types.TaskTimedOut{Message: aws.String(err.Error())}
	case asl.IsAPIError(err, asl.CodeInvalidToken):
		return &types.InvalidToken{Message: aws.String(err.Error())}
	case asl.IsAPIError(err, asl.CodeInvalidOutput):
		return &types.InvalidOutput{Message: aws.String(err.Error())}
	}
	return err
}

// Approver is an IAM principal deciding through POST /approvals.
const Approver = "arn:aws:iam::123456789012:user/approver"

// Decide sends an approver's decision ("approve", "reject", "heartbeat")
// for a task token through the real approval callback Lambda, as API
// Gateway would deliver it, and returns the HTTP status it answered.
func (env *Env) Decide(ctx context.Context, token, decision, reason string) (int, error) {
	body, _ := json.Marshal(approval.Request{TaskToken: token, Decision: decision, Reason: reason})
	var req events.APIGatewayProxyRequest
	req.Body = string(body)
	req.RequestContext.Identity.UserArn = Approver
	resp, err := (&approval.Handler{StepFunctions: TaskResponder{Engine: env.Engine}}).Handle(ctx, req)
	return resp.StatusCode, err
}
