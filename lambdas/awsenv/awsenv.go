// Package awsenv reads what a handler's main needs from the Lambda
// environment: the AWS SDK configuration and required variables. A missing
// variable stops the function at start-up, where it shows in the first
// invocation's error, instead of surfacing as a confusing call to "".
package awsenv

import (
	"context"
	"log"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// Config loads the SDK configuration the Lambda runtime provides.
func Config() aws.Config {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatalf("loading AWS configuration: %v", err)
	}
	return cfg
}

// Require returns the value of the environment variable name, and stops
// the process if it is unset or empty.
func Require(name string) string {
	v := os.Getenv(name)
	if v == "" {
		log.Fatalf("environment variable %s is not set; the function's construct sets it", name)
	}
	return v
}

// RequireDuration returns the environment variable name parsed as a Go
// duration ("7h0m0s"), and stops the process if it is unset or invalid.
func RequireDuration(name string) time.Duration {
	d, err := time.ParseDuration(Require(name))
	if err != nil {
		log.Fatalf("environment variable %s: %v", name, err)
	}
	return d
}

// RequireInt returns the environment variable name as a positive integer,
// and stops the process if it is unset or not one.
func RequireInt(name string) int64 {
	n, err := strconv.ParseInt(Require(name), 10, 64)
	if err != nil || n <= 0 {
		log.Fatalf("environment variable %s must be a positive integer", name)
	}
	return n
}
