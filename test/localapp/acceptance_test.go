package localapp_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sfnkit/sfnkit/internal/synthtest"
	"github.com/sfnkit/sfnkit/local/harness"
	"github.com/sfnkit/sfnkit/local/sfnapi"
)

// cli runs the AWS CLI against the edge and returns what it printed.
func cli(t *testing.T, env []string, edge string, args ...string) string {
	t.Helper()
	cmd := exec.Command("aws", append(args, "--endpoint-url", edge, "--output", "json")...)
	cmd.Env, cmd.Dir = env, synthtest.ModuleRoot()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// machine finds a deployed machine by the start of its name.
func machine(t *testing.T, client *sfn.Client, prefix string) string {
	t.Helper()
	out, err := client.ListStateMachines(t.Context(), &sfn.ListStateMachinesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range out.StateMachines {
		if strings.HasPrefix(aws.ToString(m.Name), prefix) {
			return aws.ToString(m.StateMachineArn)
		}
	}
	t.Fatalf("no state machine %s* was created at start-up", prefix)
	return ""
}

// succeeded waits until the machine has an execution that succeeded; one
// that failed fails the test.
func succeeded(t *testing.T, client *sfn.Client, machineArn string) {
	t.Helper()
	eventually(t, "an execution of "+machineArn+" succeeds", func() error {
		out, err := client.ListExecutions(t.Context(), &sfn.ListExecutionsInput{StateMachineArn: aws.String(machineArn)})
		if err != nil {
			return err
		}
		for _, e := range out.Executions {
			switch e.Status {
			case types.ExecutionStatusSucceeded:
				return nil
			case types.ExecutionStatusFailed, types.ExecutionStatusTimedOut, types.ExecutionStatusAborted:
				d, _ := client.DescribeExecution(t.Context(), &sfn.DescribeExecutionInput{ExecutionArn: e.ExecutionArn})
				t.Fatalf("%s ended %s: %s %s", aws.ToString(e.Name), e.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
			}
		}
		return fmt.Errorf("%d executions, none succeeded yet", len(out.Executions))
	})
}

// signedPost posts body to url signed with the Go SDK's SigV4 signer for
// execute-api, as an IAM-authorized client does.
func signedPost(t *testing.T, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(t.Context(), aws.Credentials{AccessKeyID: "local", SecretAccessKey: "local"}, req,
		hex.EncodeToString(sum[:]), "execute-api", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// TestTheAppRunsAsDeployed is the acceptance: a real photo
// uploaded with the AWS CLI is processed; a signed order starts an order;
// a CSV dropped in the raw bucket is loaded by the schedule on the virtual
// clock; the results are read back with the AWS CLI. Nothing here names a
// trigger: serve read them from the template.
func TestTheAppRunsAsDeployed(t *testing.T) {
	srv := serve(t)
	env := awsEnv(t)
	client := sfn.New(sfn.Options{Region: "us-east-1", Credentials: aws.AnonymousCredentials{}}, sfnapi.LocalEndpoint(srv.sfn))
	buckets := cli(t, env, srv.edge, "s3api", "list-buckets", "--query", "Buckets[].Name")
	bucket := func(part string) string {
		var names []string
		_ = json.Unmarshal([]byte(buckets), &names)
		for _, n := range names {
			if strings.Contains(n, part) {
				return n
			}
		}
		t.Fatalf("no bucket *%s* in %s", part, buckets)
		return ""
	}

	t.Run("photo", func(t *testing.T) {
		images := bucket("imagesbucket")
		cli(t, env, srv.edge, "s3", "cp", "lambdas/imagemeta/testdata/adobergb.jpg", "s3://"+images+"/uploads/user-9/holiday.jpg")
		cli(t, env, srv.edge, "s3", "cp", "lambdas/imagemeta/testdata/adobergb.jpg", "s3://"+images+"/elsewhere/holiday.jpg")
		succeeded(t, client, machine(t, client, "Images"))
		listed := cli(t, env, srv.edge, "s3api", "list-objects-v2", "--bucket", images, "--prefix", "processed/user-9/")
		if !strings.Contains(listed, "processed/user-9/holiday.jpg/128.") {
			t.Errorf("no thumbnail was written: %s", listed)
		}
		if out, _ := client.ListExecutions(t.Context(), &sfn.ListExecutionsInput{StateMachineArn: aws.String(machine(t, client, "Images"))}); len(out.Executions) != 1 {
			t.Errorf("%d image executions; want 1: the upload outside uploads/ must start nothing", len(out.Executions))
		}
		if !strings.Contains(srv.logs.String(), "s3://"+images+"/elsewhere/holiday.jpg -> unmatched: ") {
			t.Errorf("the unmatched upload is not logged with its reason:\n%s", srv.logs.String())
		}
		resp, err := http.Get(srv.sfn + "/console/")
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(page), `id="triggers"`) || !strings.Contains(string(page), "ImagesUploadRule") {
			t.Errorf("the console does not show the upload rule's firing:\n%s", page)
		}
	})

	t.Run("order", func(t *testing.T) {
		order := harness.SampleOrder("ord-acceptance-1", "tok_visa", "SW1Y 4LG")
		body, _ := json.Marshal(order)
		url := srv.edge + "/restapis/orderfulfillmentapide40c182/v1/_user_request_/orders"
		if status, answer := signedPost(t, url, string(body)); status != 200 || !strings.Contains(answer, ":execution:OrderFulfillmentStateMachineC9CEEAC0:ord-acceptance-1") {
			t.Fatalf("POST /orders: %d %s", status, answer)
		}
		succeeded(t, client, machine(t, client, "OrderFulfillment"))
		item := cli(t, env, srv.edge, "dynamodb", "get-item", "--table-name", "OrderFulfillmentOrdersTableCC24B399",
			"--key", `{"orderId": {"S": "ord-acceptance-1"}}`, "--query", "Item.status.S")
		if strings.TrimSpace(item) != `"COMPLETED"` {
			t.Errorf("the orders table says %s", item)
		}
		if status, answer := signedPost(t, url, `{"orderId": "bad id"}`); status != 400 || answer != `{"message":"Invalid request body"}` {
			t.Errorf("an invalid order: %d %s", status, answer)
		}
	})

	t.Run("etl", func(t *testing.T) {
		raw := bucket("etlrawbucket")
		csv := "order_id,sku,quantity,unit_price_cents,currency,sold_at,store_id\nord-9,SKU-009,3,250,eur,2026-11-22T08:00:00Z,store-9\n"
		cmd := exec.Command("aws", "s3", "cp", "-", "s3://"+raw+"/raw/2026-11-22/store-z.csv", "--endpoint-url", srv.edge)
		cmd.Env, cmd.Stdin = env, strings.NewReader(csv)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("aws s3 cp: %v\n%s", err, out)
		}
		resp, err := http.Post(srv.edge+"/_sfnkit/clock", "application/json", strings.NewReader(`{"advance": "48h"}`))
		if err != nil {
			t.Fatal(err)
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(answer), `"fired":2`) {
			t.Fatalf("advancing two days: %s", answer)
		}
		eventually(t, "the ledger records the 22nd", func() error {
			item := cli(t, env, srv.edge, "dynamodb", "get-item", "--table-name", "EtlRunLedger60327880",
				"--key", `{"runDate": {"S": "2026-11-22"}}`, "--query", "Item.[status.S, rowsCurated.N]")
			if !strings.Contains(item, `"SUCCEEDED"`) || !strings.Contains(item, `"1"`) {
				return fmt.Errorf("the ledger says %q", item)
			}
			return nil
		})
	})
}
