// Command reserve-inventory is the ReserveInventory Lambda of the order workflow.
package main

import (
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/sfnkit/sfnkit/lambdas/awsenv"
	"github.com/sfnkit/sfnkit/lambdas/inventory"
)

func main() {
	env, err := inventory.EnvFrom(os.Getenv)
	if err != nil {
		log.Fatal(err)
	}
	h, err := inventory.New(env, inventory.Clients{DynamoDB: dynamodb.NewFromConfig(awsenv.Config())})
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(h.Reserve)
}
