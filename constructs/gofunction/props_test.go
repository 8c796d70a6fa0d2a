package gofunction

import (
	"strings"
	"testing"
	"time"
)

func TestPropsValidate(t *testing.T) {
	valid := Props{Entry: "./lambdas/cmd/ship-order"}
	tests := []struct {
		name   string
		mutate func(*Props)
		want   string // "" means valid
	}{
		{"defaults", func(*Props) {}, ""},
		{"limits", func(p *Props) { p.MemoryMiB, p.Timeout = 10240, 15*time.Minute }, ""},
		{"empty entry", func(p *Props) { p.Entry = " " }, "Props.Entry"},
		{"memory too small", func(p *Props) { p.MemoryMiB = 64 }, "Props.MemoryMiB is 64"},
		{"memory too large", func(p *Props) { p.MemoryMiB = 20000 }, "Props.MemoryMiB is 20000"},
		{"timeout too long", func(p *Props) { p.Timeout = 16 * time.Minute }, "Props.Timeout is 16m0s"},
		{"sub-second timeout", func(p *Props) { p.Timeout = 500 * time.Millisecond }, "Props.Timeout is 500ms"},
		{"negative timeout", func(p *Props) { p.Timeout = -time.Second }, "Props.Timeout is -1s"},
		{"negative concurrency", func(p *Props) { p.ReservedConcurrency = -1 }, "Props.ReservedConcurrency is -1"},
		{"reserved env", func(p *Props) { p.Environment = map[string]string{"AWS_REGION": "x"} }, "AWS_REGION"},
		{"bad env name", func(p *Props) { p.Environment = map[string]string{"1X": "x"} }, `"1X"`},
		{"env too large", func(p *Props) { p.Environment = map[string]string{"BIG": strings.Repeat("x", 5000)} }, "Props.Environment totals"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := valid
			tt.mutate(&p)
			err := p.Validate()
			if tt.want == "" {
				if err != nil {
					t.Errorf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v, want a message containing %q", err, tt.want)
			}
		})
	}
	var nilProps *Props
	if err := nilProps.Validate(); err == nil {
		t.Error("nil props validated")
	}
}

func TestWithDefaultsDoesNotModifyTheCallersProps(t *testing.T) {
	p := Props{Entry: "./x"}
	d := p.withDefaults()
	if p.MemoryMiB != 0 || p.Timeout != 0 {
		t.Errorf("caller's props changed: %+v", p)
	}
	if d.MemoryMiB != DefaultMemoryMiB || d.Timeout != DefaultTimeout || d.RemovalPolicy == "" {
		t.Errorf("defaults not applied: %+v", d)
	}
}
