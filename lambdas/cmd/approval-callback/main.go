// Command approval-callback is the Lambda behind POST /approvals: it answers
// an order's approval task token with the approver's decision.
package main

import (
	"log"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sfnkit/sfnkit/lambdas/approval"
	"github.com/sfnkit/sfnkit/lambdas/awsenv"
)

func main() {
	h, err := approval.New(approval.Clients{StepFunctions: sfn.NewFromConfig(awsenv.Config())})
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(h.Handle)
}
