package orderfulfillment

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"

	"github.com/sfnkit/sfnkit/constructs/gofunction"
)

// existing stands in for an existing function; Validate never calls it.
type existing struct{ awslambda.IFunction }

var ownProviders = Handlers{
	ProcessPayment: gofunction.Handler{Entry: "./cmd/pay"},
	RefundPayment:  gofunction.Handler{Entry: "./cmd/refund"},
	ShipOrder:      gofunction.Handler{Function: existing{}, Timeout: 30 * time.Second},
}

func TestPropsValidate(t *testing.T) {
	tests := []struct {
		name  string
		props *Props
		want  string
	}{
		{"nil props name the providers", nil, "Props is nil"},
		{"zero value needs providers", &Props{}, "Props.Handlers.ProcessPayment is not set and SimulatedProviders is false"},
		{"simulators asked for", &Props{SimulatedProviders: true}, ""},
		{"own providers", &Props{Handlers: ownProviders}, ""},
		{"own payment, no carrier", &Props{Handlers: Handlers{ProcessPayment: ownProviders.ProcessPayment, RefundPayment: ownProviders.RefundPayment}},
			"Props.Handlers.ShipOrder is not set"},
		{"entry and function both", &Props{SimulatedProviders: true, Handlers: Handlers{ValidateOrder: gofunction.Handler{Entry: "./cmd/validate", Function: existing{}, Timeout: time.Second}}},
			"Props.Handlers.ValidateOrder sets both Entry"},
		{"existing function without timeout", &Props{SimulatedProviders: true, Handlers: Handlers{ShipOrder: gofunction.Handler{Function: existing{}}}},
			"Props.Handlers.ShipOrder.Timeout is 0s"},
		{"approve everything", &Props{SimulatedProviders: true, ApprovalThresholdCents: 1}, ""},
		{"short approval", &Props{SimulatedProviders: true, ApprovalTimeout: time.Hour, ApprovalHeartbeat: 10 * time.Minute}, ""},
		{"negative threshold", &Props{SimulatedProviders: true, ApprovalThresholdCents: -1}, "Props.ApprovalThresholdCents is -1"},
		{"heartbeat equals timeout", &Props{SimulatedProviders: true, ApprovalTimeout: time.Hour, ApprovalHeartbeat: time.Hour},
			"Props.ApprovalHeartbeat is 1h0m0s but ApprovalTimeout is 1h0m0s; the heartbeat must be"},
		{"heartbeat above timeout", &Props{SimulatedProviders: true, ApprovalHeartbeat: 48 * time.Hour}, "Props.ApprovalHeartbeat is 48h0m0s but ApprovalTimeout is 24h0m0s"},
		{"approval over a year", &Props{SimulatedProviders: true, ApprovalTimeout: 9000 * time.Hour}, "Props.ApprovalTimeout is 9000h0m0s"},
		{"execution shorter than approval", &Props{SimulatedProviders: true, ExecutionTimeout: 2 * time.Hour}, "Props.ExecutionTimeout is 2h0m0s but ApprovalTimeout is 24h0m0s"},
		{"negative api limits", &Props{SimulatedProviders: true, ApiRateLimit: -5}, "Props.ApiRateLimit -5"},
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
	if d.Handlers.ProcessPayment.Entry != EntryProcessPayment || d.Handlers.ValidateOrder.Entry != EntryValidateOrder {
		t.Errorf("default handlers = %+v", d.Handlers)
	}
	if d.ApprovalThresholdCents != 100_000 || d.ApprovalTimeout != 24*time.Hour || d.ApprovalHeartbeat != 6*time.Hour || d.ExecutionTimeout != 36*time.Hour {
		t.Errorf("defaults = %+v", d)
	}
}
