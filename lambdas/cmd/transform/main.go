// Command transform is the Transform Lambda of the ETL workflow's
// Distributed Map: one batch of raw objects per invocation.
package main

import (
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sfnkit/sfnkit/lambdas/awsenv"
	"github.com/sfnkit/sfnkit/lambdas/objectstore"
	"github.com/sfnkit/sfnkit/lambdas/transform"
)

func main() {
	env, err := transform.EnvFrom(os.Getenv)
	if err != nil {
		log.Fatal(err)
	}
	h, err := transform.New(env, transform.Clients{S3: objectstore.S3Buckets(s3.NewFromConfig(awsenv.Config()))})
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(h.Handle)
}
