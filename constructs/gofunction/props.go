package gofunction

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"

	"github.com/sfnkit/sfnkit/internal/gobuild"
)

// Defaults and Lambda's limits.
const (
	DefaultMemoryMiB = 256
	DefaultTimeout   = 10 * time.Second
	MinMemoryMiB     = 128
	MaxMemoryMiB     = 10240
	MaxTimeout       = 15 * time.Minute
	maxEnvBytes      = 4096
)

// Props configures a Go Lambda function.
type Props struct {
	// Entry is the handler's main package: a directory relative to your
	// app's Go module root ("./cmd/ship-order"), or an import path in your
	// module or in a module it requires
	// ("github.com/sfnkit/sfnkit/lambdas/cmd/ship-order"). A package of
	// another module builds in that module's directory with its own go.sum,
	// so your go.sum need not list the handler's dependencies. Builds go
	// to .build/ under your module root, which ignores itself in git.
	// Required.
	Entry string

	// MemoryMiB is the memory size. If zero, DefaultMemoryMiB (256), which
	// also buys a proportional share of CPU. Lambda allows 128 to 10240.
	MemoryMiB int

	// Timeout is how long one invocation may run. If zero, DefaultTimeout
	// (10 seconds). Lambda allows 1 second to 15 minutes.
	Timeout time.Duration

	// Environment holds the handler's environment variables, encrypted at
	// rest with Key. If nil, none. Lambda's reserved names are refused.
	Environment map[string]string

	// Description appears in the Lambda console. If empty, the Entry.
	Description string

	// Key encrypts the environment variables and the log group. If nil, the
	// function creates its own key; pass the workflow's key to share one.
	Key awskms.IKey

	// LogRetention is how long the function's logs are kept. If empty,
	// three months.
	LogRetention awslogs.RetentionDays

	// ReservedConcurrency caps concurrent executions. If zero, unreserved.
	ReservedConcurrency int

	// RemovalPolicy applies to the log group (and a key the function made)
	// when they leave the stack. If empty, RETAIN.
	RemovalPolicy awscdk.RemovalPolicy
}

var envNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// reservedEnv are variables the Lambda runtime sets itself.
var reservedEnv = map[string]bool{
	"_HANDLER": true, "_X_AMZN_TRACE_ID": true, "AWS_DEFAULT_REGION": true, "AWS_REGION": true,
	"AWS_EXECUTION_ENV": true, "AWS_LAMBDA_FUNCTION_NAME": true, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": true,
	"AWS_LAMBDA_FUNCTION_VERSION": true, "AWS_LAMBDA_INITIALIZATION_TYPE": true, "AWS_LAMBDA_LOG_GROUP_NAME": true,
	"AWS_LAMBDA_LOG_STREAM_NAME": true, "AWS_ACCESS_KEY": true, "AWS_ACCESS_KEY_ID": true,
	"AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true, "AWS_LAMBDA_RUNTIME_API": true,
	"LAMBDA_TASK_ROOT": true, "LAMBDA_RUNTIME_DIR": true,
}

// Validate reports the first prop that Lambda would refuse, naming the
// prop, the value received and the fix. It does not look at Entry beyond
// emptiness; New resolves and builds it.
func (p *Props) Validate() error {
	if p == nil {
		return fmt.Errorf("gofunction: Props is nil: pass &gofunction.Props{Entry: \"./cmd/<handler>\"}")
	}
	if strings.TrimSpace(p.Entry) == "" {
		return &gobuild.BuildError{Entry: p.Entry, Reason: "is empty: set it to the handler's main package, e.g. \"./cmd/process-payment\""}
	}
	if p.MemoryMiB != 0 && (p.MemoryMiB < MinMemoryMiB || p.MemoryMiB > MaxMemoryMiB) {
		return fmt.Errorf("gofunction: Props.MemoryMiB is %d; Lambda allows %d to %d MiB: set a value in that range or 0 for the default %d",
			p.MemoryMiB, MinMemoryMiB, MaxMemoryMiB, DefaultMemoryMiB)
	}
	if p.Timeout != 0 && (p.Timeout < time.Second || p.Timeout > MaxTimeout || p.Timeout%time.Second != 0) {
		return fmt.Errorf("gofunction: Props.Timeout is %v; Lambda allows whole seconds from 1s to 15m: set a value in that range or 0 for the default %v",
			p.Timeout, DefaultTimeout)
	}
	if p.ReservedConcurrency < 0 {
		return fmt.Errorf("gofunction: Props.ReservedConcurrency is %d; it must be positive, or 0 to leave concurrency unreserved", p.ReservedConcurrency)
	}
	size := 0
	for name, value := range p.Environment {
		if !envNamePattern.MatchString(name) {
			return fmt.Errorf("gofunction: Props.Environment has the name %q; names start with a letter and hold only letters, digits and '_'", name)
		}
		if reservedEnv[name] {
			return fmt.Errorf("gofunction: Props.Environment sets %s, which the Lambda runtime reserves: choose another name", name)
		}
		size += len(name) + len(value)
	}
	if size > maxEnvBytes {
		return fmt.Errorf("gofunction: Props.Environment totals %d bytes; Lambda allows %d: move large values to SSM Parameter Store or S3", size, maxEnvBytes)
	}
	return nil
}

// withDefaults returns a copy of p with every zero field set to its default.
func (p *Props) withDefaults() Props {
	out := *p
	if out.MemoryMiB == 0 {
		out.MemoryMiB = DefaultMemoryMiB
	}
	if out.Timeout == 0 {
		out.Timeout = DefaultTimeout
	}
	if out.Description == "" {
		out.Description = "Go handler " + out.Entry
	}
	if out.RemovalPolicy == "" {
		out.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	return out
}
