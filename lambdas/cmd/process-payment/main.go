// Command process-payment is the ProcessPayment Lambda of the order workflow.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/sfnkit/sfnkit/lambdas/awsenv"
	"github.com/sfnkit/sfnkit/lambdas/payments"
)

func main() {
	ledger := &payments.DynamoLedger{Client: dynamodb.NewFromConfig(awsenv.Config()), Table: awsenv.Require("PAYMENTS_TABLE")}
	svc := &payments.Service{Provider: &payments.Simulator{}, Ledger: ledger}
	lambda.Start(svc.Charge)
}
