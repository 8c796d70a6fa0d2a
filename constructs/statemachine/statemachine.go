// Package statemachine is a Step Functions state machine with the defaults
// every workflow of this project gets (see the README): execution logs at
// level ALL, with execution data, into a log group encrypted with a
// customer-managed key; X-Ray tracing; execution data encrypted with the same
// key; an execution timeout; alarms on failed, timed-out, aborted and
// throttled executions that notify an SNS topic; and a role of its own
// (or the one passed in Props.Role).
//
// It also refuses to synthesize a Task state without TimeoutSeconds or
// without a Catch (unless an enclosing Parallel or Map catches for it): a
// task that can hang or fail silently is a bug this package exists to stop.
//
// NewLambdaTask invokes any Lambda function (one of this app, in any
// language, or an imported one) with a retry of Lambda's transient errors
// and a timeout no shorter than the function's. CDK's DynamoDB, SNS and
// CallAwsService tasks grant the service action but not the resource's
// customer-managed key: grant it with encrypted.GrantTableKey or
// encrypted.GrantTopicKey, passing the StateMachine as the grantee.
package statemachine

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/encrypted"
	"github.com/sfnkit/sfnkit/constructs/nag"
	"github.com/sfnkit/sfnkit/internal/policydoc"
)

// StateMachine is a state machine and everything made for it.
type StateMachine struct {
	constructs.Construct

	// StateMachine is the state machine (construct id "Resource").
	StateMachine awsstepfunctions.StateMachine
	// Role is the execution role: Props.Role, or the role made for it.
	Role awsiam.IRole
	// Key encrypts execution data, logs and the alarm topic.
	Key awskms.IKey
	// LogGroup receives execution logs.
	LogGroup awslogs.LogGroup
	// AlarmTopic receives alarm notifications.
	AlarmTopic awssns.ITopic
	// Alarms are the execution alarms, keyed by metric name; empty when
	// DisableAlarms was set.
	Alarms map[string]awscloudwatch.Alarm

	unscoped *nag.Unscoped
}

// LogDeliveryActions and TracingActions are what the execution role is
// granted on Resource "*" for logging and X-Ray (policydoc's lists);
// AllowUnscoped adds to them.
var (
	LogDeliveryActions = policydoc.LogDeliveryActions
	TracingActions     = policydoc.TracingActions
)

// New defines the state machine. Invalid props panic with a message naming
// the prop, the value and the fix; the app turns that into a failed synth.
func New(scope constructs.Construct, id string, props *Props) *StateMachine {
	if err := props.Validate(); err != nil {
		panic(err)
	}
	p := props.withDefaults()
	this := constructs.NewConstruct(scope, jsii.String(id))
	s := &StateMachine{Construct: this, Key: p.Key, Alarms: map[string]awscloudwatch.Alarm{}}
	if s.Key == nil {
		s.Key = encrypted.NewKey(this, "Key", &encrypted.KeyProps{RemovalPolicy: p.RemovalPolicy})
	}
	s.LogGroup = encrypted.NewLogGroup(this, "Logs", &encrypted.LogGroupProps{
		Key: s.Key, Retention: p.LogRetention, RemovalPolicy: p.RemovalPolicy,
		// Step Functions recommends the /aws/vendedlogs/ prefix: it keeps the
		// log group's resource policy small as state machines are added.
		LogGroupName: jsii.String("/aws/vendedlogs/states/" + *awscdk.Names_UniqueResourceName(this, &awscdk.UniqueResourceNameOptions{MaxLength: jsii.Number(200)})),
	})
	s.Role = p.Role
	if s.Role == nil {
		s.Role = awsiam.NewRole(this, jsii.String("Role"), &awsiam.RoleProps{
			AssumedBy:   awsiam.NewServicePrincipal(jsii.String("states.amazonaws.com"), nil),
			Description: jsii.String("Execution role of the state machine " + *this.Node().Path()),
		})
	}

	machineType := awsstepfunctions.StateMachineType_STANDARD
	if p.Express {
		machineType = awsstepfunctions.StateMachineType_EXPRESS
	}
	var name, comment *string
	if p.StateMachineName != "" {
		name = jsii.String(p.StateMachineName)
	}
	if p.Comment != "" {
		comment = jsii.String(p.Comment)
	}
	s.StateMachine = awsstepfunctions.NewStateMachine(this, jsii.String("Resource"), &awsstepfunctions.StateMachineProps{
		DefinitionBody:   awsstepfunctions.DefinitionBody_FromChainable(p.Definition),
		StateMachineType: machineType,
		StateMachineName: name,
		Comment:          comment,
		QueryLanguage:    p.QueryLanguage,
		Role:             s.Role,
		Timeout:          awscdk.Duration_Seconds(jsii.Number(p.Timeout.Seconds())),
		TracingEnabled:   jsii.Bool(true),
		Logs: &awsstepfunctions.LogOptions{
			Destination:          s.LogGroup,
			Level:                p.LogLevel,
			IncludeExecutionData: jsii.Bool(!p.ExcludeExecutionData),
		},
		EncryptionConfiguration: awsstepfunctions.NewCustomerManagedEncryptionConfiguration(s.Key, awscdk.Duration_Seconds(jsii.Number(300))),
		RemovalPolicy:           p.RemovalPolicy,
	})
	this.Node().AddValidation(&taskCheck{machine: s.StateMachine})

	s.unscoped = nag.NewUnscoped(s.Role)
	s.unscoped.Allow("CloudWatch Logs delivery to the log group supports no resource-level permissions.", LogDeliveryActions...)
	s.unscoped.Allow("X-Ray tracing supports no resource-level permissions.", TracingActions...)
	nag.Suppress(s.Role, "AwsSolutions-IAM5",
		"CDK's LambdaInvoke grants each invoked function and its versions and aliases (<Function.Arn>:*); every grant is still one function.",
		// A function of this app is a token; an existing one, a literal ARN.
		nag.Pattern(`/^Resource::(<[A-Za-z0-9]+\.Arn>|arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+):\*$/`))
	nag.Suppress(s.StateMachine, "AwsSolutions-IAM5",
		"A Distributed Map runs child executions of this state machine; CDK scopes DescribeExecution, StopExecution and RedriveExecution to this state machine's own executions, whose ids are only known at run time.",
		// The ARN names the partition, region and account as tokens in an
		// environment-agnostic stack, and literally in a pinned one (prod).
		nag.Pattern(`/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):states:(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|[0-9]{12}):execution:.*$/`))
	nag.Suppress(s.Role, "AwsSolutions-IAM5",
		"CDK's grants for sending to KMS-encrypted queues and topics name kms:GenerateDataKey*; the statement is limited to the keys of those queues and topics.",
		"Action::kms:GenerateDataKey*")

	s.AlarmTopic = p.AlarmTopic
	if !p.DisableAlarms {
		if s.AlarmTopic == nil {
			s.AlarmTopic = encrypted.NewTopic(this, "AlarmTopic", s.Key, "Alarms of "+*this.Node().Path())
		}
		s.addAlarms(p.AlarmThresholds)
	}
	return s
}

// AllowUnscoped lets the execution role be granted actions on Resource "*"
// (a CallAwsService task of an API without resource-level permissions),
// with the reason why. Any other action granted on "*" fails synthesis;
// see nag.Unscoped.
func (s *StateMachine) AllowUnscoped(reason string, actions ...string) {
	s.unscoped.Allow(reason, actions...)
}

// GrantPrincipal is the execution role, so a StateMachine can be passed
// where a grant takes an awsiam.IGrantable (encrypted.GrantTableKey).
func (s *StateMachine) GrantPrincipal() awsiam.IPrincipal { return s.Role.GrantPrincipal() }

// StateMachineArn is the state machine's ARN.
func (s *StateMachine) StateMachineArn() *string { return s.StateMachine.StateMachineArn() }

// GrantStartExecution lets identity start executions of this state machine.
func (s *StateMachine) GrantStartExecution(identity awsiam.IGrantable) awsiam.Grant {
	return s.StateMachine.GrantStartExecution(identity)
}

// GrantStartSyncExecution lets identity run an Express workflow synchronously.
func (s *StateMachine) GrantStartSyncExecution(identity awsiam.IGrantable) awsiam.Grant {
	return s.StateMachine.GrantStartSyncExecution(identity)
}

// GrantTaskResponse lets identity answer this state machine's task tokens
// (SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat).
func (s *StateMachine) GrantTaskResponse(identity awsiam.IGrantable) awsiam.Grant {
	return s.StateMachine.GrantTaskResponse(identity)
}

// GrantRead lets identity list and describe executions and read their history.
func (s *StateMachine) GrantRead(identity awsiam.IGrantable) awsiam.Grant {
	return s.StateMachine.GrantRead(identity)
}
