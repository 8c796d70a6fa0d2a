package etl

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/encrypted"
)

// newSchedule starts a run on the schedule with {"scheduledAt": <time>};
// StartRun loads the day before. Starts EventBridge cannot deliver after
// retries go to a dead-letter queue.
func newSchedule(scope constructs.Construct, e *ETL, p Props) (awsevents.Rule, awssqs.Queue) {
	dlq := encrypted.NewEventsDeadLetterQueue(scope, "ScheduleDeadLetters", e.Key, "the daily ETL schedule")
	rule := awsevents.NewRule(scope, jsii.String("DailyRun"), &awsevents.RuleProps{
		Description: jsii.String("Starts the ETL run for the previous day"),
		Schedule:    awsevents.Schedule_Expression(jsii.String(p.Schedule)),
	})
	rule.AddTarget(awseventstargets.NewSfnStateMachine(e.StateMachine.StateMachine, &awseventstargets.SfnStateMachineProps{
		Input:           awsevents.RuleTargetInput_FromObject(map[string]interface{}{"scheduledAt": awsevents.EventField_Time()}),
		DeadLetterQueue: dlq,
		RetryAttempts:   jsii.Number(3),
		MaxEventAge:     awscdk.Duration_Hours(jsii.Number(2)),
	}))
	return rule, dlq
}
