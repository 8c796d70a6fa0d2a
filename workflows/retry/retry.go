// Package retry holds the project's retry policies for Step Functions
// states, so every workflow retries the same errors the same way.
package retry

import (
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/workflows/retry/policy"
)

// LambdaServiceErrors are the transient errors of invoking a Lambda
// function that AWS recommends every Lambda task retries
// (policy.LambdaServiceErrors).
var LambdaServiceErrors = policy.LambdaServiceErrors

// The standard and compensation policies' values, from package policy.
const (
	Interval                = policy.Interval
	MaxAttempts             = policy.MaxAttempts
	BackoffRate             = policy.BackoffRate
	MaxDelay                = policy.MaxDelay
	CompensationInterval    = policy.CompensationInterval
	CompensationMaxAttempts = policy.CompensationMaxAttempts
	CompensationMaxDelay    = policy.CompensationMaxDelay
)

// Standard returns the standard retry policy for the given errors.
func Standard(errors ...string) *awsstepfunctions.RetryProps {
	return props(errors, Interval, MaxAttempts, MaxDelay)
}

// Compensation returns the compensation policy for the given errors.
func Compensation(errors ...string) *awsstepfunctions.RetryProps {
	return props(errors, CompensationInterval, CompensationMaxAttempts, CompensationMaxDelay)
}

// Never returns a retrier that does not retry the given errors. Placed
// before a catch-all retrier, it keeps errors that no retry can fix (bad
// input) from being retried by it.
func Never(errors ...string) *awsstepfunctions.RetryProps {
	return &awsstepfunctions.RetryProps{Errors: jsii.Strings(errors...), MaxAttempts: jsii.Number(0)}
}

func props(errors []string, interval time.Duration, attempts int, maxDelay time.Duration) *awsstepfunctions.RetryProps {
	return &awsstepfunctions.RetryProps{
		Errors:         jsii.Strings(errors...),
		Interval:       awscdk.Duration_Seconds(jsii.Number(interval.Seconds())),
		MaxAttempts:    jsii.Number(attempts),
		BackoffRate:    jsii.Number(BackoffRate),
		MaxDelay:       awscdk.Duration_Seconds(jsii.Number(maxDelay.Seconds())),
		JitterStrategy: awsstepfunctions.JitterType_FULL,
	}
}
