// Package awsenv loads the AWS SDK configuration a handler's main needs,
// from what the Lambda runtime provides (or, in the local runtime, from
// the variables that point the SDK at the fakes). The function's own
// variables are read by its handler package's EnvFrom.
package awsenv

import (
	"context"
	"log"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// Config loads the SDK configuration, and stops the process if it cannot:
// a function without one could not call anything.
func Config() aws.Config {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatalf("loading AWS configuration: %v", err)
	}
	return cfg
}
