package gofunction

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
)

// existing stands in for an existing function; Validate never calls it.
type existing struct{ awslambda.IFunction }

func TestHandlerValidate(t *testing.T) {
	tests := []struct {
		name    string
		handler Handler
		want    string
	}{
		{"zero: the workflow's default", Handler{}, ""},
		{"a Go entry", Handler{Entry: "./cmd/pay"}, ""},
		{"an existing function with its timeout", Handler{Function: existing{}, Timeout: 30 * time.Second}, ""},
		{"both", Handler{Entry: "./cmd/pay", Function: existing{}, Timeout: time.Second}, `Props.Handlers.Pay sets both Entry "./cmd/pay" and Function`},
		{"existing without timeout", Handler{Function: existing{}}, "Props.Handlers.Pay.Timeout is 0s; with an existing Function set it to that function's timeout"},
		{"existing past Lambda's limit", Handler{Function: existing{}, Timeout: time.Hour}, "Props.Handlers.Pay.Timeout is 1h0m0s"},
		{"environment for an existing function", Handler{Function: existing{}, Timeout: time.Second, Environment: map[string]string{"A": "b"}}, "Props.Handlers.Pay.Environment is set with an existing Function"},
		{"timeout for an entry", Handler{Entry: "./cmd/pay", Timeout: time.Minute}, "Timeout describes an existing Function"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.handler.Validate("Props.Handlers.Pay")
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

func TestHandlerOrKeepsAChoiceAndFillsTheDefault(t *testing.T) {
	if got := (Handler{}).Or("example.com/x/cmd/a"); got.Entry != "example.com/x/cmd/a" {
		t.Errorf("zero.Or = %+v", got)
	}
	if got := (Handler{Entry: "./cmd/mine"}).Or("example.com/x/cmd/a"); got.Entry != "./cmd/mine" {
		t.Errorf("chosen.Or = %+v", got)
	}
	fn := existing{}
	if got := (Handler{Function: fn, Timeout: time.Second}).Or("example.com/x/cmd/a"); got.Entry != "" || got.Function != fn {
		t.Errorf("existing.Or = %+v", got)
	}
}
