package statemachine

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
)

// definition stands in for a chain: Validate only checks it is present.
type definition struct{ awsstepfunctions.IChainable }

func TestPropsValidate(t *testing.T) {
	tests := []struct {
		name  string
		props *Props
		want  string
	}{
		{"standard defaults", &Props{Definition: definition{}}, ""},
		{"a year", &Props{Definition: definition{}, Timeout: 365 * 24 * time.Hour}, ""},
		{"express five minutes", &Props{Definition: definition{}, Express: true, Timeout: 5 * time.Minute}, ""},
		{"nil props", nil, "Props.Definition is nil"},
		{"no definition", &Props{}, "Props.Definition is nil"},
		{"express too long", &Props{Definition: definition{}, Express: true, Timeout: 6 * time.Minute}, "Props.Timeout is 6m0s; a Express workflow allows"},
		{"over a year", &Props{Definition: definition{}, Timeout: 366 * 24 * time.Hour}, "Props.Timeout is 8784h0m0s"},
		{"fractional", &Props{Definition: definition{}, Timeout: 1500 * time.Millisecond}, "Props.Timeout is 1.5s"},
		{"bad name", &Props{Definition: definition{}, StateMachineName: "orders machine"}, `Props.StateMachineName is "orders machine"`},
		{"jsonata", &Props{Definition: definition{}, QueryLanguage: awsstepfunctions.QueryLanguage_JSONATA}, ""},
		{"jsonpath named", &Props{Definition: definition{}, QueryLanguage: awsstepfunctions.QueryLanguage_JSON_PATH}, ""},
		{"unknown query language", &Props{Definition: definition{}, QueryLanguage: "XPath"}, `Props.QueryLanguage is "XPath"; use awsstepfunctions.QueryLanguage_JSONATA`},
		{"log level error", &Props{Definition: definition{}, LogLevel: awsstepfunctions.LogLevel_ERROR, ExcludeExecutionData: true}, ""},
		{"log level fatal", &Props{Definition: definition{}, LogLevel: awsstepfunctions.LogLevel_FATAL}, ""},
		{"logging off", &Props{Definition: definition{}, LogLevel: awsstepfunctions.LogLevel_OFF}, "Props.LogLevel is OFF; this state machine always logs"},
		{"unknown log level", &Props{Definition: definition{}, LogLevel: "DEBUG"}, `Props.LogLevel is "DEBUG"; use awsstepfunctions.LogLevel_ALL`},
		{"alarm thresholds", &Props{Definition: definition{}, AlarmThresholds: AlarmThresholds{
			Failed: Threshold{Count: 3, EvaluationPeriods: 2, Period: 10 * time.Minute}, Throttled: Threshold{Count: 10}}}, ""},
		{"negative count", &Props{Definition: definition{}, AlarmThresholds: AlarmThresholds{Aborted: Threshold{Count: -1}}},
			"Props.AlarmThresholds.Aborted.Count is -1; set at least 1, or 0 for the default 1"},
		{"negative evaluation periods", &Props{Definition: definition{}, AlarmThresholds: AlarmThresholds{TimedOut: Threshold{EvaluationPeriods: -2}}},
			"Props.AlarmThresholds.TimedOut.EvaluationPeriods is -2; set at least 1"},
		{"period in seconds", &Props{Definition: definition{}, AlarmThresholds: AlarmThresholds{Throttled: Threshold{Period: 90 * time.Second}}},
			"Props.AlarmThresholds.Throttled.Period is 1m30s; set whole minutes of at least 1m, or 0 for the default 5m0s"},
		{"negative period", &Props{Definition: definition{}, AlarmThresholds: AlarmThresholds{Failed: Threshold{Period: -time.Minute}}},
			"Props.AlarmThresholds.Failed.Period is -1m0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.props.Validate()
			if tt.want == "" {
				if err != nil {
					t.Errorf("Validate() = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestWithDefaultsTimeoutByType(t *testing.T) {
	if got := (&Props{}).withDefaults().Timeout; got != DefaultStandardTimeout {
		t.Errorf("standard default = %v", got)
	}
	if got := (&Props{Express: true}).withDefaults().Timeout; got != DefaultExpressTimeout {
		t.Errorf("express default = %v", got)
	}
}

func TestWithDefaultsLoggingAndAlarms(t *testing.T) {
	// GIVEN props that set one alarm's count and nothing else
	props := &Props{AlarmThresholds: AlarmThresholds{Failed: Threshold{Count: 3}}}

	// WHEN the defaults are applied
	got := props.withDefaults()

	// THEN logging is ALL with data, the set count is kept and every other
	// threshold field has its default, on a copy
	if got.LogLevel != awsstepfunctions.LogLevel_ALL || got.ExcludeExecutionData || got.QueryLanguage != "" {
		t.Errorf("logging defaults: level %q, exclude data %v, query language %q", got.LogLevel, got.ExcludeExecutionData, got.QueryLanguage)
	}
	want := Threshold{Count: DefaultAlarmCount, EvaluationPeriods: DefaultAlarmEvaluationPeriods, Period: DefaultAlarmPeriod}
	if got.AlarmThresholds.Failed != (Threshold{Count: 3, EvaluationPeriods: 1, Period: 5 * time.Minute}) ||
		got.AlarmThresholds.TimedOut != want || got.AlarmThresholds.Aborted != want || got.AlarmThresholds.Throttled != want {
		t.Errorf("thresholds = %+v", got.AlarmThresholds)
	}
	if props.LogLevel != "" || props.AlarmThresholds.TimedOut != (Threshold{}) {
		t.Errorf("withDefaults modified the caller's props: %+v", props)
	}
}

func TestCheckTaskTimeout(t *testing.T) {
	tests := []struct {
		name      string
		timeout   time.Duration
		fnTimeout time.Duration
		unknown   string
		want      string
	}{
		{"default", 0, 10 * time.Second, "", ""},
		{"equal to the function's", 10 * time.Second, 10 * time.Second, "", ""},
		{"longer", time.Minute, 10 * time.Second, "", ""},
		{"shorter", 5 * time.Second, 10 * time.Second, "",
			`LambdaTaskProps.Timeout of task "Ship" is 5s, shorter than its function's timeout 10s: the task would give up on invocations still running; set at least 10s`},
		{"fractional", 1500 * time.Millisecond, time.Second, "", `LambdaTaskProps.Timeout of task "Ship" is 1.5s; Step Functions takes whole seconds`},
		{"negative", -time.Second, time.Second, "", `LambdaTaskProps.Timeout of task "Ship" is -1s`},
		{"unknown function timeout, task timeout set", 30 * time.Second, 0, "imported", ""},
		{"unknown function timeout, no task timeout", 0, 0, "imported",
			`LambdaTaskProps.Timeout of task "Ship" is 0 and its function's timeout cannot be read (imported): set FunctionTimeout to the function's timeout (or Timeout to at least that)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkTaskTimeout("Ship", tt.timeout, tt.fnTimeout, tt.unknown)
			if tt.want == "" {
				if err != nil {
					t.Errorf("checkTaskTimeout() = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("checkTaskTimeout() = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestLambdaTaskPropsValidateWithoutFunction(t *testing.T) {
	for _, p := range []*LambdaTaskProps{nil, {}} {
		if err := p.Validate("Ship"); err == nil || !strings.Contains(err.Error(), `LambdaTaskProps.Function of task "Ship" is nil`) {
			t.Errorf("Validate(%+v) = %v", p, err)
		}
	}
}
