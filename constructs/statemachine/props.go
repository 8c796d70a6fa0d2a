package statemachine

import (
	"fmt"
	"regexp"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
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
	DefaultLogLevel        = awsstepfunctions.LogLevel_ALL
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

	// QueryLanguage is the definition's default query language.
	// awsstepfunctions.QueryLanguage_JSONATA makes every state JSONata; such
	// a definition cannot hold JSONPath states, so NewLambdaTask (JSONPath)
	// cannot be used in it: build its tasks with the CDK's *_Jsonata
	// constructors. If empty, JSONPath, Step Functions' default, and the
	// definition names no QueryLanguage; states may still opt into JSONata
	// one by one.
	QueryLanguage awsstepfunctions.QueryLanguage

	// LogLevel is which execution events are logged. If empty, ALL, which
	// cdk-nag's AwsSolutions-SF1 asks for. ERROR and FATAL log less; they
	// raise that finding, so suppress it with your reason
	// (nag.Suppress(machine.StateMachine, "AwsSolutions-SF1", reason)).
	// OFF is refused: an Express workflow keeps no execution history but
	// its logs, and the alarms send people to read them.
	LogLevel awsstepfunctions.LogLevel

	// ExcludeExecutionData keeps the states' input and output out of the
	// logs, for data that must not reach CloudWatch Logs. If false, the
	// logs include it, which is what makes a failed execution debuggable.
	ExcludeExecutionData bool

	// Role is the execution role to use, for a team whose roles are made
	// elsewhere. The construct adds to it what the definition's tasks,
	// logging, tracing and the key need, so an imported role must be
	// mutable (the default of Role_FromRoleArn) or already hold all of
	// that. If nil, the state machine creates a role of its own.
	Role awsiam.IRole

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

	// AlarmThresholds says when each alarm fires. A zero field keeps its
	// default: one failed, timed-out or aborted execution, or one
	// throttled transition, summed over five minutes, in one period.
	// Ignored when DisableAlarms is set.
	AlarmThresholds AlarmThresholds

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
	switch p.QueryLanguage {
	case "", awsstepfunctions.QueryLanguage_JSON_PATH, awsstepfunctions.QueryLanguage_JSONATA:
	default:
		return fmt.Errorf("statemachine: Props.QueryLanguage is %q; use awsstepfunctions.QueryLanguage_JSONATA, QueryLanguage_JSON_PATH, or leave it empty for JSONPath",
			p.QueryLanguage)
	}
	switch p.LogLevel {
	case "", awsstepfunctions.LogLevel_ALL, awsstepfunctions.LogLevel_ERROR, awsstepfunctions.LogLevel_FATAL:
	case awsstepfunctions.LogLevel_OFF:
		return fmt.Errorf("statemachine: Props.LogLevel is OFF; this state machine always logs (an Express workflow has no other execution record): " +
			"use ERROR or FATAL to log less, ExcludeExecutionData to keep data out of the logs, or leave it empty for ALL")
	default:
		return fmt.Errorf("statemachine: Props.LogLevel is %q; use awsstepfunctions.LogLevel_ALL, LogLevel_ERROR or LogLevel_FATAL, or leave it empty for ALL",
			p.LogLevel)
	}
	if err := p.AlarmThresholds.validate(); err != nil {
		return err
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

// withDefaults returns a copy of p with every zero field set to its
// default. QueryLanguage stays empty for JSONPath, so the definition names
// none, as before it was a prop.
func (p *Props) withDefaults() Props {
	out := *p
	if out.Timeout == 0 {
		out.Timeout = DefaultStandardTimeout
		if out.Express {
			out.Timeout = DefaultExpressTimeout
		}
	}
	if out.LogLevel == "" {
		out.LogLevel = DefaultLogLevel
	}
	out.AlarmThresholds = out.AlarmThresholds.withDefaults()
	if out.RemovalPolicy == "" {
		out.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	return out
}
