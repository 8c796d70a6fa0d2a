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

// afterForgetting returns the events after the execution entered the
// state that follows ProcessPayment, which must be one of the Pass states
// that drop the payment token: their input is ProcessPayment's output or
// its Catch's (the state's input and the error), which a JSONPath Catch
// cannot shape.
func afterForgetting(t *testing.T, events []asl.Event) []asl.Event {
	t.Helper()
	paid := false
	for i, e := range events {
		d := e.StateEnteredEventDetails
		if d == nil {
			continue
		}
		switch {
		case d.Name == order.StateProcessPayment:
			paid = true
		case paid:
			if !slices.Contains([]string{order.StateForgetPaymentToken, order.StateForgetDeclinedPaymentToken, order.StateForgetFailedPaymentToken}, d.Name) {
				t.Fatalf("%s follows ProcessPayment; want a state that forgets the payment token", d.Name)
			}
			return events[i+1:]
		}
	}
	t.Fatal("the execution entered no state after ProcessPayment")
	return nil
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
// ProcessPayment (charged, declined, failed after money may have moved)
// and requires the customer's payment token in no event once the Pass
// state that follows it has run: not its output, no later state's input
// or output, no task's parameters, not the execution's result. The
// history and the console show all of them.
func TestNoStateAfterPaymentCarriesThePaymentToken(t *testing.T) {
	tests := []struct {
		name, scenario string
		fault          *harness.Fault
		end            string
	}{
		{"charged", "order/completed", nil, order.StateOrderCompleted},
		{"charged, then refunded", "order/undeliverable", nil, order.StateShippingFailed},
		{"declined", "order/payment-declined", nil, order.StatePaymentFailed},
		{"failed", "order/completed", &harness.Fault{Error: "Lambda.ServiceException", Times: -1}, order.StatePaymentFailed},
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
			if end := out.Path[len(out.Path)-1]; end != tt.end {
				t.Fatalf("ended in %s; want %s (path %v)", end, tt.end, out.Path)
			}
			// The token reached ProcessPayment: the check below can see it.
			if len(eventsWith(t, out.History, token)) == 0 {
				t.Fatalf("the payment token %q is nowhere in the history", token)
			}
			if found := eventsWith(t, afterForgetting(t, out.History), token); len(found) > 0 {
				t.Errorf("after ProcessPayment the payment token is in %v (path %v)", found, out.Path)
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
