package statemachine

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/jsii-runtime-go"
)

// Metric names of the execution alarms, as CloudWatch names them.
const (
	MetricExecutionsFailed   = "ExecutionsFailed"
	MetricExecutionsTimedOut = "ExecutionsTimedOut"
	MetricExecutionsAborted  = "ExecutionsAborted"
	MetricExecutionThrottled = "ExecutionThrottled"
)

// metricOptions sums over five minutes: one bad execution in that window
// raises an alarm.
func (s *StateMachine) metricOptions() *awscloudwatch.MetricOptions {
	return &awscloudwatch.MetricOptions{Period: awscdk.Duration_Minutes(jsii.Number(5)), Statistic: jsii.String("Sum")}
}

// MetricFailed is the number of failed executions per five minutes.
func (s *StateMachine) MetricFailed() awscloudwatch.Metric {
	return s.StateMachine.MetricFailed(s.metricOptions())
}

// MetricTimedOut is the number of executions that hit the timeout.
func (s *StateMachine) MetricTimedOut() awscloudwatch.Metric {
	return s.StateMachine.MetricTimedOut(s.metricOptions())
}

// MetricAborted is the number of aborted (stopped) executions.
func (s *StateMachine) MetricAborted() awscloudwatch.Metric {
	return s.StateMachine.MetricAborted(s.metricOptions())
}

// MetricThrottled is the number of throttled state transitions.
func (s *StateMachine) MetricThrottled() awscloudwatch.Metric {
	return s.StateMachine.MetricThrottled(s.metricOptions())
}

// MetricSucceeded is the number of succeeded executions.
func (s *StateMachine) MetricSucceeded() awscloudwatch.Metric {
	return s.StateMachine.MetricSucceeded(s.metricOptions())
}

func (s *StateMachine) addAlarms() {
	action := awscloudwatchactions.NewSnsAction(s.AlarmTopic)
	for _, a := range []struct {
		metricName  string
		metric      awscloudwatch.Metric
		description string
	}{
		{MetricExecutionsFailed, s.MetricFailed(), "An execution failed: read its history for the error and cause."},
		{MetricExecutionsTimedOut, s.MetricTimedOut(), "An execution ran past the state machine's timeout."},
		{MetricExecutionsAborted, s.MetricAborted(), "An execution was stopped before it finished."},
		{MetricExecutionThrottled, s.MetricThrottled(), "Step Functions throttled state transitions: executions are slowed."},
	} {
		alarm := awscloudwatch.NewAlarm(s.Construct, jsii.String(a.metricName+"Alarm"), &awscloudwatch.AlarmProps{
			Metric:             a.metric,
			Threshold:          jsii.Number(1),
			EvaluationPeriods:  jsii.Number(1),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
			AlarmDescription:   jsii.String(a.description),
		})
		alarm.AddAlarmAction(action)
		s.Alarms[a.metricName] = alarm
	}
}
