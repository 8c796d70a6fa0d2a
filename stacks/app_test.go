package stacks

import (
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	providers := Providers{
		PaymentFunctionArn:  "arn:aws:lambda:eu-west-1:123456789012:function:pay",
		RefundFunctionArn:   "arn:aws:lambda:eu-west-1:123456789012:function:refund",
		ShippingFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:ship",
		TimeoutSeconds:      30,
	}
	prod := Config{Stage: StageProd, Account: "123456789012", Region: "eu-west-1", Providers: providers}
	noTimeout := providers
	noTimeout.TimeoutSeconds = 0
	noCarrier := providers
	noCarrier.ShippingFunctionArn = ""
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"dev with simulators", Config{}, ""},
		{"dev with a real payment function", Config{Providers: Providers{PaymentFunctionArn: providers.PaymentFunctionArn, TimeoutSeconds: 10}}, ""},
		{"prod with providers", prod, ""},
		{"prod with simulators", Config{Stage: StageProd, Account: "123456789012", Region: "eu-west-1"},
			"stage prod would deploy the simulated payment provider and carrier"},
		{"prod without a carrier", Config{Stage: StageProd, Account: "123456789012", Region: "eu-west-1", Providers: noCarrier},
			"-c shippingFunctionArn="},
		{"providers without a timeout", Config{Providers: noTimeout}, "providerFunctionTimeout is 0"},
		{"prod unpinned", Config{Stage: StageProd, Providers: providers}, "stage prod needs an account and a region"},
		{"unknown stage", Config{Stage: "qa"}, `context stage is "qa"; use -c stage=dev or -c stage=prod`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.want == "" {
				if err != nil {
					t.Errorf("Validate() = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v, want it to say %q", err, tt.want)
			}
		})
	}
}
