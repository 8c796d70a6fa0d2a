package etl

import (
	"strings"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

func TestPropsValidate(t *testing.T) {
	tests := []struct {
		name  string
		props *Props
		want  string
	}{
		{"nil props", nil, ""},
		{"zero value", &Props{}, ""},
		{"strict quality", &Props{MaxRejectRatio: ptr(0.0)}, ""},
		{"limits", &Props{BatchSize: 1000, MaxConcurrency: 10000, ToleratedFailurePercentage: 100}, ""},
		{"glue job", &Props{GlueJobName: ptr("nightly-sales")}, ""},
		{"rate", &Props{Schedule: "rate(1 day)"}, ""},
		{"rate plural", &Props{Schedule: "rate(6 hours)"}, ""},
		{"cron weekdays", &Props{Schedule: "cron(30 1 ? * MON-FRI *)"}, ""},
		{"reject ratio above 1", &Props{MaxRejectRatio: ptr(1.5)}, "Props.MaxRejectRatio is 1.5; it must lie in [0, 1]"},
		{"reject ratio negative", &Props{MaxRejectRatio: ptr(-0.1)}, "Props.MaxRejectRatio is -0.1"},
		{"batch too large", &Props{BatchSize: 5000}, "Props.BatchSize is 5000; a batch holds 1 to 1000 objects"},
		{"batch negative", &Props{BatchSize: -1}, "Props.BatchSize is -1"},
		{"concurrency too high", &Props{MaxConcurrency: 20000}, "Props.MaxConcurrency is 20000; a Distributed Map runs 1 to 10000"},
		{"tolerance above 100", &Props{ToleratedFailurePercentage: 101}, "Props.ToleratedFailurePercentage is 101"},
		{"schedule nonsense", &Props{Schedule: "every day"}, `Props.Schedule is "every day": use rate(value unit) or cron(`},
		{"rate singular/plural", &Props{Schedule: "rate(1 days)"}, "write rate(1 day) for one unit"},
		{"rate zero", &Props{Schedule: "rate(0 minutes)"}, "a rate needs a positive value"},
		{"cron five fields", &Props{Schedule: "cron(0 2 * * ?)"}, "a cron expression has 6 fields"},
		{"cron both days", &Props{Schedule: "cron(0 2 * * * *)"}, `exactly one of day-of-month ("*") and day-of-week ("*") must be "?"`},
		{"empty glue job", &Props{GlueJobName: ptr("")}, `Props.GlueJobName is ""; name an existing Glue job`},
		{"partial-day expiration", &Props{RawExpiration: 36 * time.Hour}, "Props.RawExpiration is 36h0m0s"},
		{"bad database", &Props{DatabaseName: "Sales-DB"}, `Props.DatabaseName is "Sales-DB"`},
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

func TestDefaults(t *testing.T) {
	d := (&Props{}).withDefaults()
	if *d.MaxRejectRatio != DefaultMaxRejectRatio || d.MinRows != 1 || d.BatchSize != DefaultBatchSize || d.Schedule != DefaultSchedule || d.RawExpiration != 30*24*time.Hour {
		t.Errorf("defaults = %+v", d)
	}
	if err := ValidateSchedule(DefaultSchedule); err != nil {
		t.Errorf("the default schedule is invalid: %v", err)
	}
}
