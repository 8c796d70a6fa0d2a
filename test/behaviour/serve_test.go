package behaviour_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/asl/cfn"
	"github.com/sfnkit/sfnkit/asl/sfnapi"
	"github.com/sfnkit/sfnkit/workflows/local"
	"github.com/sfnkit/sfnkit/workflows/smoke"
)

// TestSmokeAgainstServe is `make deploy-local` in a test: the Step
// Functions API over the engine, the synthesized state machines created
// through the Go SDK, every scenario played through it in real time with
// the real handlers, then the seedless ones as against a fresh deploy.
func TestSmokeAgainstServe(t *testing.T) {
	asm, err := cfn.ReadAssembly(assembly.Dir)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(sfnapi.New(sfnapi.Options{Prepare: local.Serving(asm, asl.RealClock{})}))
	defer ts.Close()
	client := sfn.New(sfn.Options{Region: "us-east-1", Credentials: aws.AnonymousCredentials{}}, sfnapi.LocalEndpoint(ts.URL))
	ctx := context.Background()
	machines, err := smoke.Create(ctx, client, asm)
	if err != nil {
		t.Fatal(err)
	}
	if len(machines) != 3 {
		t.Fatalf("created %v", machines)
	}
	var out bytes.Buffer
	results, err := smoke.Run(ctx, smoke.Options{Client: client, Assembly: asm, Machines: machines, All: true, Timeout: 30 * time.Second, Out: &out})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	want := 0
	for _, s := range local.Scenarios() {
		if s.Decision != "ignore" {
			want++
		}
	}
	if len(results) != want || !strings.Contains(out.String(), "ValidateOrder → RecordOrderReceived → NeedsApproval → RequestApproval → ProcessPayment") {
		t.Errorf("%d scenarios ran; want %d\n%s", len(results), want, out.String())
	}
	t.Log("\n" + out.String())
	out.Reset()
	results, err = smoke.Run(ctx, smoke.Options{Client: client, Assembly: asm, Machines: machines, Timeout: 30 * time.Second, Out: &out})
	if err != nil || len(results) < 5 {
		t.Fatalf("seedless: %d scenarios, %v\n%s", len(results), err, out.String())
	}
}
