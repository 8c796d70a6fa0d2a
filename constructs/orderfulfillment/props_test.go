package orderfulfillment

import (
	"strings"
	"testing"
	"time"
)

func TestPropsValidate(t *testing.T) {
	tests := []struct {
		name  string
		props *Props
		want  string
	}{
		{"nil props use defaults", nil, ""},
		{"zero value", &Props{}, ""},
		{"approve everything", &Props{ApprovalThresholdCents: 1}, ""},
		{"short approval", &Props{ApprovalTimeout: time.Hour, ApprovalHeartbeat: 10 * time.Minute}, ""},
		{"negative threshold", &Props{ApprovalThresholdCents: -1}, "Props.ApprovalThresholdCents is -1"},
		{"heartbeat equals timeout", &Props{ApprovalTimeout: time.Hour, ApprovalHeartbeat: time.Hour},
			"Props.ApprovalHeartbeat is 1h0m0s but ApprovalTimeout is 1h0m0s; the heartbeat must be"},
		{"heartbeat above timeout", &Props{ApprovalHeartbeat: 48 * time.Hour}, "Props.ApprovalHeartbeat is 48h0m0s but ApprovalTimeout is 24h0m0s"},
		{"approval over a year", &Props{ApprovalTimeout: 9000 * time.Hour}, "Props.ApprovalTimeout is 9000h0m0s"},
		{"execution shorter than approval", &Props{ExecutionTimeout: 2 * time.Hour}, "Props.ExecutionTimeout is 2h0m0s but ApprovalTimeout is 24h0m0s"},
		{"negative api limits", &Props{ApiRateLimit: -5}, "Props.ApiRateLimit -5"},
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
	if d.ApprovalThresholdCents != 100_000 || d.ApprovalTimeout != 24*time.Hour || d.ApprovalHeartbeat != 6*time.Hour || d.ExecutionTimeout != 36*time.Hour {
		t.Errorf("defaults = %+v", d)
	}
}
