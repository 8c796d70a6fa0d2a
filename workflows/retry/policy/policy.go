// Package policy holds the values of the project's retry policies, without
// CDK: package retry renders them as CDK retry props for the state graphs,
// and tests of synthesized templates compare against them without linking
// the CDK bindings.
package policy

import "time"

// LambdaServiceErrors are the transient errors of invoking a Lambda function
// that AWS recommends every Lambda task retries.
var LambdaServiceErrors = []string{
	"Lambda.ServiceException",
	"Lambda.AWSLambdaException",
	"Lambda.SdkClientException",
	"Lambda.TooManyRequestsException",
}

// The standard policy: 1 s, then doubling, each wait capped at MaxDelay and
// drawn with full jitter so that executions failing together do not retry
// in step.
const (
	Interval    = time.Second
	MaxAttempts = 3
	BackoffRate = 2
	MaxDelay    = 10 * time.Second
)

// The compensation policy: compensations must eventually succeed, so they
// retry for hours (bounded by the execution timeout) before giving up.
const (
	CompensationInterval    = 5 * time.Second
	CompensationMaxAttempts = 100
	CompensationMaxDelay    = 5 * time.Minute
)
