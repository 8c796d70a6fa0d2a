// Command ship-order is the ShipOrder Lambda of the order workflow.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/sfnkit/sfnkit/lambdas/shipping"
)

func main() {
	lambda.Start((&shipping.Service{Carrier: shipping.Simulator{}}).Ship)
}
