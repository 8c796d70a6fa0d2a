package orderfulfillment

import (
	"fmt"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
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

// Props configures the order-fulfillment workflow. The zero value is a
// working, secure configuration.
type Props struct {
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
		return nil // every field has a default
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

// withDefaults returns a copy of p with every zero field set.
func (p *Props) withDefaults() Props {
	var out Props
	if p != nil {
		out = *p
	}
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
