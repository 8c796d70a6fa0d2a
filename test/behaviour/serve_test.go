package behaviour_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/local/harness"
	"github.com/sfnkit/sfnkit/local/sfnapi"
	"github.com/sfnkit/sfnkit/local/smoke"
)

// TestSmokeAgainstServe is `make deploy-local` in a test: the Step
// Functions API over the engine, the synthesized state machines created
// through the Go SDK, every scenario played through it in real time with
// each function's own main package running as processes behind the Lambda
// Runtime API, then the seedless ones as against a fresh deploy.
func TestSmokeAgainstServe(t *testing.T) {
	if testing.Short() {
		t.Skip("every scenario in real time with each function a process: make slow (in make check)")
	}
	asm, err := cfn.ReadAssembly(assembly.Dir)
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	serving := &harness.Serving{Assembly: asm, Options: harness.Options{Clock: asl.RealClock{}, Runtime: harness.Processes, FunctionLogs: &logs}}
	defer serving.Close()
	ts := httptest.NewServer(sfnapi.New(sfnapi.Options{Prepare: serving.Prepare}))
	defer ts.Close()
	defer func() {
		if t.Failed() {
			t.Log("function logs:\n" + logs.String())
		}
	}()
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
	for _, s := range harness.Scenarios() {
		if s.Decision != "ignore" {
			want++
		}
	}
	if len(results) != want || !strings.Contains(out.String(), "ValidateOrder → RecordOrderReceived → NeedsApproval → RequestApproval → ProcessPayment") {
		t.Errorf("%d scenarios ran; want %d\n%s", len(results), want, out.String())
	}
	t.Log("\n" + out.String())
	// The declined payment was the ProcessPayment function's own process
	// reporting its typed error, as it would to CloudWatch.
	if !regexp.MustCompile(`\[OrderFulfillmentProcessPaymentFunction\w+\] .*"errorType":"PaymentDeclined"`).MatchString(logs.String()) {
		t.Errorf("no ProcessPayment process logged the declined payment:\n%s", logs.String())
	}
	out.Reset()
	results, err = smoke.Run(ctx, smoke.Options{Client: client, Assembly: asm, Machines: machines, Timeout: 30 * time.Second, Out: &out})
	if err != nil || len(results) < 5 {
		t.Fatalf("seedless: %d scenarios, %v\n%s", len(results), err, out.String())
	}
}

// syncBuffer collects the function processes' logs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
