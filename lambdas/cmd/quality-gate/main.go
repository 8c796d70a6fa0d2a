// Command quality-gate is the QualityGate Lambda of the ETL workflow.
package main

import (
	"fmt"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sfnkit/sfnkit/lambdas/awsenv"
	"github.com/sfnkit/sfnkit/lambdas/objectstore"
	"github.com/sfnkit/sfnkit/lambdas/qualitygate"
)

func main() {
	client, work := s3.NewFromConfig(awsenv.Config()), awsenv.Require("WORK_BUCKET")
	g := &qualitygate.Gate{Stores: func(bucket string) (objectstore.Reader, error) {
		if bucket != work {
			return nil, fmt.Errorf("bucket %q is not the workflow's work bucket", bucket)
		}
		return &objectstore.S3{Client: client, Bucket: bucket}, nil
	}}
	lambda.Start(g.Handle)
}
