package statemachine_test

import (
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/statemachine"
)

// A Lambda task with the project's retries and timeout, caught, in a
// state machine with logs, tracing, a customer-managed key, a timeout and
// alarms.
func ExampleNew() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Workflow"), nil)
	enrich := awslambda.Function_FromFunctionArn(stack, jsii.String("EnrichFunction"),
		jsii.String("arn:aws:lambda:eu-west-1:123456789012:function:enrich"))
	task := statemachine.NewLambdaTask(stack, "Enrich", &statemachine.LambdaTaskProps{
		Function: enrich, FunctionTimeout: 30 * time.Second, ResultPath: "$.customer",
	})
	task.AddCatch(awsstepfunctions.NewFail(stack, jsii.String("EnrichFailed"), nil), nil)
	statemachine.New(stack, "StateMachine", &statemachine.Props{
		Definition: task,
		Timeout:    10 * time.Minute,
		AlarmThresholds: statemachine.AlarmThresholds{
			Failed: statemachine.Threshold{Count: 5, EvaluationPeriods: 2},
		},
	})
}
