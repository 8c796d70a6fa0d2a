package behaviour_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/local/harness"
	order "github.com/sfnkit/sfnkit/workflows/orderfulfillment/contract"
)

// isScheduling reports whether e asks for a task's work, with its input:
// LambdaFunctionScheduled for a function ARN resource, TaskScheduled for
// an integration.
func isScheduling(e asl.Event) bool {
	return e.Type == "LambdaFunctionScheduled" || e.Type == "TaskScheduled"
}

// afterPaymentScheduled splits the history at ProcessPayment's first
// scheduling event: it returns that event and every later one except
// ProcessPayment's own scheduling events for its retries. The invocation
// of the payment function is the one place after which the payment token
// may appear: ProcessPayment's output (its StateExited), the error output
// of its catchers, and every later state's input, output and parameters
// must not carry it.
func afterPaymentScheduled(t *testing.T, events []asl.Event) (scheduled asl.Event, after []asl.Event) {
	t.Helper()
	state, found := "", false
	for _, e := range events {
		if d := e.StateEnteredEventDetails; d != nil {
			state = d.Name
		}
		inPayment := state == order.StateProcessPayment && isScheduling(e)
		switch {
		case !found && inPayment:
			scheduled, found = e, true
		case found && !inPayment:
			after = append(after, e)
		}
	}
	if !found {
		t.Fatal("ProcessPayment was never scheduled")
	}
	return scheduled, after
}

// eventsWith lists the events whose JSON contains secret, by id and type.
func eventsWith(t *testing.T, events []asl.Event, secret string) []string {
	t.Helper()
	var found []string
	for _, e := range events {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), secret) {
			name := ""
			if d := e.StateEnteredEventDetails; d != nil {
				name = " " + d.Name
			}
			if d := e.StateExitedEventDetails; d != nil {
				name = " " + d.Name
			}
			found = append(found, e.Type+name)
		}
	}
	return found
}

// paymentToken is the token the scenario's order pays with.
func paymentToken(t *testing.T, s harness.Scenario, env *harness.Env) string {
	t.Helper()
	input, err := s.Input(env)
	if err != nil {
		t.Fatal(err)
	}
	var o struct{ Payment struct{ Token string } }
	if err := json.Unmarshal([]byte(input), &o); err != nil || o.Payment.Token == "" {
		t.Fatalf("scenario %s: no payment token in %s (%v)", s.Name, input, err)
	}
	return o.Payment.Token
}

// TestNoStateAfterPaymentCarriesThePaymentToken plays every way out of
// ProcessPayment (charged, charged then refunded, declined, failed after
// money may have moved) and requires the customer's payment token in no
// event after ProcessPayment invoked the payment function with it: not
// ProcessPayment's own output, not the error its catchers pass on, no
// later state's input or output, no task's parameters, not the
// execution's result. The history and the console show all of them.
func TestNoStateAfterPaymentCarriesThePaymentToken(t *testing.T) {
	tests := []struct {
		name, scenario string
		fault          *harness.Fault
		next, end      string
	}{
		{"charged", "order/completed", nil, order.StateReserveInventory, order.StateOrderCompleted},
		{"charged, then refunded", "order/undeliverable", nil, order.StateReserveInventory, order.StateShippingFailed},
		{"declined", "order/payment-declined", nil, order.StateRecordOrderFailed, order.StatePaymentFailed},
		{"failed", "order/completed", &harness.Fault{Error: "Lambda.ServiceException", Times: -1}, order.StateRefundPayment, order.StatePaymentFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := scenario(t, tt.scenario)
			env := newEnv(t, s.Stack)
			if tt.fault != nil {
				if _, err := env.Inject(order.StateProcessPayment, *tt.fault); err != nil {
					t.Fatal(err)
				}
			}
			token := paymentToken(t, s, env)
			out, err := s.Play(context.Background(), env)
			if err != nil {
				t.Fatal(err)
			}
			if i := slices.Index(out.Path, order.StateProcessPayment); i < 0 || i+1 >= len(out.Path) || out.Path[i+1] != tt.next || out.Path[len(out.Path)-1] != tt.end {
				t.Errorf("path %v; want ProcessPayment directly followed by %s, ending in %s", out.Path, tt.next, tt.end)
			}
			scheduled, after := afterPaymentScheduled(t, out.History)
			// The token reached the payment function: the check below can see it.
			if len(eventsWith(t, []asl.Event{scheduled}, token)) == 0 {
				t.Fatalf("the payment token %q is not in ProcessPayment's %s", token, scheduled.Type)
			}
			if found := eventsWith(t, after, token); len(found) > 0 {
				t.Errorf("after ProcessPayment invoked the payment function, the payment token is in %v (path %v)", found, out.Path)
			}
		})
	}
}

// TestApprovalTokenOnlyInTheRequest requires the approval task token in
// no state's input or output: only RequestApproval's parameters, the
// message Step Functions sends to the approver, carry it.
func TestApprovalTokenOnlyInTheRequest(t *testing.T) {
	w := playOrder(t, "order/approved")
	token := tokenOf(t, w.env)
	found := eventsWith(t, w.out.History, token)
	if len(found) != 1 || found[0] != "TaskScheduled" {
		t.Errorf("the task token is in %v; want only RequestApproval's TaskScheduled parameters", found)
	}
}
