// Command quality-gate is the QualityGate Lambda of the ETL workflow.
package main

import (
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sfnkit/sfnkit/lambdas/awsenv"
	"github.com/sfnkit/sfnkit/lambdas/objectstore"
	"github.com/sfnkit/sfnkit/lambdas/qualitygate"
)

func main() {
	env, err := qualitygate.EnvFrom(os.Getenv)
	if err != nil {
		log.Fatal(err)
	}
	h, err := qualitygate.New(env, qualitygate.Clients{S3: objectstore.S3Buckets(s3.NewFromConfig(awsenv.Config()))})
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(h.Handle)
}
