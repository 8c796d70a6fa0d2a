package statemachine

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"

	"github.com/sfnkit/sfnkit/constructs/gofunction"
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

func TestLambdaTaskPropsValidate(t *testing.T) {
	fn := &gofunction.Function{Timeout: 10 * time.Second}
	if err := (&LambdaTaskProps{Function: fn}).Validate("Ship"); err != nil {
		t.Errorf("default timeout refused: %v", err)
	}
	if err := (&LambdaTaskProps{Function: fn, Timeout: 10 * time.Second}).Validate("Ship"); err != nil {
		t.Errorf("equal timeout refused: %v", err)
	}
	err := (&LambdaTaskProps{Function: fn, Timeout: 5 * time.Second}).Validate("Ship")
	if err == nil || !strings.Contains(err.Error(), `LambdaTaskProps.Timeout of task "Ship" is 5s, shorter than its function's timeout 10s`) {
		t.Errorf("short timeout: %v", err)
	}
	if err := (&LambdaTaskProps{}).Validate("Ship"); err == nil || !strings.Contains(err.Error(), "LambdaTaskProps.Function") {
		t.Errorf("missing function: %v", err)
	}
}
