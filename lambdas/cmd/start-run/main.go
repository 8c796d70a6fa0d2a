// Command start-run is the StartRun Lambda of the ETL workflow.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/sfnkit/sfnkit/lambdas/awsenv"
	"github.com/sfnkit/sfnkit/lambdas/etlrun"
)

func main() {
	s := &etlrun.Starter{
		Ledger:     &etlrun.DynamoLedger{Client: dynamodb.NewFromConfig(awsenv.Config()), Table: awsenv.Require("LEDGER_TABLE")},
		RawBucket:  awsenv.Require("RAW_BUCKET"),
		StaleAfter: awsenv.RequireDuration("STALE_AFTER"),
	}
	lambda.Start(s.Handle)
}
