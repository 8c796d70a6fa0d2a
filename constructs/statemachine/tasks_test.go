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

	"github.com/sfnkit/sfnkit/workflows/retry"
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

func TestNewLambdaTaskJSONataShapesItsOutputWithTheProjectsDefaults(t *testing.T) {
	// GIVEN a function of this app with a 10 s timeout
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("JSONata"), nil)
	fn := nodeFunction(stack, "PayFunction", awscdk.Duration_Seconds(jsii.Number(10)))
	output := `{% $merge([$states.input, {"payment": $states.result}]) %}`

	// WHEN a JSONata task invokes it with a payload and an output
	task := NewLambdaTask(stack, "Pay", &LambdaTaskProps{
		Function:      fn,
		QueryLanguage: awsstepfunctions.QueryLanguage_JSONATA,
		Payload:       awsstepfunctions.TaskInput_FromObject(&map[string]interface{}{"orderId": "{% $states.input.order.orderId %}"}),
		Output:        output,
	})

	// THEN the state is JSONata in a JSONPath machine, invokes the function
	// itself with the payload as Arguments, and outputs Output
	state, _ := stack.Resolve(task.ToStateJson(awsstepfunctions.QueryLanguage_JSON_PATH)).(map[string]interface{})
	if state["QueryLanguage"] != "JSONata" || state["Output"] != output {
		t.Errorf("QueryLanguage = %v, Output = %v; want JSONata and %s", state["QueryLanguage"], state["Output"], output)
	}
	args, _ := state["Arguments"].(map[string]interface{})
	if args["orderId"] != "{% $states.input.order.orderId %}" || len(args) != 1 {
		t.Errorf("Arguments = %v, want the payload alone", state["Arguments"])
	}
	resource, _ := state["Resource"].(map[string]interface{})
	if _, ok := resource["Fn::GetAtt"]; !ok {
		t.Errorf("Resource = %v, want the function's ARN (its result without invocation metadata)", state["Resource"])
	}
	for _, jsonPath := range []string{"Parameters", "InputPath", "ResultPath", "ResultSelector", "OutputPath"} {
		if v, ok := state[jsonPath]; ok {
			t.Errorf("%s = %v in a JSONata state", jsonPath, v)
		}
	}
	// AND it keeps the project's timeout and Lambda service-error retry
	if got := state["TimeoutSeconds"]; got != float64(15) {
		t.Errorf("TimeoutSeconds = %v, want the function's 10 plus 5", got)
	}
	retries, _ := state["Retry"].([]interface{})
	if len(retries) != 1 {
		t.Fatalf("Retry = %v, want the Lambda service-error retrier alone", state["Retry"])
	}
	r, _ := retries[0].(map[string]interface{})
	if fmt.Sprint(r["ErrorEquals"]) != fmt.Sprint(retry.LambdaServiceErrors) || r["JitterStrategy"] != "FULL" || r["MaxDelaySeconds"] != retry.MaxDelay.Seconds() {
		t.Errorf("Retry[0] = %v, want retry.Standard of %v", r, retry.LambdaServiceErrors)
	}
}

func TestLambdaTaskPropsRefuseFieldsOfTheOtherQueryLanguage(t *testing.T) {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Languages"), nil)
	fn := nodeFunction(stack, "Fn", nil)
	tests := []struct {
		name  string
		props LambdaTaskProps
		want  string
	}{
		{"a JSONata task with ResultPath", LambdaTaskProps{Function: fn, QueryLanguage: awsstepfunctions.QueryLanguage_JSONATA, ResultPath: "$.payment"},
			`JSONata task "T" set InputPath "" and ResultPath "$.payment"`},
		{"a JSONata task with InputPath", LambdaTaskProps{Function: fn, QueryLanguage: awsstepfunctions.QueryLanguage_JSONATA, InputPath: "$.order"},
			"shape the output with Output"},
		{"a JSONPath task with Output", LambdaTaskProps{Function: fn, Output: "{% $states.result %}"},
			`LambdaTaskProps.Output of task "T" is set but the task is a JSONPath state`},
		{"an unknown language", LambdaTaskProps{Function: fn, QueryLanguage: "JSONPointer"},
			`LambdaTaskProps.QueryLanguage of task "T" is "JSONPointer"`},
		{"a JSONata task", LambdaTaskProps{Function: fn, QueryLanguage: awsstepfunctions.QueryLanguage_JSONATA, Output: "{% $states.result %}"}, ""},
		{"a JSONPath task", LambdaTaskProps{Function: fn, QueryLanguage: awsstepfunctions.QueryLanguage_JSON_PATH, ResultPath: "$.r"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.props.Validate("T")
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("Validate() = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestNewLambdaTaskJSONataRefusesAPayloadThatIsNoJSONata(t *testing.T) {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("JSONataPayload"), nil)
	var msg string
	func() {
		defer func() { msg = fmt.Sprint(recover()) }()
		NewLambdaTask(stack, "Pay", &LambdaTaskProps{
			Function: nodeFunction(stack, "Fn", nil), QueryLanguage: awsstepfunctions.QueryLanguage_JSONATA,
			Payload: awsstepfunctions.TaskInput_FromJsonPathAt(jsii.String("$.order")),
		})
	}()
	if !strings.Contains(msg, `LambdaTaskProps.Payload of JSONata task "Pay" is text (or a JSON path), not a JSONata expression in {% %}`) {
		t.Errorf("panic = %q, want the JSON path payload refused", msg)
	}
}
