package harness

import (
	"strings"
	"testing"
)

func TestCheckResultComparesFactsAndCause(t *testing.T) {
	s := Scenario{WantOutput: map[string]any{"payment.status": "CHARGED", "reservation.units": 3}}
	output := map[string]any{
		"payment":     map[string]any{"status": "CHARGED", "amountCents": 4500.0},
		"reservation": map[string]any{"units": 3.0},
	}
	if err := s.CheckResult(output, ""); err != nil {
		t.Errorf("matching output: %v", err)
	}
	tests := []struct {
		name   string
		output any
		cause  string
		want   string
	}{
		{"a wrong value", map[string]any{"payment": map[string]any{"status": "DECLINED"}, "reservation": map[string]any{"units": 3.0}}, "", `payment.status is "DECLINED"; want "CHARGED"`},
		{"a missing path", map[string]any{"payment": map[string]any{"status": "CHARGED"}}, "", "reservation.units is null; want 3"},
		{"a path through a non-object", map[string]any{"payment": "CHARGED", "reservation": map[string]any{"units": 3.0}}, "", "payment.status is null"},
		{"no output", nil, "", "payment.status is null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.CheckResult(tt.output, tt.cause); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("CheckResult = %v; want an error with %q", err, tt.want)
			}
		})
	}

	failed := Scenario{WantCause: "the payment was refunded"}
	if err := failed.CheckResult(nil, "Not every item was in stock; the payment was refunded"); err != nil {
		t.Errorf("matching cause: %v", err)
	}
	if err := failed.CheckResult(nil, "Not every item was in stock"); err == nil {
		t.Error("a cause without the wanted text passed")
	}
}
