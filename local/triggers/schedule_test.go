package triggers

import (
	"strings"
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestScheduleNext checks the examples of "Schedule expressions for rules"
// and our ETL's daily cron.
func TestScheduleNext(t *testing.T) {
	created := at("2026-11-22T00:00:00Z")
	tests := []struct{ expr, after, want string }{
		{"cron(0 2 * * ? *)", "2026-11-22T00:00:00Z", "2026-11-22T02:00:00Z"},
		{"cron(0 2 * * ? *)", "2026-11-22T02:00:00Z", "2026-11-23T02:00:00Z"},
		{"cron(15 10 ? * 6L 2026)", "", ""}, // refused below
		{"cron(0/15 * * * ? *)", "2026-11-22T00:07:00Z", "2026-11-22T00:15:00Z"},
		{"cron(0 18 ? * MON-FRI *)", "2026-11-22T00:00:00Z", "2026-11-23T18:00:00Z"}, // the 22nd is a Sunday
		{"cron(0 8 1 * ? *)", "2026-11-22T00:00:00Z", "2026-12-01T08:00:00Z"},
		{"cron(0 0 29 FEB ? 2027,2028)", "2026-11-22T00:00:00Z", "2028-02-29T00:00:00Z"},
		{"rate(5 minutes)", "2026-11-22T00:07:00Z", "2026-11-22T00:10:00Z"},
		{"rate(1 day)", "2026-11-22T00:00:00Z", "2026-11-23T00:00:00Z"},
	}
	for _, tc := range tests {
		s, err := ParseSchedule(tc.expr)
		if tc.want == "" {
			if err == nil {
				t.Errorf("%s was accepted", tc.expr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if got := s.Next(created, at(tc.after)); !got.Equal(at(tc.want)) {
			t.Errorf("%s after %s: %s; want %s", tc.expr, tc.after, got.Format(time.RFC3339), tc.want)
		}
	}
}

func TestScheduleRefusesMalformed(t *testing.T) {
	for expr, want := range map[string]string{
		"cron(0 2 * * *)":      "six fields",
		"cron(0 2 * * * *)":    "exactly one of day-of-month and day-of-week must be ?",
		"cron(61 2 * * ? *)":   `"61" is not a value from 0 to 59`,
		"cron(0 2 L * ? *)":    "L, W and #",
		"rate(0 minutes)":      "positive integer",
		"rate(5 minute)":       "the unit must be",
		"every day at 2":       "neither rate(...) nor cron(...)",
		"cron(0 2 ? * MON# *)": "",
	} {
		_, err := ParseSchedule(expr)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want an error with %q", expr, err, want)
		}
	}
}
