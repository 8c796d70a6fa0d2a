package orderfulfillment_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/internal/synthtest"
	workflow "github.com/sfnkit/sfnkit/workflows/orderfulfillment"
	wf "github.com/sfnkit/sfnkit/workflows/orderfulfillment/contract"
	"github.com/sfnkit/sfnkit/workflows/retry"
)

// forwardSteps are the design's steps in the order an order goes through
// them; undoneBy names the compensation of each step with a side effect.
var (
	forwardSteps = []string{wf.StateValidateOrder, wf.StateRecordOrderReceived, wf.StateProcessPayment, wf.StateReserveInventory,
		wf.StateShipOrder, wf.StateRecordOrderCompleted, wf.StateSendConfirmation}
	undoneBy = map[string]string{wf.StateProcessPayment: wf.StateRefundPayment, wf.StateReserveInventory: wf.StateReleaseInventory}
)

// TestTheHappyPathFollowsTheDesign checks the graph by the design's rules,
// not against a copy of it: every transition names a state, every state
// can be reached, the path without errors runs the forward steps in order
// and succeeds, and every Fail state raises its own name.
func TestTheHappyPathFollowsTheDesign(t *testing.T) {
	if def.StartAt != forwardSteps[0] {
		t.Errorf("StartAt = %q, want %q", def.StartAt, forwardSteps[0])
	}
	reached := map[string]bool{}
	for queue := []string{def.StartAt}; len(queue) > 0; queue = queue[1:] {
		name := queue[0]
		st, ok := def.States[name]
		if !ok {
			t.Errorf("a transition leads to %q, which is not a state", name)
			continue
		}
		if reached[name] {
			continue
		}
		reached[name] = true
		next := []string{st.Next, st.Default}
		for _, c := range st.Choices {
			next = append(next, c.Next)
		}
		for _, c := range st.Catch {
			next = append(next, c.Next)
		}
		for _, n := range next {
			if n != "" {
				queue = append(queue, n)
			}
		}
	}
	for name, st := range def.States {
		if !reached[name] {
			t.Errorf("state %s cannot be reached from %s", name, def.StartAt)
		}
		if st.Type == "Fail" && st.Error != name {
			t.Errorf("Fail state %s raises %q; its Error must be its name", name, st.Error)
		}
	}

	path := happyPath(t)
	if last := def.States[path[len(path)-1]]; last.Type != "Succeed" {
		t.Errorf("the path without errors %v ends in a %s state, want Succeed", path, last.Type)
	}
	i := 0
	for _, name := range path {
		if i < len(forwardSteps) && name == forwardSteps[i] {
			i++
		}
	}
	if i != len(forwardSteps) {
		t.Errorf("the path without errors %v does not run %v in that order (missing %s)", path, forwardSteps, forwardSteps[i])
	}
	// An approved order goes on to be paid, as one that needs no approval.
	if got := pathTo(t, wf.StateProcessPayment); slices.Contains(got, wf.StateRequestApproval) {
		t.Errorf("the shortest way to payment %v goes through the approval", got)
	}
	if next := def.States[wf.StateRequestApproval].Next; next != wf.StateProcessPayment {
		t.Errorf("an approved order goes on to %q, want %s", next, wf.StateProcessPayment)
	}
}

// happyPath follows Next, and a Choice's Default, from StartAt.
func happyPath(t *testing.T) []string {
	t.Helper()
	var path []string
	for name := def.StartAt; name != ""; {
		if len(path) > len(def.States) {
			t.Fatalf("the path without errors loops: %v", path)
		}
		path = append(path, name)
		st := def.States[name]
		name = st.Next
		if st.Type == "Choice" {
			name = st.Default
		}
	}
	return path
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

// nothingDone are the errors that say the failing step changed nothing,
// so it is not compensated; after any other error it may have committed.
var nothingDone = []string{wf.ErrorInvalidOrder, wf.ErrorApprovalRejected, wf.ErrorPaymentDeclined, wf.ErrorOutOfStock,
	wf.ErrorInvalidPaymentRequest, wf.ErrorInvalidInventoryRequest, "ShipmentRejected", wf.ErrorTimeout, wf.ErrorHeartbeatTimeout}

// failsAs is the Fail state the design gives a failure of each stage.
var failsAs = map[string]string{
	wf.StateRequestApproval:  wf.StateOrderNotApproved,
	wf.StateProcessPayment:   wf.StatePaymentFailed,
	wf.StateReserveInventory: wf.StateInventoryUnavailable,
	wf.StateShipOrder:        wf.StateShippingFailed,
}

// TestCompensationsRunInReverseOrder derives, for every catcher of every
// stage that can fail after the order was recorded, what must run: the
// compensations of the steps already done (the failing one too unless its
// error says it did nothing), newest first, then the failure tail; and
// ClassifyFailure must end in the stage's Fail state.
func TestCompensationsRunInReverseOrder(t *testing.T) {
	tail := []string{wf.StateRecordOrderFailed, wf.StateNotifyCustomerOfFailure, wf.StateClassifyFailure}
	checked := 0
	for stage, end := range failsAs {
		st, ok := def.States[stage]
		if !ok || len(st.Catch) == 0 {
			t.Errorf("stage %s is missing or catches nothing", stage)
			continue
		}
		done := pathTo(t, stage)
		for _, c := range st.Catch {
			committed := slices.Clone(done)
			if slices.ContainsFunc(c.ErrorEquals, func(e string) bool { return !slices.Contains(nothingDone, e) }) {
				committed = append(committed, stage)
			}
			var want []string
			for i := len(committed) - 1; i >= 0; i-- {
				if undo, ok := undoneBy[committed[i]]; ok {
					want = append(want, undo)
				}
			}
			want = append(want, tail...)
			if got := def.Chain(c.Next); !reflect.DeepEqual(got, want) {
				t.Errorf("after %s fails with %v (catch → %s): %v, want %v", stage, c.ErrorEquals, c.Next, got, want)
			}
			// ClassifyFailure picks the Fail state by the error path the
			// failed stage's catcher wrote.
			if got := classify(errorPath(t, stage, c.Next)); got != end {
				t.Errorf("after %s fails with %v, ClassifyFailure ends in %s, want %s", stage, c.ErrorEquals, got, end)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no catcher of a failing stage was checked")
	}
}

// pathTo is the shortest path from StartAt to stage by Next, Default and
// Choice rules (no catcher), without stage itself: the steps done before it.
func pathTo(t *testing.T, stage string) []string {
	t.Helper()
	from := map[string]string{def.StartAt: ""}
	for queue := []string{def.StartAt}; len(queue) > 0; queue = queue[1:] {
		name := queue[0]
		if name == stage {
			var path []string
			for n := from[name]; n != ""; n = from[n] {
				path = append([]string{n}, path...)
			}
			return path
		}
		st := def.States[name]
		next := []string{st.Next, st.Default}
		for _, c := range st.Choices {
			next = append(next, c.Next)
		}
		for _, n := range next {
			if _, seen := from[n]; n != "" && !seen {
				from[n] = name
				queue = append(queue, n)
			}
		}
	}
	t.Fatalf("%s cannot be reached from %s without an error", stage, def.StartAt)
	return nil
}

func TestCompensationsRetryUntilTheySucceed(t *testing.T) {
	for _, name := range []string{wf.StateReleaseInventory, wf.StateRefundPayment} {
		st := def.States[name]
		if len(st.Retry) == 0 {
			t.Errorf("%s has no Retry; a compensation must retry until it succeeds", name)
			continue
		}
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
		if topic, _ := st.Parameters["TopicArn"].(string); !strings.HasSuffix(st.Resource, ":states:::sns:publish") || !strings.HasPrefix(topic, "arn:aws:sns:") {
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
