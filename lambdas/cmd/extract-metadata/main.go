// Command extract-metadata is the ExtractMetadata Lambda of the image workflow.
package main

import (
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sfnkit/sfnkit/lambdas/awsenv"
	"github.com/sfnkit/sfnkit/lambdas/imagemeta"
	"github.com/sfnkit/sfnkit/lambdas/objectstore"
)

func main() {
	env, err := imagemeta.EnvFrom(os.Getenv)
	if err != nil {
		log.Fatal(err)
	}
	h, err := imagemeta.New(env, imagemeta.Clients{S3: objectstore.S3Buckets(s3.NewFromConfig(awsenv.Config()))})
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(h.Handle)
}
