// Command make-thumbnails is the Thumbnails Lambda of the image workflow.
package main

import (
	"log"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sfnkit/sfnkit/lambdas/awsenv"
	"github.com/sfnkit/sfnkit/lambdas/imagemeta"
	"github.com/sfnkit/sfnkit/lambdas/objectstore"
	"github.com/sfnkit/sfnkit/lambdas/thumbnail"
)

func main() {
	sizes, err := thumbnail.ParseSizes(awsenv.Require("THUMBNAIL_SIZES"))
	if err != nil {
		log.Fatal(err)
	}
	m := &thumbnail.Maker{
		Images: &objectstore.S3{Client: s3.NewFromConfig(awsenv.Config()), Bucket: awsenv.Require("IMAGES_BUCKET")},
		Sizes:  sizes,
		Limits: imagemeta.Limits{MaxPixels: awsenv.RequireInt("MAX_PIXELS"), MaxBytes: awsenv.RequireInt("MAX_BYTES")},
	}
	lambda.Start(m.Handle)
}
