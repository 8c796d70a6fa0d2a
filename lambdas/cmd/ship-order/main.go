// Command ship-order is the ShipOrder Lambda of the order workflow.
package main

import (
	"log"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/sfnkit/sfnkit/lambdas/shipping"
)

func main() {
	svc, err := shipping.New(shipping.Clients{Carrier: shipping.Simulator{}})
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(svc.Ship)
}
