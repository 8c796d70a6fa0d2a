package main

import (
	"testing"

	"github.com/sfnkit/sfnkit/cfn"
)

// BenchmarkReplay is one execution of the order workflow on the asl
// engine with recorded task responses: the engine's own cost.
func BenchmarkReplay(b *testing.B) {
	tpl, err := cfn.Load("../../cdk.out/SfnkitOrderFulfillment.template.json")
	if err != nil {
		b.Skip(err, " (run `make synth` first)")
	}
	w, _, err := record(tpl)
	if err != nil {
		b.Fatal(err)
	}
	once, err := replayer(w)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := once(); err != nil {
			b.Fatal(err)
		}
	}
}
