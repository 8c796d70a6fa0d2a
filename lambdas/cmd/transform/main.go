// Command transform is the Transform Lambda of the ETL workflow's
// Distributed Map: one batch of raw objects per invocation.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sfnkit/sfnkit/lambdas/awsenv"
	"github.com/sfnkit/sfnkit/lambdas/objectstore"
	"github.com/sfnkit/sfnkit/lambdas/transform"
	"github.com/sfnkit/sfnkit/workflows/etl/contract"
)

func main() {
	client := s3.NewFromConfig(awsenv.Config())
	t := &transform.Transformer{
		Schema:     contract.Sales,
		Raw:        &objectstore.S3{Client: client, Bucket: awsenv.Require("RAW_BUCKET")},
		Curated:    &objectstore.S3{Client: client, Bucket: awsenv.Require("CURATED_BUCKET")},
		Quarantine: &objectstore.S3{Client: client, Bucket: awsenv.Require("QUARANTINE_BUCKET")},
	}
	lambda.Start(t.Handle)
}
