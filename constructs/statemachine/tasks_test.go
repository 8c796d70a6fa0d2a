package statemachine

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/jsii-runtime-go"
)

// The tests in this file call into jsii (TestMain of statemachine_test
// starts and stops the kernel) but synthesize nothing.

func nodeFunction(scope awscdk.Stack, id string, timeout awscdk.Duration) awslambda.Function {
	return awslambda.NewFunction(scope, jsii.String(id), &awslambda.FunctionProps{
		Runtime: awslambda.Runtime_NODEJS_22_X(),
		Handler: jsii.String("index.handler"),
		Code:    awslambda.Code_FromInline(jsii.String("exports.handler = async (e) => e;")),
		Timeout: timeout,
	})
}

func TestFunctionTimeout(t *testing.T) {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Functions"), nil)
	seconds := awscdk.NewCfnParameter(stack, jsii.String("TimeoutSeconds"), &awscdk.CfnParameterProps{Type: jsii.String("Number")})
	tests := []struct {
		name    string
		fn      awslambda.IFunction
		want    time.Duration
		unknown string
	}{
		{"a function of this app", nodeFunction(stack, "Two", awscdk.Duration_Minutes(jsii.Number(2))), 2 * time.Minute, ""},
		{"one without a timeout has Lambda's default", nodeFunction(stack, "Default", nil), 3 * time.Second, ""},
		{"an imported function", awslambda.Function_FromFunctionArn(stack, jsii.String("Imported"),
			jsii.String("arn:aws:lambda:eu-west-1:123456789012:function:enrich")), 0, "not a function defined in this app"},
		{"a timeout from a parameter", nodeFunction(stack, "Token", awscdk.Duration_Seconds(seconds.ValueAsNumber())), 0, "its timeout is a token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, unknown := functionTimeout(tt.fn)
			if got != tt.want || !strings.Contains(unknown, tt.unknown) || (tt.unknown == "") != (unknown == "") {
				t.Errorf("functionTimeout() = %v, %q; want %v, %q", got, unknown, tt.want, tt.unknown)
			}
		})
	}
}

func TestNewLambdaTaskNeedsATimeoutForAnImportedFunction(t *testing.T) {
	// GIVEN an imported function, whose timeout synthesis cannot know
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Imported"), nil)
	fn := awslambda.Function_FromFunctionArn(stack, jsii.String("Enrich"), jsii.String("arn:aws:lambda:eu-west-1:123456789012:function:enrich"))

	// WHEN a task invokes it without a Timeout
	var msg string
	func() {
		defer func() { msg = fmt.Sprint(recover()) }()
		NewLambdaTask(stack, "Enrich", &LambdaTaskProps{Function: fn})
	}()

	// THEN the task is refused, naming the task, the prop and the fix
	want := `statemachine: LambdaTaskProps.Timeout of task "Enrich" is 0 and its function's timeout cannot be read`
	if !strings.HasPrefix(msg, want) || !strings.HasSuffix(msg, "set FunctionTimeout to the function's timeout (or Timeout to at least that)") {
		t.Errorf("panic = %q, want %q ... set Timeout", msg, want)
	}
}

func TestNewLambdaTaskWaitsForAnImportedFunctionsGivenTimeout(t *testing.T) {
	// GIVEN an imported function and its timeout, as its owner declares it
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("ImportedWithTimeout"), nil)
	fn := awslambda.Function_FromFunctionArn(stack, jsii.String("PayFunction"), jsii.String("arn:aws:lambda:eu-west-1:123456789012:function:pay"))

	// WHEN a task invokes it with FunctionTimeout
	task := NewLambdaTask(stack, "Pay", &LambdaTaskProps{Function: fn, FunctionTimeout: 30 * time.Second})

	// THEN the task waits the function's timeout plus the margin
	state, _ := stack.Resolve(task.ToStateJson(awsstepfunctions.QueryLanguage_JSON_PATH)).(map[string]interface{})
	if got := state["TimeoutSeconds"]; got != float64(35) {
		t.Errorf("TimeoutSeconds = %v, want 35", got)
	}
	// AND a shorter explicit task timeout is refused against it
	err := (&LambdaTaskProps{Function: fn, FunctionTimeout: 30 * time.Second, Timeout: 10 * time.Second}).Validate("Pay")
	if err == nil || !strings.Contains(err.Error(), "shorter than its function's timeout 30s") {
		t.Errorf("Validate() = %v, want the task refused as shorter than the function", err)
	}
}
