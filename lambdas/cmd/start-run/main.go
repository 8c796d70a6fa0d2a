// Command start-run is the StartRun Lambda of the ETL workflow.
package main

import (
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/sfnkit/sfnkit/lambdas/awsenv"
	"github.com/sfnkit/sfnkit/lambdas/etlrun"
)

func main() {
	env, err := etlrun.EnvFrom(os.Getenv)
	if err != nil {
		log.Fatal(err)
	}
	h, err := etlrun.New(env, etlrun.Clients{DynamoDB: dynamodb.NewFromConfig(awsenv.Config())})
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(h.Handle)
}
