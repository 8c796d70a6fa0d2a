package behaviour_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/local/fakes"
	"github.com/sfnkit/sfnkit/local/harness"
	order "github.com/sfnkit/sfnkit/workflows/orderfulfillment/contract"
)

// orderWorld is what an order execution left behind.
type orderWorld struct {
	env *harness.Env
	out harness.Outcome
}

func playOrder(t *testing.T, name string) orderWorld {
	t.Helper()
	s := scenario(t, name)
	env := newEnv(t, s.Stack)
	return orderWorld{env: env, out: play(t, s, env)}
}

func (w orderWorld) stock(t *testing.T, sku string) string {
	t.Helper()
	return attr(table(t, w.env, "InventoryTable").Get(sku), "stock")
}

func (w orderWorld) payment(t *testing.T, orderID string) map[string]any {
	t.Helper()
	return table(t, w.env, "PaymentsTable").Get(orderID)
}

func (w orderWorld) orderStatus(t *testing.T, orderID string) string {
	t.Helper()
	return attr(table(t, w.env, "OrdersTable").Get(orderID), "status")
}

func (w orderWorld) customerEvents(t *testing.T) []string {
	t.Helper()
	var events []string
	for _, m := range messages(t, w.env, "AWS::SNS::Topic", "CustomerTopic") {
		var body struct{ Event string }
		if err := json.Unmarshal([]byte(m.Body), &body); err != nil {
			t.Fatalf("customer message %q: %v", m.Body, err)
		}
		events = append(events, body.Event)
	}
	return events
}

// stateInput is the input of the last time the execution entered name.
func stateInput(t *testing.T, events []asl.Event, name string) map[string]any {
	t.Helper()
	var in map[string]any
	for _, e := range events {
		if d := e.StateEnteredEventDetails; d != nil && d.Name == name {
			in = nil
			if err := json.Unmarshal([]byte(d.Input), &in); err != nil {
				t.Fatal(err)
			}
		}
	}
	if in == nil {
		t.Fatalf("the execution never entered %s", name)
	}
	return in
}

func TestOrderCompleted(t *testing.T) {
	w := playOrder(t, "order/completed")
	want := []string{order.StateValidateOrder, order.StateRecordOrderReceived, order.StateNeedsApproval, order.StateProcessPayment,
		order.StateReserveInventory, order.StateShipOrder, order.StateRecordOrderCompleted, order.StateSendConfirmation, order.StateOrderCompleted}
	if !reflect.DeepEqual(w.out.Path, want) {
		t.Errorf("path %v\nwant %v", w.out.Path, want)
	}
	out := w.out.Result.Output
	if field(out, "order", "totalCents") != 4500.0 || field(out, "payment", "status") != "CHARGED" ||
		field(out, "payment", "amountCents") != 4500.0 || field(out, "reservation", "units") != 3.0 ||
		field(out, "shipment", "trackingNumber") == nil {
		t.Errorf("output %v", out)
	}
	if got := w.stock(t, "SKU-BOOK") + "/" + w.stock(t, "SKU-LAMP"); got != "8/2" {
		t.Errorf("stock of book/lamp = %s; want 8/2 after 2 books and a lamp", got)
	}
	if attr(w.payment(t, "ord-1"), "status") != "CHARGED" || w.orderStatus(t, "ord-1") != "COMPLETED" {
		t.Errorf("payment %v, order %s", w.payment(t, "ord-1"), w.orderStatus(t, "ord-1"))
	}
	if got := w.customerEvents(t); !reflect.DeepEqual(got, []string{"OrderConfirmed"}) {
		t.Errorf("customer told %v", got)
	}
	for _, state := range want {
		if st := w.env.State(state); st.Type == asl.TypeTask && harness.Attempts(w.out.History, state) != 1 {
			t.Errorf("%s attempted %d times without faults", state, harness.Attempts(w.out.History, state))
		}
	}
}

// TestDuplicateOrderIsNotChargedTwice resubmits a completed order: the
// API names each execution after its order id, so the second start is
// refused and nothing is charged, reserved or shipped again.
func TestDuplicateOrderIsNotChargedTwice(t *testing.T) {
	w := playOrder(t, "order/completed")
	s := scenario(t, "order/completed")
	input, _ := s.Input(w.env)
	if _, err := w.env.Engine.Start(context.Background(), w.env.Machine, input, s.ExecutionName); !asl.IsAPIError(err, asl.CodeExecutionAlreadyExists) {
		t.Fatalf("second start: %v; want ExecutionAlreadyExists", err)
	}
	if w.stock(t, "SKU-BOOK") != "8" {
		t.Errorf("stock changed by the duplicate")
	}
}

func TestOrderApproved(t *testing.T) {
	w := playOrder(t, "order/approved")
	if !followedBy(w.out.Path, order.StateNeedsApproval, []string{order.StateRequestApproval, order.StateProcessPayment}) {
		t.Errorf("path %v does not wait for approval before payment", w.out.Path)
	}
	requests := approvalRequests(t, w.env)
	if len(requests) != 1 {
		t.Fatalf("%d approval requests", len(requests))
	}
	var req map[string]any
	json.Unmarshal([]byte(requests[0].Body), &req)
	if req["orderId"] != "ord-approved" || req["totalCents"] != 250000.0 || req["taskToken"] == "" || req["email"] != nil {
		t.Errorf("approval request %v: want the order id, total and token, and no customer email", req)
	}
	approval := field(w.out.Result.Output, "approval")
	if field(approval, "approved") != true || field(approval, "approver") != harness.Approver {
		t.Errorf("approval %v; want approved by %s", approval, harness.Approver)
	}
	if got := w.stock(t, "SKU-DESK"); got != "0" {
		t.Errorf("desk stock %s after the approved order", got)
	}
}

func TestOrderNotApproved(t *testing.T) {
	w := playOrder(t, "order/not-approved")
	in := stateInput(t, w.out.History, order.StateOrderNotApproved)
	if field(in, "approvalError", "Error") != order.ErrorApprovalRejected {
		t.Errorf("approvalError %v", field(in, "approvalError"))
	}
	if w.payment(t, "ord-rejected") != nil || w.stock(t, "SKU-DESK") != "1" {
		t.Errorf("a rejected order moved money or stock: payment %v, desk stock %s", w.payment(t, "ord-rejected"), w.stock(t, "SKU-DESK"))
	}
	if w.orderStatus(t, "ord-rejected") != "FAILED" || !reflect.DeepEqual(w.customerEvents(t), []string{"OrderFailed"}) {
		t.Errorf("order %s, customer told %v", w.orderStatus(t, "ord-rejected"), w.customerEvents(t))
	}
}

// TestApprovalTimesOut leaves the request unanswered: the wait ends after
// the heartbeat window in virtual time, and a late decision is refused.
func TestApprovalTimesOut(t *testing.T) {
	w := playOrder(t, "order/approval-timed-out")
	in := stateInput(t, w.out.History, order.StateOrderNotApproved)
	if field(in, "approvalError", "Error") != order.ErrorHeartbeatTimeout {
		t.Errorf("approvalError %v; want %s", field(in, "approvalError"), order.ErrorHeartbeatTimeout)
	}
	var asked, failed time.Time
	for _, e := range w.out.History {
		if d := e.StateEnteredEventDetails; d != nil && d.Name == order.StateRequestApproval {
			asked = e.Timestamp
		}
		if e.Type == "TaskTimedOut" {
			failed = e.Timestamp
		}
	}
	_, def, err := assembly.Stacks[harness.StackOrderFulfillment].StateMachine()
	if err != nil {
		t.Fatal(err)
	}
	heartbeat := time.Duration(def.States[order.StateRequestApproval].HeartbeatSeconds) * time.Second // as synthesized
	if waited := failed.Sub(asked); waited != heartbeat {
		t.Errorf("the wait timed out after %v; want the %v heartbeat window", waited, heartbeat)
	}
	status, err := w.env.Decide(context.Background(), tokenOf(t, w.env), "approve", "too late")
	if err != nil || status != 410 {
		t.Errorf("a late approval answered %d, %v; want 410 Gone", status, err)
	}
	if w.payment(t, "ord-unanswered") != nil {
		t.Error("a timed-out order was charged")
	}
}

// approvalRequests are the messages sent to the queue RequestApproval
// sends to.
func approvalRequests(t *testing.T, env *harness.Env) []fakes.Message {
	t.Helper()
	var params struct{ QueueUrl string }
	if err := json.Unmarshal(env.State(order.StateRequestApproval).Parameters, &params); err != nil || params.QueueUrl == "" {
		t.Fatalf("RequestApproval's QueueUrl: %v", err)
	}
	return env.AWS.Messages(params.QueueUrl)
}

// tokenOf reads the task token from the one approval request sent.
func tokenOf(t *testing.T, env *harness.Env) string {
	t.Helper()
	requests := approvalRequests(t, env)
	if len(requests) != 1 {
		t.Fatalf("%d approval requests", len(requests))
	}
	var req struct{ TaskToken string }
	json.Unmarshal([]byte(requests[0].Body), &req)
	return req.TaskToken
}

func TestInvalidOrderHasNoSideEffects(t *testing.T) {
	w := playOrder(t, "order/invalid")
	if !reflect.DeepEqual(w.out.Path, []string{order.StateValidateOrder, order.StateOrderRejected}) {
		t.Errorf("path %v", w.out.Path)
	}
	if !strings.Contains(w.out.Result.Cause, "orderId") || !strings.Contains(w.out.Result.Cause, "email") {
		t.Errorf("cause %q does not name the bad fields", w.out.Result.Cause)
	}
	if n := len(table(t, w.env, "OrdersTable").Items()) + len(table(t, w.env, "PaymentsTable").Items()) + len(w.env.AWS.Messages("")); n != 0 {
		t.Errorf("an invalid order left %d records and messages", n)
	}
}

func TestPaymentDeclined(t *testing.T) {
	w := playOrder(t, "order/payment-declined")
	if contains(w.out.Path, order.StateRefundPayment) || contains(w.out.Path, order.StateReserveInventory) {
		t.Errorf("path %v: a decline needs no compensation", w.out.Path)
	}
	if p := w.payment(t, "ord-declined"); attr(p, "status") != "DECLINED" || attr(p, "declineReason") != "card_declined" {
		t.Errorf("payment record %v", p)
	}
	if w.orderStatus(t, "ord-declined") != "FAILED" {
		t.Errorf("order status %s", w.orderStatus(t, "ord-declined"))
	}
}

func TestOutOfStockRefunds(t *testing.T) {
	w := playOrder(t, "order/out-of-stock")
	if !followedBy(w.out.Path, order.StateReserveInventory, []string{order.StateRefundPayment, order.StateRecordOrderFailed}) || contains(w.out.Path, order.StateReleaseInventory) {
		t.Errorf("path %v: want a refund and no release (nothing was reserved)", w.out.Path)
	}
	if attr(w.payment(t, "ord-too-many"), "status") != "REFUNDED" || w.stock(t, "SKU-LAMP") != "3" {
		t.Errorf("payment %v, lamp stock %s", w.payment(t, "ord-too-many"), w.stock(t, "SKU-LAMP"))
	}
}

// TestUndeliverableCompensatesInReverse undoes the reservation, then the
// payment: the reverse of the order they were made in.
func TestUndeliverableCompensatesInReverse(t *testing.T) {
	w := playOrder(t, "order/undeliverable")
	if !followedBy(w.out.Path, order.StateProcessPayment, []string{order.StateReserveInventory, order.StateShipOrder,
		order.StateReleaseInventory, order.StateRefundPayment, order.StateRecordOrderFailed, order.StateNotifyCustomerOfFailure, order.StateShippingFailed}) {
		t.Errorf("path %v", w.out.Path)
	}
	if got := w.stock(t, "SKU-BOOK") + "/" + w.stock(t, "SKU-LAMP"); got != "10/3" {
		t.Errorf("stock %s; want it all back (10/3)", got)
	}
	if attr(w.payment(t, "ord-undeliverable"), "status") != "REFUNDED" {
		t.Errorf("payment %v", w.payment(t, "ord-undeliverable"))
	}
	in := stateInput(t, w.out.History, order.StateShippingFailed)
	if field(in, "shippingError", "Error") == nil || field(in, "release", "released") != true || field(in, "refund") == nil {
		t.Errorf("final state %v; want the shipping error, the release and the refund", in)
	}
}
