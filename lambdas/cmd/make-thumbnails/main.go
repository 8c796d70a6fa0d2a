// Command make-thumbnails is the Thumbnails Lambda of the image workflow.
package main

import (
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sfnkit/sfnkit/lambdas/awsenv"
	"github.com/sfnkit/sfnkit/lambdas/objectstore"
	"github.com/sfnkit/sfnkit/lambdas/thumbnail"
)

func main() {
	env, err := thumbnail.EnvFrom(os.Getenv)
	if err != nil {
		log.Fatal(err)
	}
	h, err := thumbnail.New(env, thumbnail.Clients{S3: objectstore.S3Buckets(s3.NewFromConfig(awsenv.Config()))})
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(h.Handle)
}
