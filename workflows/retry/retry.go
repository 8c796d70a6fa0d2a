// Package retry holds the project's retry policies for Step Functions
// states, so every workflow retries the same errors the same way.
package retry

import (
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/jsii-runtime-go"
)

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

// Standard returns the standard retry policy for the given errors.
func Standard(errors ...string) *awsstepfunctions.RetryProps {
	return policy(errors, Interval, MaxAttempts, MaxDelay)
}

// Compensation returns the compensation policy for the given errors.
func Compensation(errors ...string) *awsstepfunctions.RetryProps {
	return policy(errors, CompensationInterval, CompensationMaxAttempts, CompensationMaxDelay)
}

// Never returns a retrier that does not retry the given errors. Placed
// before a catch-all retrier, it keeps errors that no retry can fix (bad
// input) from being retried by it.
func Never(errors ...string) *awsstepfunctions.RetryProps {
	return &awsstepfunctions.RetryProps{Errors: jsii.Strings(errors...), MaxAttempts: jsii.Number(0)}
}

func policy(errors []string, interval time.Duration, attempts int, maxDelay time.Duration) *awsstepfunctions.RetryProps {
	return &awsstepfunctions.RetryProps{
		Errors:         jsii.Strings(errors...),
		Interval:       awscdk.Duration_Seconds(jsii.Number(interval.Seconds())),
		MaxAttempts:    jsii.Number(attempts),
		BackoffRate:    jsii.Number(BackoffRate),
		MaxDelay:       awscdk.Duration_Seconds(jsii.Number(maxDelay.Seconds())),
		JitterStrategy: awsstepfunctions.JitterType_FULL,
	}
}
