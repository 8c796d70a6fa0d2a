package statemachine

import (
	"fmt"
	"time"

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

// Defaults of a Threshold: one event in one five-minute period.
const (
	DefaultAlarmCount             = 1
	DefaultAlarmEvaluationPeriods = 1
	DefaultAlarmPeriod            = 5 * time.Minute
)

// AlarmThresholds says when each execution alarm fires.
type AlarmThresholds struct {
	// Failed is for executions that failed. If zero, the defaults.
	Failed Threshold
	// TimedOut is for executions that ran past the timeout. If zero, the defaults.
	TimedOut Threshold
	// Aborted is for executions that were stopped. If zero, the defaults.
	Aborted Threshold
	// Throttled is for throttled state transitions. If zero, the defaults.
	Throttled Threshold
}

// Threshold is when one alarm fires: its metric's sum over a Period
// reaches Count in EvaluationPeriods consecutive periods.
type Threshold struct {
	// Count is the sum within one period that breaches. If zero, 1: a
	// single event raises the alarm.
	Count int
	// EvaluationPeriods is how many consecutive periods must breach. If
	// zero, 1.
	EvaluationPeriods int
	// Period is the length of one period, in whole minutes (Step Functions
	// publishes its metrics once a minute). If zero, five minutes.
	Period time.Duration
}

// named pairs each threshold with its prop name, in the alarms' order.
func (a *AlarmThresholds) named() []struct {
	name string
	t    *Threshold
} {
	return []struct {
		name string
		t    *Threshold
	}{{"Failed", &a.Failed}, {"TimedOut", &a.TimedOut}, {"Aborted", &a.Aborted}, {"Throttled", &a.Throttled}}
}

func (a AlarmThresholds) validate() error {
	for _, n := range a.named() {
		prop := "Props.AlarmThresholds." + n.name
		t := n.t
		if t.Count < 0 {
			return fmt.Errorf("statemachine: %s.Count is %d; set at least 1, or 0 for the default %d", prop, t.Count, DefaultAlarmCount)
		}
		if t.EvaluationPeriods < 0 {
			return fmt.Errorf("statemachine: %s.EvaluationPeriods is %d; set at least 1, or 0 for the default %d",
				prop, t.EvaluationPeriods, DefaultAlarmEvaluationPeriods)
		}
		if t.Period < 0 || t.Period%time.Minute != 0 {
			return fmt.Errorf("statemachine: %s.Period is %v; set whole minutes of at least 1m, or 0 for the default %v",
				prop, t.Period, DefaultAlarmPeriod)
		}
	}
	return nil
}

func (a AlarmThresholds) withDefaults() AlarmThresholds {
	for _, n := range a.named() {
		if n.t.Count == 0 {
			n.t.Count = DefaultAlarmCount
		}
		if n.t.EvaluationPeriods == 0 {
			n.t.EvaluationPeriods = DefaultAlarmEvaluationPeriods
		}
		if n.t.Period == 0 {
			n.t.Period = DefaultAlarmPeriod
		}
	}
	return a
}

// metricOptions sums over period.
func metricOptions(period time.Duration) *awscloudwatch.MetricOptions {
	return &awscloudwatch.MetricOptions{Period: awscdk.Duration_Seconds(jsii.Number(period.Seconds())), Statistic: jsii.String("Sum")}
}

// MetricFailed is the number of failed executions per five minutes.
func (s *StateMachine) MetricFailed() awscloudwatch.Metric {
	return s.StateMachine.MetricFailed(metricOptions(DefaultAlarmPeriod))
}

// MetricTimedOut is the number of executions that hit the timeout.
func (s *StateMachine) MetricTimedOut() awscloudwatch.Metric {
	return s.StateMachine.MetricTimedOut(metricOptions(DefaultAlarmPeriod))
}

// MetricAborted is the number of aborted (stopped) executions.
func (s *StateMachine) MetricAborted() awscloudwatch.Metric {
	return s.StateMachine.MetricAborted(metricOptions(DefaultAlarmPeriod))
}

// MetricThrottled is the number of throttled state transitions.
func (s *StateMachine) MetricThrottled() awscloudwatch.Metric {
	return s.StateMachine.MetricThrottled(metricOptions(DefaultAlarmPeriod))
}

// MetricSucceeded is the number of succeeded executions.
func (s *StateMachine) MetricSucceeded() awscloudwatch.Metric {
	return s.StateMachine.MetricSucceeded(metricOptions(DefaultAlarmPeriod))
}

// addAlarms creates the four execution alarms with thresholds t (defaults
// applied), each notifying the alarm topic.
func (s *StateMachine) addAlarms(t AlarmThresholds) {
	action := awscloudwatchactions.NewSnsAction(s.AlarmTopic)
	for _, a := range []struct {
		metricName  string
		metric      func(*awscloudwatch.MetricOptions) awscloudwatch.Metric
		threshold   Threshold
		description string
	}{
		{MetricExecutionsFailed, s.StateMachine.MetricFailed, t.Failed, "An execution failed: read its history for the error and cause."},
		{MetricExecutionsTimedOut, s.StateMachine.MetricTimedOut, t.TimedOut, "An execution ran past the state machine's timeout."},
		{MetricExecutionsAborted, s.StateMachine.MetricAborted, t.Aborted, "An execution was stopped before it finished."},
		{MetricExecutionThrottled, s.StateMachine.MetricThrottled, t.Throttled, "Step Functions throttled state transitions: executions are slowed."},
	} {
		alarm := awscloudwatch.NewAlarm(s.Construct, jsii.String(a.metricName+"Alarm"), &awscloudwatch.AlarmProps{
			Metric:             a.metric(metricOptions(a.threshold.Period)),
			Threshold:          jsii.Number(a.threshold.Count),
			EvaluationPeriods:  jsii.Number(a.threshold.EvaluationPeriods),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
			AlarmDescription:   jsii.String(a.description),
		})
		alarm.AddAlarmAction(action)
		s.Alarms[a.metricName] = alarm
	}
}
