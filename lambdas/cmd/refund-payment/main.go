// Command refund-payment is the RefundPayment compensation of the order workflow.
package main

import (
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/sfnkit/sfnkit/lambdas/awsenv"
	"github.com/sfnkit/sfnkit/lambdas/payments"
)

func main() {
	env, err := payments.EnvFrom(os.Getenv)
	if err != nil {
		log.Fatal(err)
	}
	h, err := payments.New(env, payments.Clients{DynamoDB: dynamodb.NewFromConfig(awsenv.Config()), Provider: &payments.Simulator{}})
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(h.Refund)
}
