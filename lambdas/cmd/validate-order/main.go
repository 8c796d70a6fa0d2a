// Command validate-order is the ValidateOrder Lambda of the order workflow.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/sfnkit/sfnkit/lambdas/orders"
)

func main() {
	lambda.Start(orders.New().Handle)
}
