// Command approval-callback is the Lambda behind POST /approvals: it answers
// an order's approval task token with the approver's decision.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sfnkit/sfnkit/lambdas/approval"
	"github.com/sfnkit/sfnkit/lambdas/awsenv"
)

func main() {
	lambda.Start((&approval.Handler{StepFunctions: sfn.NewFromConfig(awsenv.Config())}).Handle)
}
