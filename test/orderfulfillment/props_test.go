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
	workflow "github.com/sfnkit/sfnkit/workflows/orderfulfillment"
	wf "github.com/sfnkit/sfnkit/workflows/orderfulfillment/contract"
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

func TestWorkflowRefusesAPaymentThatKeepsTheToken(t *testing.T) {
	// GIVEN the workflow's tasks, ProcessPayment a JSONPath task whose
	// output would be its input (token included) plus the charge
	stack := awscdk.NewStack(cdkapp.New(nil), jsii.String("KeepsToken"), nil)
	fn := gofunction.New(stack, "Fn", &gofunction.Props{Entry: "./lambdas/cmd/ship-order"})
	task := func(name string) awsstepfunctions.TaskStateBase {
		return statemachine.NewLambdaTask(stack, name, &statemachine.LambdaTaskProps{Function: fn.Function})
	}
	tasks := workflow.Tasks{
		ValidateOrder: task(wf.StateValidateOrder), RecordOrderReceived: task(wf.StateRecordOrderReceived),
		RequestApproval: task(wf.StateRequestApproval), ReserveInventory: task(wf.StateReserveInventory),
		ShipOrder: task(wf.StateShipOrder), RecordOrderCompleted: task(wf.StateRecordOrderCompleted),
		SendConfirmation: task(wf.StateSendConfirmation), ReleaseInventory: task(wf.StateReleaseInventory),
		RefundPayment: task(wf.StateRefundPayment), RecordOrderFailed: task(wf.StateRecordOrderFailed),
		NotifyCustomerOfFailure: task(wf.StateNotifyCustomerOfFailure),
		ProcessPayment: statemachine.NewLambdaTask(stack, wf.StateProcessPayment, &statemachine.LambdaTaskProps{
			Function: fn.Function, ResultPath: wf.PathPayment,
		}),
	}

	// WHEN the workflow is built THEN it is refused, naming the prop and the fix
	msg := panicMessage(func() { workflow.Definition(stack, &workflow.Props{Tasks: tasks}) })
	for _, want := range []string{"Props.Tasks.ProcessPayment has QueryLanguage <nil>", "every later state would carry the payment token", "Output: orderfulfillment.PaymentOutput"} {
		if !strings.Contains(msg, want) {
			t.Errorf("panic %q lacks %q", msg, want)
		}
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
