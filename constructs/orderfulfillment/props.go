package orderfulfillment

import (
	"fmt"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"

	"github.com/sfnkit/sfnkit/constructs/gofunction"
)

// Defaults of the order workflow.
const (
	DefaultApprovalThresholdCents = 100_000 // 1,000.00 in the order's currency
	DefaultApprovalTimeout        = 24 * time.Hour
	// DefaultApiRateLimit and DefaultApiBurstLimit throttle the API stage.
	DefaultApiRateLimit  = 50
	DefaultApiBurstLimit = 100
	// executionSlack is added to the approval timeout for the execution's:
	// the time the other steps and, in the worst case, compensations retried
	// for hours may take.
	executionSlack = 12 * time.Hour
)

// Handlers chooses the code of the workflow's functions. A zero Handler is
// this library's handler where that handler is real logic (validation,
// inventory, approvals). The payment provider and the carrier have no
// default: pass your own, or set Props.SimulatedProviders.
type Handlers struct {
	// ValidateOrder checks and prices an order. If zero, this library's
	// validator (lambdas/orders).
	ValidateOrder gofunction.Handler
	// ProcessPayment charges an order, idempotent on orderId, and fails
	// with PaymentDeclined for a declined card. Required unless
	// SimulatedProviders.
	ProcessPayment gofunction.Handler
	// RefundPayment refunds an order's payment, idempotent. Required unless
	// SimulatedProviders.
	RefundPayment gofunction.Handler
	// ReserveInventory and ReleaseInventory reserve and return every line's
	// stock in the inventory table. If zero, this library's (lambdas/inventory).
	ReserveInventory, ReleaseInventory gofunction.Handler
	// ShipOrder books the shipment and returns its tracking number; it
	// fails with ShippingFailed when the carrier refuses. Required unless
	// SimulatedProviders.
	ShipOrder gofunction.Handler
	// ApprovalCallback answers Step Functions for an approver behind POST
	// /approvals. If zero, this library's (lambdas/approval).
	ApprovalCallback gofunction.Handler
}

// Props configures the order-fulfillment workflow. Apart from the payment
// provider and the carrier (Handlers, or SimulatedProviders), the zero value
// is a working, secure configuration.
type Props struct {
	// Handlers chooses the functions' code; see Handlers for each default.
	// Functions built from an Entry get the environment and table
	// permissions of the step; existing functions get neither.
	Handlers Handlers

	// SimulatedProviders deploys this library's deterministic simulators
	// for the payment provider and the carrier wherever Handlers leaves
	// them zero: token tok_decline is declined, tok_unavailable is an
	// outage, postal code 00000 is undeliverable, and no money moves. For
	// development and tests only. If false, Handlers must name all three.
	SimulatedProviders bool

	// ApprovalThresholdCents sends orders whose total is at least this many
	// cents to a person for approval. If zero, DefaultApprovalThresholdCents.
	// Negative values are refused.
	ApprovalThresholdCents int64

	// ApprovalTimeout is how long an order waits for a decision before it is
	// treated as not approved. If zero, 24 hours. At most one year.
	ApprovalTimeout time.Duration

	// ApprovalHeartbeat is how often the approval channel must report that a
	// person is still reviewing (decision "heartbeat") before the request is
	// treated as lost. If zero, a quarter of ApprovalTimeout. It must be
	// shorter than ApprovalTimeout.
	ApprovalHeartbeat time.Duration

	// ExecutionTimeout ends an execution that runs longer. If zero,
	// ApprovalTimeout plus 12 hours. It must exceed ApprovalTimeout.
	ExecutionTimeout time.Duration

	// Key encrypts everything the workflow stores. If nil, one is created.
	Key awskms.IKey

	// AlarmTopic receives the state machine's alarms. If nil, one is created.
	AlarmTopic awssns.ITopic

	// LogRetention is how long logs are kept. If empty, three months.
	LogRetention awslogs.RetentionDays

	// ApiRateLimit and ApiBurstLimit throttle the API (requests per second,
	// burst). If zero, DefaultApiRateLimit and DefaultApiBurstLimit.
	ApiRateLimit, ApiBurstLimit int

	// RemovalPolicy applies to tables, key and log groups when they leave the
	// stack. If empty, RETAIN: orders, payments and stock outlive a stack.
	RemovalPolicy awscdk.RemovalPolicy
}

// Validate reports the first invalid prop, naming it, the value received
// and the fix. It needs no synthesis.
func (p *Props) Validate() error {
	if p == nil {
		return fmt.Errorf("orderfulfillment: Props is nil: pass &orderfulfillment.Props{Handlers: orderfulfillment.Handlers{ProcessPayment: ..., RefundPayment: ..., ShipOrder: ...}}, or &orderfulfillment.Props{SimulatedProviders: true} for development")
	}
	if err := p.Handlers.validate(p.SimulatedProviders); err != nil {
		return err
	}
	if p.ApprovalThresholdCents < 0 {
		return fmt.Errorf("orderfulfillment: Props.ApprovalThresholdCents is %d; it must be 0 (the default, %d) or a positive number of cents",
			p.ApprovalThresholdCents, DefaultApprovalThresholdCents)
	}
	d := p.withDefaults()
	if d.ApprovalTimeout < time.Second || d.ApprovalTimeout > 365*24*time.Hour || d.ApprovalTimeout%time.Second != 0 {
		return fmt.Errorf("orderfulfillment: Props.ApprovalTimeout is %v; it must be whole seconds between 1s and 8760h, or 0 for the default %v",
			p.ApprovalTimeout, DefaultApprovalTimeout)
	}
	if d.ApprovalHeartbeat < time.Second || d.ApprovalHeartbeat%time.Second != 0 || d.ApprovalHeartbeat >= d.ApprovalTimeout {
		return fmt.Errorf("orderfulfillment: Props.ApprovalHeartbeat is %v but ApprovalTimeout is %v; the heartbeat must be whole seconds, at least 1s and shorter than the timeout, or 0 for a quarter of it",
			d.ApprovalHeartbeat, d.ApprovalTimeout)
	}
	if d.ExecutionTimeout <= d.ApprovalTimeout || d.ExecutionTimeout > 365*24*time.Hour || d.ExecutionTimeout%time.Second != 0 {
		return fmt.Errorf("orderfulfillment: Props.ExecutionTimeout is %v but ApprovalTimeout is %v; the execution needs longer than the approval wait (at most 8760h), or 0 for ApprovalTimeout plus %v",
			d.ExecutionTimeout, d.ApprovalTimeout, executionSlack)
	}
	if p.ApiRateLimit < 0 || p.ApiBurstLimit < 0 {
		return fmt.Errorf("orderfulfillment: Props.ApiRateLimit %d and ApiBurstLimit %d must not be negative; 0 means the defaults %d and %d",
			p.ApiRateLimit, p.ApiBurstLimit, DefaultApiRateLimit, DefaultApiBurstLimit)
	}
	return nil
}

// validate reports a handler that is invalid, or a provider left to a
// simulator that was not asked for.
func (h Handlers) validate(simulated bool) error {
	for _, f := range h.fields() {
		if err := f.handler.Validate("orderfulfillment: Props.Handlers." + f.name); err != nil {
			return err
		}
		if f.simulator && f.handler.IsZero() && !simulated {
			return fmt.Errorf("orderfulfillment: Props.Handlers.%s is not set and SimulatedProviders is false: pass your function "+
				"(gofunction.Handler{Entry: \"./cmd/%s\"} for a Go main package of your module, or {Function: fn, Timeout: ...} for an existing one), "+
				"or set SimulatedProviders to deploy the simulator, which moves no money and ships nothing", f.name, f.entryHint)
		}
	}
	return nil
}

// handlerField is one of Handlers' fields, with this library's handler.
type handlerField struct {
	name, entryHint string
	handler         gofunction.Handler
	// simulator marks a default that only simulates a provider.
	simulator bool
}

func (h Handlers) fields() []handlerField {
	return []handlerField{
		{"ValidateOrder", "validate-order", h.ValidateOrder, false},
		{"ProcessPayment", "process-payment", h.ProcessPayment, true},
		{"RefundPayment", "refund-payment", h.RefundPayment, true},
		{"ReserveInventory", "reserve-inventory", h.ReserveInventory, false},
		{"ReleaseInventory", "release-inventory", h.ReleaseInventory, false},
		{"ShipOrder", "ship-order", h.ShipOrder, true},
		{"ApprovalCallback", "approval-callback", h.ApprovalCallback, false},
	}
}

// withDefaults returns a copy of p with every zero field set.
func (p *Props) withDefaults() Props {
	var out Props
	if p != nil {
		out = *p
	}
	out.Handlers = out.Handlers.withDefaults()
	if out.ApprovalThresholdCents == 0 {
		out.ApprovalThresholdCents = DefaultApprovalThresholdCents
	}
	if out.ApprovalTimeout == 0 {
		out.ApprovalTimeout = DefaultApprovalTimeout
	}
	if out.ApprovalHeartbeat == 0 {
		out.ApprovalHeartbeat = (out.ApprovalTimeout / 4).Truncate(time.Second)
	}
	if out.ExecutionTimeout == 0 {
		out.ExecutionTimeout = out.ApprovalTimeout + executionSlack
	}
	if out.ApiRateLimit == 0 {
		out.ApiRateLimit = DefaultApiRateLimit
	}
	if out.ApiBurstLimit == 0 {
		out.ApiBurstLimit = DefaultApiBurstLimit
	}
	if out.RemovalPolicy == "" {
		out.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	return out
}

// withDefaults fills every zero handler with this library's main package
// for the step (the simulators included: validate refuses them unless they
// were asked for).
func (h Handlers) withDefaults() Handlers {
	return Handlers{
		ValidateOrder:    h.ValidateOrder.Or(EntryValidateOrder),
		ProcessPayment:   h.ProcessPayment.Or(EntryProcessPayment),
		RefundPayment:    h.RefundPayment.Or(EntryRefundPayment),
		ReserveInventory: h.ReserveInventory.Or(EntryReserveInventory),
		ReleaseInventory: h.ReleaseInventory.Or(EntryReleaseInventory),
		ShipOrder:        h.ShipOrder.Or(EntryShipOrder),
		ApprovalCallback: h.ApprovalCallback.Or(EntryApprovalCallback),
	}
}
