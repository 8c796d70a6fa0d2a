package orderfulfillment_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/cdkapp"
	"github.com/sfnkit/sfnkit/constructs/gofunction"
	"github.com/sfnkit/sfnkit/constructs/orderfulfillment"
	"github.com/sfnkit/sfnkit/constructs/statemachine"
)

// panicMessage runs f and returns what it panicked with, or "".
func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

func TestInvalidPropsStopSynthWithTheirNameValueAndFix(t *testing.T) {
	tests := []struct {
		name  string
		build func(stack awscdk.Stack)
		want  []string
	}{
		{"negative approval threshold", func(s awscdk.Stack) {
			orderfulfillment.New(s, "Orders", &orderfulfillment.Props{SimulatedProviders: true, ApprovalThresholdCents: -5})
		}, []string{"Props.ApprovalThresholdCents is -5", "must be 0"}},
		{"heartbeat not shorter than timeout", func(s awscdk.Stack) {
			orderfulfillment.New(s, "Orders", &orderfulfillment.Props{SimulatedProviders: true, ApprovalTimeout: time.Hour, ApprovalHeartbeat: 2 * time.Hour})
		}, []string{"Props.ApprovalHeartbeat is 2h0m0s", "shorter than the timeout"}},
		{"payment provider left to the simulator unasked", func(s awscdk.Stack) {
			orderfulfillment.New(s, "Orders", &orderfulfillment.Props{})
		}, []string{"Props.Handlers.ProcessPayment is not set and SimulatedProviders is false", "pass your function"}},
		{"handler path that does not exist", func(s awscdk.Stack) {
			gofunction.New(s, "Fn", &gofunction.Props{Entry: "./lambdas/cmd/no-such-handler"})
		}, []string{`Props.Entry "./lambdas/cmd/no-such-handler"`, "is not a Go package", "point it at"}},
		{"handler that is not a main package", func(s awscdk.Stack) {
			gofunction.New(s, "Fn", &gofunction.Props{Entry: "./lambdas/orders"})
		}, []string{`Props.Entry "./lambdas/orders"`, "is package orders, not a main package"}},
		{"memory out of Lambda's range", func(s awscdk.Stack) {
			gofunction.New(s, "Fn", &gofunction.Props{Entry: "./lambdas/cmd/ship-order", MemoryMiB: 64})
		}, []string{"Props.MemoryMiB is 64", "128 to 10240"}},
		{"timeout out of Lambda's range", func(s awscdk.Stack) {
			gofunction.New(s, "Fn", &gofunction.Props{Entry: "./lambdas/cmd/ship-order", Timeout: time.Hour})
		}, []string{"Props.Timeout is 1h0m0s", "1s to 15m"}},
		{"task timeout shorter than its function's", func(s awscdk.Stack) {
			fn := gofunction.New(s, "Fn", &gofunction.Props{Entry: "./lambdas/cmd/ship-order", Timeout: 30 * time.Second})
			statemachine.NewLambdaTask(s, "Ship", &statemachine.LambdaTaskProps{Function: fn.Function, Timeout: 10 * time.Second})
		}, []string{`LambdaTaskProps.Timeout of task "Ship" is 10s`, "set at least 30s"}},
		{"task payload that CDK would render as string Parameters", func(s awscdk.Stack) {
			fn := gofunction.New(s, "Fn", &gofunction.Props{Entry: "./lambdas/cmd/ship-order"})
			statemachine.NewLambdaTask(s, "Ship", &statemachine.LambdaTaskProps{Function: fn.Function, Payload: awsstepfunctions.TaskInput_FromJsonPathAt(jsii.String("$.order"))})
		}, []string{`LambdaTaskProps.Payload of task "Ship"`, "set InputPath"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := cdkapp.New(nil)
			stack := awscdk.NewStack(app, jsii.String("Invalid"), nil)
			msg := panicMessage(func() { tt.build(stack) })
			if msg == "" {
				t.Fatal("the invalid props were accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
		})
	}
}

func TestSynthRefusesATaskWithoutCatch(t *testing.T) {
	// GIVEN a state machine whose only Lambda task has no Catch
	app := cdkapp.New(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack := awscdk.NewStack(app, jsii.String("Uncaught"), nil)
	fn := gofunction.New(stack, "Fn", &gofunction.Props{Entry: "./lambdas/cmd/ship-order"})
	task := statemachine.NewLambdaTask(stack, "Ship", &statemachine.LambdaTaskProps{Function: fn.Function})
	statemachine.New(stack, "Machine", &statemachine.Props{Definition: task})

	// WHEN it is synthesized THEN synthesis fails naming the state
	msg := panicMessage(func() { app.Synth(nil) })
	if !strings.Contains(msg, `Task state "Ship" has no Catch`) {
		t.Errorf("synth error = %q, want it to name the uncaught task", msg)
	}
}
