package gofunction_test

import (
	"fmt"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/gofunction"
)

// A Go main package of your module becomes a Lambda function, compiled at
// synth time for arm64.
func ExampleNew() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Handlers"), nil)
	fn := gofunction.New(stack, "Enrich", &gofunction.Props{
		Entry:       "./cmd/enrich",
		Timeout:     30 * time.Second,
		Environment: map[string]string{"TABLE": "customers"},
	})
	_ = fn.Function // the awslambda.IFunction, for tasks, grants and triggers
}

// A workflow step takes a Go main package, or a function that already
// exists; a Handler that names an existing function says its timeout, so
// the step's task waits long enough.
func ExampleHandler_Validate() {
	fmt.Println(gofunction.Handler{Entry: "./cmd/charge"}.Validate("Props.Handlers.ProcessPayment"))
	var existing awslambda.IFunction = struct{ awslambda.IFunction }{} // awslambda.Function_FromFunctionArn(...)
	fmt.Println(gofunction.Handler{Function: existing}.Validate("Props.Handlers.ShipOrder"))
	// Output:
	// <nil>
	// Props.Handlers.ShipOrder.Timeout is 0s; with an existing Function set it to that function's timeout (whole seconds from 1s to 15m), so its task waits long enough
}
