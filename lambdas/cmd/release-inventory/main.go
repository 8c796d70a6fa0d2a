// Command release-inventory is the ReleaseInventory compensation of the order workflow.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/sfnkit/sfnkit/lambdas/awsenv"
	"github.com/sfnkit/sfnkit/lambdas/inventory"
)

func main() {
	store := &inventory.DynamoStore{
		Client:            dynamodb.NewFromConfig(awsenv.Config()),
		InventoryTable:    awsenv.Require("INVENTORY_TABLE"),
		ReservationsTable: awsenv.Require("RESERVATIONS_TABLE"),
	}
	lambda.Start((&inventory.Service{Store: store}).Release)
}
