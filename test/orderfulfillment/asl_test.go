package orderfulfillment_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/internal/synthtest"
	workflow "github.com/sfnkit/sfnkit/workflows/orderfulfillment"
	wf "github.com/sfnkit/sfnkit/workflows/orderfulfillment/contract"
	"github.com/sfnkit/sfnkit/workflows/retry"
)

func TestEveryStateOfTheDesignWithItsTransitions(t *testing.T) {
	// Type and Next (or, for Choice, Default) of every state of the designed workflow.
	want := map[string][2]string{
		wf.StateValidateOrder:           {"Task", wf.StateRecordOrderReceived},
		wf.StateRecordOrderReceived:     {"Task", wf.StateNeedsApproval},
		wf.StateNeedsApproval:           {"Choice", wf.StateProcessPayment},
		wf.StateRequestApproval:         {"Task", wf.StateProcessPayment},
		wf.StateProcessPayment:          {"Task", wf.StateReserveInventory},
		wf.StateReserveInventory:        {"Task", wf.StateShipOrder},
		wf.StateShipOrder:               {"Task", wf.StateRecordOrderCompleted},
		wf.StateRecordOrderCompleted:    {"Task", wf.StateSendConfirmation},
		wf.StateSendConfirmation:        {"Task", wf.StateOrderCompleted},
		wf.StateOrderCompleted:          {"Succeed", ""},
		wf.StateReleaseInventory:        {"Task", wf.StateRefundPayment},
		wf.StateRefundPayment:           {"Task", wf.StateRecordOrderFailed},
		wf.StateRecordOrderFailed:       {"Task", wf.StateNotifyCustomerOfFailure},
		wf.StateNotifyCustomerOfFailure: {"Task", wf.StateClassifyFailure},
		wf.StateClassifyFailure:         {"Choice", wf.StateOrderFailed},
		wf.StateOrderRejected:           {"Fail", ""},
		wf.StateOrderNotApproved:        {"Fail", ""},
		wf.StatePaymentFailed:           {"Fail", ""},
		wf.StateInventoryUnavailable:    {"Fail", ""},
		wf.StateShippingFailed:          {"Fail", ""},
		wf.StateOrderFailed:             {"Fail", ""},
		wf.StateCompensationFailed:      {"Fail", ""},
	}
	if def.StartAt != wf.StateValidateOrder {
		t.Errorf("StartAt = %q, want %q", def.StartAt, wf.StateValidateOrder)
	}
	if len(def.States) != len(want) {
		t.Errorf("the definition has %d states, the design %d", len(def.States), len(want))
	}
	for name, w := range want {
		st, ok := def.States[name]
		if !ok {
			t.Errorf("state %s is missing", name)
			continue
		}
		next := st.Next
		if st.Type == "Choice" {
			next = st.Default
		}
		if st.Type != w[0] || next != w[1] {
			t.Errorf("%s: Type %s, Next/Default %q; want %s, %q", name, st.Type, next, w[0], w[1])
		}
		if st.Type == "Fail" && st.Error != name {
			t.Errorf("Fail state %s raises %q; its Error must be its name", name, st.Error)
		}
	}
}

// TestPaymentDropsThePaymentTokenOnEveryWayOut: ProcessPayment is a
// JSONata state whose Arguments alone carry the token; its output and
// every catcher's error output are the state's input without it.
func TestPaymentDropsThePaymentTokenOnEveryWayOut(t *testing.T) {
	raw := def.Raw[wf.StateProcessPayment]
	if raw["QueryLanguage"] != "JSONata" || raw["Output"] != workflow.PaymentOutput {
		t.Errorf("ProcessPayment: QueryLanguage %v, Output %v; want JSONata and %s", raw["QueryLanguage"], raw["Output"], workflow.PaymentOutput)
	}
	args, _ := raw["Arguments"].(map[string]any)
	if args["token"] != "{% $states.input.order.payment.token %}" {
		t.Errorf("ProcessPayment: Arguments %v do not pass the payment token to the function", args)
	}
	catchers, _ := raw["Catch"].([]any)
	if len(catchers) != 2 {
		t.Fatalf("ProcessPayment has %d catchers, want 2 (declined, any other error)", len(catchers))
	}
	for _, c := range catchers {
		c, _ := c.(map[string]any)
		if c["Output"] != workflow.PaymentErrorOutput || c["ResultPath"] != nil {
			t.Errorf("ProcessPayment catcher %v: want Output %s and no ResultPath", c, workflow.PaymentErrorOutput)
		}
	}
	for name, st := range def.Raw {
		if name != wf.StateProcessPayment && strings.Contains(fmt.Sprint(st), "payment.token") {
			t.Errorf("state %s reads the payment token: %v", name, st)
		}
	}
}

func TestApprovalOnlyAboveThreshold(t *testing.T) {
	choices := def.States[wf.StateNeedsApproval].Choices
	if len(choices) != 1 {
		t.Fatalf("NeedsApproval has %d rules, want 1", len(choices))
	}
	c := choices[0]
	if c.Variable != wf.PathOrder+".totalCents" || c.NumericGreaterThanEquals == nil || *c.NumericGreaterThanEquals != 100000 || c.Next != wf.StateRequestApproval {
		t.Errorf("NeedsApproval rule = %+v; want totalCents >= 100000 → RequestApproval", c)
	}
}

func TestApprovalWaitsForTaskTokenWithHeartbeatShorterThanTimeout(t *testing.T) {
	st := def.States[wf.StateRequestApproval]
	if !strings.HasSuffix(st.Resource, ":states:::sqs:sendMessage.waitForTaskToken") {
		t.Errorf("Resource = %s, want the SQS .waitForTaskToken integration", st.Resource)
	}
	body, _ := st.Parameters["MessageBody"].(map[string]any)
	if body["taskToken.$"] != "$$.Task.Token" {
		t.Errorf("MessageBody does not carry the task token: %v", body)
	}
	if st.TimeoutSeconds != 24*3600 {
		t.Errorf("TimeoutSeconds = %v, want the 24 h default", st.TimeoutSeconds)
	}
	if st.HeartbeatSeconds <= 0 || st.HeartbeatSeconds >= st.TimeoutSeconds {
		t.Errorf("HeartbeatSeconds = %v must be positive and below TimeoutSeconds %v", st.HeartbeatSeconds, st.TimeoutSeconds)
	}
	assertCatches(t, wf.StateRequestApproval, wf.ErrorApprovalRejected, wf.StateRecordOrderFailed)
	assertCatches(t, wf.StateRequestApproval, wf.ErrorTimeout, wf.StateRecordOrderFailed)
	assertCatches(t, wf.StateRequestApproval, wf.ErrorHeartbeatTimeout, wf.StateRecordOrderFailed)
	if def.TimeoutSeconds <= st.TimeoutSeconds {
		t.Errorf("execution TimeoutSeconds %v must exceed the approval wait %v", def.TimeoutSeconds, st.TimeoutSeconds)
	}
}

// lambdaTasks are the Task states whose resource is a Lambda function.
func lambdaTasks(t *testing.T) map[string]synthtest.State {
	t.Helper()
	out := map[string]synthtest.State{}
	for name, st := range def.States {
		if st.Type == "Task" && strings.HasPrefix(st.Resource, "arn:aws:lambda:") {
			out[name] = st
		}
	}
	if len(out) != 6 {
		t.Fatalf("found %d Lambda tasks, want 6 (validate, pay, reserve, ship, release, refund)", len(out))
	}
	return out
}

func TestEveryLambdaTaskRetriesServiceErrorsWithJitterAndIsCaught(t *testing.T) {
	for name, st := range lambdaTasks(t) {
		if len(st.Retry) == 0 {
			t.Errorf("%s has no Retry", name)
			continue
		}
		r := st.Retry[0]
		if !reflect.DeepEqual(r.ErrorEquals, retry.LambdaServiceErrors) {
			t.Errorf("%s: first retrier matches %v, want %v", name, r.ErrorEquals, retry.LambdaServiceErrors)
		}
		if r.JitterStrategy != "FULL" || r.MaxDelaySeconds <= 0 || r.BackoffRate < 1 || r.IntervalSeconds <= 0 || r.MaxAttempts == nil || *r.MaxAttempts < 1 {
			t.Errorf("%s: retrier %+v lacks backoff, MaxDelaySeconds or full jitter", name, r)
		}
		if len(st.Catch) == 0 {
			t.Errorf("%s has no Catch", name)
		}
	}
}

func TestEveryTaskHasTimeoutAndCatch(t *testing.T) {
	for name, st := range def.States {
		if st.Type != "Task" {
			continue
		}
		if st.TimeoutSeconds <= 0 {
			t.Errorf("%s has no TimeoutSeconds", name)
		}
		if len(st.Catch) == 0 {
			t.Errorf("%s has no Catch", name)
		}
		for i, c := range st.Catch {
			for _, e := range c.ErrorEquals {
				if e == wf.ErrorAll && (i != len(st.Catch)-1 || len(c.ErrorEquals) != 1) {
					t.Errorf("%s: States.ALL must be alone in the last catcher", name)
				}
			}
		}
	}
}

func TestLambdaTaskTimeoutIsNotShorterThanItsFunction(t *testing.T) {
	functions := stack.Resources("AWS::Lambda::Function")
	for name, st := range lambdaTasks(t) {
		id := st.Resource[strings.LastIndex(st.Resource, ":")+1:]
		fn, ok := functions[id]
		if !ok {
			t.Errorf("%s invokes %s, which is not a function of the stack", name, id)
			continue
		}
		if timeout, _ := fn["Timeout"].(float64); st.TimeoutSeconds < timeout {
			t.Errorf("%s: TimeoutSeconds %v < function timeout %v", name, st.TimeoutSeconds, timeout)
		}
	}
}

func TestBusinessFailuresAreCaughtWhereTheDesignSays(t *testing.T) {
	assertCatches(t, wf.StateValidateOrder, wf.ErrorInvalidOrder, wf.StateOrderRejected)
	assertCatches(t, wf.StateProcessPayment, wf.ErrorPaymentDeclined, wf.StateRecordOrderFailed)
	assertCatches(t, wf.StateReserveInventory, wf.ErrorOutOfStock, wf.StateRefundPayment)
	assertCatches(t, wf.StateShipOrder, "ShipmentRejected", wf.StateReleaseInventory)
	assertRetries(t, wf.StateProcessPayment, wf.ErrorProviderUnavailable)
	assertRetries(t, wf.StateReserveInventory, wf.ErrorInventoryBusy)
	assertRetries(t, wf.StateShipOrder, wf.ErrorCarrierUnavailable)
}

func TestCompensationsRunInReverseOrder(t *testing.T) {
	tail := []string{wf.StateRecordOrderFailed, wf.StateNotifyCustomerOfFailure, wf.StateClassifyFailure}
	tests := []struct {
		failed, via string
		want        []string
		end         string
	}{
		// Shipping failed: undo the reservation, then the payment.
		{wf.StateShipOrder, def.CatchTarget(wf.StateShipOrder, wf.ErrorAll), append([]string{wf.StateReleaseInventory, wf.StateRefundPayment}, tail...), wf.StateShippingFailed},
		// Out of stock: nothing was reserved; undo the payment.
		{wf.StateReserveInventory, def.CatchTarget(wf.StateReserveInventory, wf.ErrorOutOfStock), append([]string{wf.StateRefundPayment}, tail...), wf.StateInventoryUnavailable},
		// Reservation failed unexpectedly: it may have committed; undo both.
		{wf.StateReserveInventory, def.CatchTarget(wf.StateReserveInventory, wf.ErrorAll), append([]string{wf.StateReleaseInventory, wf.StateRefundPayment}, tail...), wf.StateInventoryUnavailable},
		// Payment failed unexpectedly: money may have moved; refund.
		{wf.StateProcessPayment, def.CatchTarget(wf.StateProcessPayment, wf.ErrorAll), append([]string{wf.StateRefundPayment}, tail...), wf.StatePaymentFailed},
		// Declined or not approved: nothing to undo.
		{wf.StateProcessPayment, def.CatchTarget(wf.StateProcessPayment, wf.ErrorPaymentDeclined), tail, wf.StatePaymentFailed},
		{wf.StateRequestApproval, def.CatchTarget(wf.StateRequestApproval, wf.ErrorApprovalRejected), tail, wf.StateOrderNotApproved},
	}
	for _, tt := range tests {
		got := def.Chain(tt.via)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("after %s fails (catch → %s): %v, want %v", tt.failed, tt.via, got, tt.want)
		}
		// ClassifyFailure picks the Fail state by the error path the failed
		// stage's catcher wrote.
		if got := classify(errorPath(t, tt.failed, tt.via)); got != tt.end {
			t.Errorf("after %s fails, ClassifyFailure ends in %s, want %s", tt.failed, got, tt.end)
		}
	}
}

func TestCompensationsRetryUntilTheySucceed(t *testing.T) {
	for _, name := range []string{wf.StateReleaseInventory, wf.StateRefundPayment} {
		st := def.States[name]
		last := st.Retry[len(st.Retry)-1]
		if !reflect.DeepEqual(last.ErrorEquals, []string{wf.ErrorAll}) || last.MaxAttempts == nil || *last.MaxAttempts < 50 || last.MaxDelaySeconds == 0 {
			t.Errorf("%s: last retrier %+v should retry every error for hours", name, last)
		}
		if first := st.Retry[0]; first.MaxAttempts == nil || *first.MaxAttempts < 50 {
			t.Errorf("%s: the Lambda service errors are retried only %v times", name, first.MaxAttempts)
		}
		assertCatches(t, name, wf.ErrorAll, wf.StateCompensationFailed)
	}
}

func TestConfirmationIsADirectSNSIntegration(t *testing.T) {
	for _, name := range []string{wf.StateSendConfirmation, wf.StateNotifyCustomerOfFailure} {
		st := def.States[name]
		if !strings.HasSuffix(st.Resource, ":states:::sns:publish") || !strings.HasPrefix(st.Parameters["TopicArn"].(string), "arn:aws:sns:") {
			t.Errorf("%s: Resource %s, TopicArn %v; want a direct sns:publish", name, st.Resource, st.Parameters["TopicArn"])
		}
	}
	for _, name := range []string{wf.StateRecordOrderReceived, wf.StateRecordOrderCompleted, wf.StateRecordOrderFailed} {
		if st := def.States[name]; !strings.Contains(st.Resource, ":states:::dynamodb:") {
			t.Errorf("%s: Resource %s, want a direct DynamoDB integration", name, st.Resource)
		}
	}
}

// errorPath is where the catcher of state that goes to next writes the
// error: its ResultPath, or for ProcessPayment's JSONata catchers, whose
// Output is workflow.PaymentErrorOutput, contract.PathPaymentError.
func errorPath(t *testing.T, state, next string) string {
	t.Helper()
	for i, c := range def.States[state].Catch {
		if c.Next != next {
			continue
		}
		if c.ResultPath != nil {
			return *c.ResultPath
		}
		raw, _ := def.Raw[state]["Catch"].([]any)[i].(map[string]any)
		if raw["Output"] == workflow.PaymentErrorOutput {
			return wf.PathPaymentError
		}
		t.Fatalf("%s: the catcher to %s has neither ResultPath nor a known Output: %v", state, next, raw)
	}
	t.Fatalf("%s has no catcher to %s", state, next)
	return ""
}

// classify evaluates ClassifyFailure's IsPresent rules for data holding
// only the given path.
func classify(presentPath string) string {
	st := def.States[wf.StateClassifyFailure]
	for _, c := range st.Choices {
		if c.IsPresent != nil && *c.IsPresent && c.Variable == presentPath {
			return c.Next
		}
	}
	return st.Default
}

func assertCatches(t *testing.T, state, errorName, next string) {
	t.Helper()
	if got := def.CatchTarget(state, errorName); got != next {
		t.Errorf("%s: %s is caught to %q, want %q", state, errorName, got, next)
	}
}

func assertRetries(t *testing.T, state, errorName string) {
	t.Helper()
	if !def.Retries(state, errorName) {
		t.Errorf("%s does not retry %s", state, errorName)
	}
}
