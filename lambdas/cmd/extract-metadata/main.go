// Command extract-metadata is the ExtractMetadata Lambda of the image workflow.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sfnkit/sfnkit/lambdas/awsenv"
	"github.com/sfnkit/sfnkit/lambdas/imagemeta"
	"github.com/sfnkit/sfnkit/lambdas/objectstore"
)

func main() {
	bucket := awsenv.Require("IMAGES_BUCKET")
	x := &imagemeta.Extractor{
		Bucket:  bucket,
		Objects: &objectstore.S3{Client: s3.NewFromConfig(awsenv.Config()), Bucket: bucket},
		Limits:  imagemeta.Limits{MaxPixels: awsenv.RequireInt("MAX_PIXELS"), MaxBytes: awsenv.RequireInt("MAX_BYTES")},
	}
	lambda.Start(x.Handle)
}
