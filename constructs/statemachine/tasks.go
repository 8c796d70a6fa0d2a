package statemachine

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctionstasks"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/workflows/retry"
)

// taskTimeoutMargin is added to a function's timeout for the task's, so the
// function's own timeout (reported as Sandbox.Timedout) fires first.
const taskTimeoutMargin = 5 * time.Second

// lambdaDefaultTimeout is Lambda's timeout for a function that sets none.
const lambdaDefaultTimeout = 3 * time.Second

// LambdaTaskProps configures NewLambdaTask.
type LambdaTaskProps struct {
	// Function is the function to invoke: one defined in this app (a Go
	// function's .Function, an awslambda.Function in any language) or an
	// imported one (awslambda.Function_FromFunctionArn). Required.
	Function awslambda.IFunction
	// Payload is the event sent to the function, an object built from the
	// state's input (TaskInput_FromObject). If nil, the input (after
	// InputPath) itself. Text and bare paths are refused: CDK renders them
	// as invalid string Parameters for this integration.
	Payload awsstepfunctions.TaskInput
	// InputPath selects the part of the state's input the task sees. If
	// empty, all of it.
	InputPath string
	// ResultPath is where the function's result goes in the state's output.
	// If empty, "$": the result replaces the input.
	ResultPath string
	// Timeout is the task's timeout; a value shorter than the function's
	// timeout is refused. If zero, the function's timeout plus five
	// seconds, which needs a function defined in this app with a concrete
	// timeout (Lambda's three seconds if it sets none): for an imported
	// function, or a timeout that is a token, Timeout is required.
	Timeout time.Duration
	// FunctionTimeout is the function's own timeout, for a function whose
	// timeout cannot be read (imported, or a token); the default task
	// timeout is then FunctionTimeout plus five seconds. If zero, read from
	// the function.
	FunctionTimeout time.Duration
	// Comment documents the state. If empty, none.
	Comment string
	// RetryPolicy makes the retrier of retry.LambdaServiceErrors. If nil,
	// retry.Standard; compensations pass retry.Compensation.
	RetryPolicy func(errors ...string) *awsstepfunctions.RetryProps
	// QueryLanguage is the state's own query language.
	// awsstepfunctions.QueryLanguage_JSONATA makes a JSONata state, in a
	// JSONPath machine too: Payload's strings in {% %} are JSONata over
	// $states.input, Output shapes the state's output (and a catcher's
	// Outputs its error output), and InputPath and ResultPath, which are
	// JSONPath fields, must be empty. A JSONata state can build its output
	// from its input and its result together, which JSONPath's ResultPath
	// cannot: to drop a secret the function needed, for one. If empty, the
	// state is JSONPath and names no QueryLanguage.
	QueryLanguage awsstepfunctions.QueryLanguage
	// Output is a JSONata state's output: any JSON value, whose strings in
	// {% %} are evaluated with $states.input (the state's input) and
	// $states.result (the function's result). If nil, the function's
	// result. Only for QueryLanguage_JSONATA.
	Output any
}

// Validate reports a prop that would make the task unsafe, naming the prop,
// the value and the fix. It reads the function's timeout through jsii.
func (p *LambdaTaskProps) Validate(id string) error {
	if p == nil || p.Function == nil {
		return fmt.Errorf("statemachine: LambdaTaskProps.Function of task %q is nil: pass the awslambda.IFunction to invoke (a Go function's .Function, or awslambda.Function_FromFunctionArn)", id)
	}
	if p.FunctionTimeout < 0 || p.FunctionTimeout%time.Second != 0 {
		return fmt.Errorf("statemachine: LambdaTaskProps.FunctionTimeout of task %q is %v; set the function's timeout in whole seconds, or 0 to read it from the function", id, p.FunctionTimeout)
	}
	if err := p.checkQueryLanguage(id); err != nil {
		return err
	}
	fnTimeout, unknown := p.functionTimeout()
	return checkTaskTimeout(id, p.Timeout, fnTimeout, unknown)
}

// jsonata reports whether the task is a JSONata state.
func (p *LambdaTaskProps) jsonata() bool {
	return p.QueryLanguage == awsstepfunctions.QueryLanguage_JSONATA
}

// checkQueryLanguage holds Validate's rules on the fields of each query
// language: a JSONata state has no InputPath nor ResultPath, a JSONPath
// state no Output.
func (p *LambdaTaskProps) checkQueryLanguage(id string) error {
	switch p.QueryLanguage {
	case "", awsstepfunctions.QueryLanguage_JSON_PATH:
		if p.Output != nil {
			return fmt.Errorf("statemachine: LambdaTaskProps.Output of task %q is set but the task is a JSONPath state, which ignores it: "+
				"set QueryLanguage to awsstepfunctions.QueryLanguage_JSONATA, or place the result with ResultPath", id)
		}
	case awsstepfunctions.QueryLanguage_JSONATA:
		if p.InputPath != "" || p.ResultPath != "" {
			return fmt.Errorf("statemachine: LambdaTaskProps of JSONata task %q set InputPath %q and ResultPath %q, JSONPath fields a JSONata state does not have: "+
				"select the input in Payload with $states.input and shape the output with Output", id, p.InputPath, p.ResultPath)
		}
	default:
		return fmt.Errorf("statemachine: LambdaTaskProps.QueryLanguage of task %q is %q; use awsstepfunctions.QueryLanguage_JSONATA, QueryLanguage_JSON_PATH, or leave it empty for JSONPath",
			id, p.QueryLanguage)
	}
	return nil
}

// functionTimeout is FunctionTimeout if set, else the function's own.
func (p *LambdaTaskProps) functionTimeout() (timeout time.Duration, unknown string) {
	if p.FunctionTimeout > 0 {
		return p.FunctionTimeout, ""
	}
	return functionTimeout(p.Function)
}

// functionTimeout is fn's timeout as this app defines it. If it cannot be
// known at synth time, unknown says why (an imported function, a timeout
// that is a token) and the duration is zero. A function of this app that
// sets no timeout has Lambda's default, three seconds.
func functionTimeout(fn awslambda.IFunction) (timeout time.Duration, unknown string) {
	timed, ok := fn.(interface{ Timeout() awscdk.Duration })
	if !ok {
		return 0, "it is not a function defined in this app (imported, an alias or a version)"
	}
	d := timed.Timeout()
	if d == nil {
		return lambdaDefaultTimeout, ""
	}
	if *d.IsUnresolved() {
		return 0, "its timeout is a token, resolved only at deploy time"
	}
	ms := d.ToMilliseconds(&awscdk.TimeConversionOptions{Integral: jsii.Bool(false)})
	return time.Duration(*ms * float64(time.Millisecond)), ""
}

// checkTaskTimeout holds Validate's timeout rules: a task never gives up
// before its function, and a task whose function's timeout is unknown
// (unknown says why) names its own.
func checkTaskTimeout(id string, timeout, fnTimeout time.Duration, unknown string) error {
	if timeout < 0 || timeout%time.Second != 0 {
		return fmt.Errorf("statemachine: LambdaTaskProps.Timeout of task %q is %v; Step Functions takes whole seconds: set a positive whole number of seconds, or 0 for the default", id, timeout)
	}
	if unknown != "" {
		if timeout == 0 {
			return fmt.Errorf("statemachine: LambdaTaskProps.Timeout of task %q is 0 and its function's timeout cannot be read (%s): "+
				"set FunctionTimeout to the function's timeout (or Timeout to at least that)", id, unknown)
		}
		return nil
	}
	if timeout != 0 && timeout < fnTimeout {
		return fmt.Errorf("statemachine: LambdaTaskProps.Timeout of task %q is %v, shorter than its function's timeout %v: "+
			"the task would give up on invocations still running; set at least %v or 0 for the default",
			id, timeout, fnTimeout, fnTimeout)
	}
	return nil
}

// NewLambdaTask invokes a Lambda function with the project's defaults: the
// function's own result as the task's result (no invocation metadata), a
// timeout no shorter than the function's, and a retry of
// retry.LambdaServiceErrors (the standard policy unless RetryPolicy says).
// With QueryLanguage_JSONATA the state is a JSONata state with the same
// defaults, its Payload as Arguments and Output as its output. The Catch
// is the workflow's to add; StateMachine refuses to synthesize a Task
// without one. Invalid props panic with a message naming the task,
// the prop and the fix.
func NewLambdaTask(scope constructs.Construct, id string, props *LambdaTaskProps) awsstepfunctionstasks.LambdaInvoke {
	if err := props.Validate(id); err != nil {
		panic(err)
	}
	timeout := props.Timeout
	if timeout == 0 {
		fnTimeout, _ := props.functionTimeout()
		timeout = fnTimeout + taskTimeoutMargin
	}
	var comment *string
	if props.Comment != "" {
		comment = jsii.String(props.Comment)
	}
	var task awsstepfunctionstasks.LambdaInvoke
	if props.jsonata() {
		task = newJSONataLambdaTask(scope, id, props, timeout, comment)
	} else {
		task = newJSONPathLambdaTask(scope, id, props, timeout, comment)
	}
	policy := props.RetryPolicy
	if policy == nil {
		policy = retry.Standard
	}
	task.AddRetry(policy(retry.LambdaServiceErrors...))
	return task
}

// newJSONPathLambdaTask is NewLambdaTask's JSONPath state: the result at
// ResultPath ("$" if empty) of the input.
func newJSONPathLambdaTask(scope constructs.Construct, id string, props *LambdaTaskProps, timeout time.Duration, comment *string) awsstepfunctionstasks.LambdaInvoke {
	resultPath := props.ResultPath
	if resultPath == "" {
		resultPath = "$"
	}
	var inputPath *string
	if props.InputPath != "" {
		inputPath = jsii.String(props.InputPath)
	}
	if props.Payload != nil && props.Payload.Type() != awsstepfunctions.InputType_OBJECT {
		panic(fmt.Errorf("statemachine: LambdaTaskProps.Payload of task %q is text or a bare JSON path, which CDK renders as invalid string Parameters here; "+
			"build it with TaskInput_FromObject, or set InputPath and leave Payload nil", id))
	}
	return awsstepfunctionstasks.NewLambdaInvoke(scope, jsii.String(id), &awsstepfunctionstasks.LambdaInvokeProps{
		LambdaFunction:           props.Function,
		Payload:                  props.Payload,
		InputPath:                inputPath,
		PayloadResponseOnly:      jsii.Bool(true),
		RetryOnServiceExceptions: jsii.Bool(false), // replaced by the project's retry
		ResultPath:               jsii.String(resultPath),
		TaskTimeout:              awsstepfunctions.Timeout_Duration(awscdk.Duration_Seconds(jsii.Number(timeout.Seconds()))),
		Comment:                  comment,
	})
}

// newJSONataLambdaTask is NewLambdaTask's JSONata state: Payload as its
// Arguments and Output as its output.
func newJSONataLambdaTask(scope constructs.Construct, id string, props *LambdaTaskProps, timeout time.Duration, comment *string) awsstepfunctionstasks.LambdaInvoke {
	if props.Payload != nil && props.Payload.Type() != awsstepfunctions.InputType_OBJECT {
		expr, _ := props.Payload.Value().(string)
		if !strings.HasPrefix(expr, "{%") || !strings.HasSuffix(expr, "%}") {
			panic(fmt.Errorf("statemachine: LambdaTaskProps.Payload of JSONata task %q is text (or a JSON path), not a JSONata expression in {%% %%}; "+
				"build it with TaskInput_FromObject, its values JSONata expressions such as \"{%% $states.input.order %%}\", or TaskInput_FromText(\"{%% ... %%}\")", id))
		}
	}
	return awsstepfunctionstasks.LambdaInvoke_Jsonata(scope, jsii.String(id), &awsstepfunctionstasks.LambdaInvokeJsonataProps{
		LambdaFunction:           props.Function,
		Payload:                  props.Payload,
		PayloadResponseOnly:      jsii.Bool(true),
		RetryOnServiceExceptions: jsii.Bool(false), // replaced by the project's retry
		Outputs:                  props.Output,
		TaskTimeout:              awsstepfunctions.Timeout_Duration(awscdk.Duration_Seconds(jsii.Number(timeout.Seconds()))),
		Comment:                  comment,
	})
}

// ServiceTaskTimeout is the timeout for a direct service integration
// (DynamoDB, SNS, SQS) that answers in milliseconds.
func ServiceTaskTimeout() awsstepfunctions.Timeout {
	return awsstepfunctions.Timeout_Duration(awscdk.Duration_Seconds(jsii.Number(30)))
}
