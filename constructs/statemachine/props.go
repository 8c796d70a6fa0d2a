package statemachine

import (
	"fmt"
	"regexp"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
)

// Defaults and Step Functions' limits.
const (
	DefaultStandardTimeout = time.Hour
	DefaultExpressTimeout  = 5 * time.Minute
	MaxStandardTimeout     = 365 * 24 * time.Hour
	MaxExpressTimeout      = 5 * time.Minute
)

// Props configures a secure-by-default state machine.
type Props struct {
	// Definition is the workflow's first state or chain. Required.
	Definition awsstepfunctions.IChainable

	// Express selects an Express workflow. If false, Standard.
	Express bool

	// Timeout ends an execution that runs longer. If zero, one hour for
	// Standard and five minutes (the maximum) for Express workflows.
	Timeout time.Duration

	// Key is the customer-managed key for execution data, logs and the alarm
	// topic. If nil, the state machine creates one; pass the workflow's key
	// to share it with the workflow's tables and topics.
	Key awskms.IKey

	// LogRetention is how long execution logs are kept. If empty, three months.
	LogRetention awslogs.RetentionDays

	// AlarmTopic receives the alarms. If nil, an encrypted topic is created;
	// subscribe your on-call channel to it.
	AlarmTopic awssns.ITopic

	// DisableAlarms skips the four execution alarms. If false, they exist.
	DisableAlarms bool

	// StateMachineName is the physical name. If empty, CloudFormation
	// generates one, which lets the stack be deployed more than once.
	StateMachineName string

	// Comment is the definition's top-level Comment. If empty, none.
	Comment string

	// RemovalPolicy applies to the log group and a key the construct made.
	// If empty, RETAIN.
	RemovalPolicy awscdk.RemovalPolicy
}

var namePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

// Validate reports the first prop Step Functions would refuse, naming the
// prop, the value and the fix.
func (p *Props) Validate() error {
	if p == nil || p.Definition == nil {
		return fmt.Errorf("statemachine: Props.Definition is nil: pass the workflow's first state or chain")
	}
	limit := MaxStandardTimeout
	if p.Express {
		limit = MaxExpressTimeout
	}
	if p.Timeout != 0 && (p.Timeout < time.Second || p.Timeout > limit || p.Timeout%time.Second != 0) {
		return fmt.Errorf("statemachine: Props.Timeout is %v; a %s workflow allows whole seconds from 1s to %v: set a value in that range or 0 for the default",
			p.Timeout, p.typeName(), limit)
	}
	if p.StateMachineName != "" && !namePattern.MatchString(p.StateMachineName) {
		return fmt.Errorf("statemachine: Props.StateMachineName is %q; use 1-80 letters, digits, '-' or '_', or leave it empty for a generated name",
			p.StateMachineName)
	}
	return nil
}

func (p *Props) typeName() string {
	if p.Express {
		return "Express"
	}
	return "Standard"
}

// withDefaults returns a copy of p with every zero field set to its default.
func (p *Props) withDefaults() Props {
	out := *p
	if out.Timeout == 0 {
		out.Timeout = DefaultStandardTimeout
		if out.Express {
			out.Timeout = DefaultExpressTimeout
		}
	}
	if out.RemovalPolicy == "" {
		out.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	return out
}
