// Package gofunction is a Lambda function whose code is a Go main package,
// compiled by the local Go toolchain at synth time into a reproducible asset.
//
// It builds with nothing but the Go toolchain (no Docker, no bundling
// image), and a function built this way is secure by default: ARM64 on
// provided.al2023, X-Ray active tracing, JSON logs into its own encrypted log
// group with finite retention, environment encrypted with a customer key, and
// a role of its own that can write only to that log group until its user
// grants it more. No AWS managed policy is attached.
package gofunction

import (
	"sort"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/encrypted"
	"github.com/sfnkit/sfnkit/constructs/nag"
	"github.com/sfnkit/sfnkit/internal/gobuild"
)

// Function is a Lambda function of a workflow and what was created for it:
// a Go function built by New, or an existing function taken by Use.
type Function struct {
	constructs.Construct

	// Function is the Lambda function (construct id "Resource" when New
	// built it).
	Function awslambda.IFunction
	// Role is the function's own execution role; nil for an existing
	// function, whose permissions are its owner's to manage.
	Role awsiam.IRole
	// LogGroup receives the function's logs; nil for an existing function.
	LogGroup awslogs.ILogGroup
	// Key encrypts the environment and the log group; nil for an existing
	// function.
	Key awskms.IKey
	// Timeout is the function's timeout, for callers that must wait at
	// least as long (a Step Functions task, a queue's visibility timeout).
	Timeout time.Duration
	// Package is the handler's resolved main package; zero for an existing
	// function.
	Package gobuild.Package
}

// New compiles props.Entry and defines the function. Invalid props, or a
// handler that does not resolve or compile, panic with a message naming the
// prop, the value and the fix; the app turns that into a failed synth.
func New(scope constructs.Construct, id string, props *Props) *Function {
	if err := props.Validate(); err != nil {
		panic(err)
	}
	p := props.withDefaults()
	pkg, err := gobuild.Resolve(p.Entry)
	if err != nil {
		panic(err)
	}
	assetDir, err := gobuild.Build(pkg)
	if err != nil {
		panic(err)
	}

	this := constructs.NewConstruct(scope, jsii.String(id))
	f := &Function{Construct: this, Timeout: p.Timeout, Package: pkg, Key: p.Key}
	if f.Key == nil {
		f.Key = encrypted.NewKey(this, "Key", &encrypted.KeyProps{RemovalPolicy: p.RemovalPolicy})
	}
	f.LogGroup = encrypted.NewLogGroup(this, "LogGroup", &encrypted.LogGroupProps{
		Key: f.Key, Retention: p.LogRetention, RemovalPolicy: p.RemovalPolicy,
	})
	role := awsiam.NewRole(this, jsii.String("Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String("Execution role of " + p.Description),
	})
	f.Role = role
	f.LogGroup.GrantWrite(role)

	var reserved *float64
	if p.ReservedConcurrency > 0 {
		reserved = jsii.Number(p.ReservedConcurrency)
	}
	function := awslambda.NewFunction(this, jsii.String("Resource"), &awslambda.FunctionProps{
		Code:                         awslambda.Code_FromAsset(jsii.String(assetDir), nil),
		Handler:                      jsii.String("bootstrap"),
		Runtime:                      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:                 awslambda.Architecture_ARM_64(),
		MemorySize:                   jsii.Number(p.MemoryMiB),
		Timeout:                      awscdk.Duration_Seconds(jsii.Number(p.Timeout.Seconds())),
		Description:                  jsii.String(p.Description),
		Environment:                  environment(p.Environment),
		EnvironmentEncryption:        f.Key,
		Role:                         role,
		LogGroup:                     f.LogGroup,
		LoggingFormat:                awslambda.LoggingFormat_JSON,
		ApplicationLogLevelV2:        awslambda.ApplicationLogLevel_INFO,
		SystemLogLevelV2:             awslambda.SystemLogLevel_WARN,
		Tracing:                      awslambda.Tracing_ACTIVE,
		ReservedConcurrentExecutions: reserved,
	})
	// The template names the handler's package, so `sfnkit serve` can build
	// the same code for this machine and run it through the Lambda Runtime
	// API (the asset is an arm64 binary).
	function.Node().DefaultChild().(awslambda.CfnFunction).AddMetadata(jsii.String(gobuild.PackageMetadataKey), pkg.ImportPath)
	f.Function = function
	nag.NewUnscoped(f.Role).Allow("Active tracing: X-Ray supports no resource-level permissions.",
		"xray:PutTraceSegments", "xray:PutTelemetryRecords")
	nag.Suppress(function, "Serverless-LambdaDLQ",
		"The function is invoked synchronously (a Step Functions task or an API Gateway proxy); a dead-letter queue only receives failed asynchronous invocations. Failures reach the caller's Retry and Catch.")
	return f
}

// Built reports whether New built f, so it has a role of its own for the
// workflow to grant to. An existing function (Use) is granted nothing: its
// permissions are its owner's.
func (f *Function) Built() bool { return f.Role != nil }

// FunctionArn is the function's ARN.
func (f *Function) FunctionArn() *string { return f.Function.FunctionArn() }

// GrantInvoke lets grantee invoke the function, and only this function.
func (f *Function) GrantInvoke(grantee awsiam.IGrantable) awsiam.Grant {
	return f.Function.GrantInvoke(grantee)
}

// GrantPrincipal is the function's role, so a Function can be passed where
// Go code takes an awsiam.IGrantable. Grants to an existing function whose
// role is not in this app add nothing: CDK warns, and its owner grants.
func (f *Function) GrantPrincipal() awsiam.IPrincipal { return f.Function.GrantPrincipal() }

// AddToRolePolicy adds a statement to the function's role.
func (f *Function) AddToRolePolicy(statement awsiam.PolicyStatement) {
	f.Function.AddToRolePolicy(statement)
}

// environment converts to jsii's map, in a stable key order.
func environment(env map[string]string) *map[string]*string {
	if len(env) == 0 {
		return nil
	}
	names := make([]string, 0, len(env))
	for name := range env {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make(map[string]*string, len(env))
	for _, name := range names {
		out[name] = jsii.String(env[name])
	}
	return &out
}
