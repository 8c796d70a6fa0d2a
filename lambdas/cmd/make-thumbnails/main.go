// Command make-thumbnails is the Thumbnails Lambda of the image workflow.
package main

import (
	"log"
	"os"
	"runtime/debug"
	"strconv"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sfnkit/sfnkit/lambdas/awsenv"
	"github.com/sfnkit/sfnkit/lambdas/objectstore"
	"github.com/sfnkit/sfnkit/lambdas/thumbnail"
)

func main() {
	// The garbage collector works harder near the function's memory rather
	// than let the heap double past it: decoding a large image leaves a lot
	// of garbage while the next allocation is still live.
	if mib, err := strconv.ParseInt(os.Getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), 10, 64); err == nil && mib > 0 {
		debug.SetMemoryLimit(mib << 20 * 9 / 10)
	}
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
