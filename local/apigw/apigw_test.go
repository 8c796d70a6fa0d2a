package apigw

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/local/sfnapi"
)

// api is a REST API as CDK synthesizes ours: POST /orders (IAM, validated,
// StartExecution with a mapping template), POST /approvals (IAM, Lambda
// proxy), a stage throttled to a burst of 100 (nearly no rate).
const api = `{"Resources":{
 "Job":{"Type":"AWS::StepFunctions::StateMachine","Properties":{}},
 "Fn":{"Type":"AWS::Lambda::Function","Properties":{}},
 "Api":{"Type":"AWS::ApiGateway::RestApi","Properties":{"Name":"Shop"}},
 "Stage":{"Type":"AWS::ApiGateway::Stage","Properties":{"RestApiId":{"Ref":"Api"},"StageName":"v1",
   "MethodSettings":[{"HttpMethod":"*","ResourcePath":"/*","ThrottlingBurstLimit":100,"ThrottlingRateLimit":0.001}]}},
 "Orders":{"Type":"AWS::ApiGateway::Resource","Properties":{"RestApiId":{"Ref":"Api"},"ParentId":{"Fn::GetAtt":["Api","RootResourceId"]},"PathPart":"orders"}},
 "Approvals":{"Type":"AWS::ApiGateway::Resource","Properties":{"RestApiId":{"Ref":"Api"},"ParentId":{"Fn::GetAtt":["Api","RootResourceId"]},"PathPart":"approvals"}},
 "Validator":{"Type":"AWS::ApiGateway::RequestValidator","Properties":{"RestApiId":{"Ref":"Api"},"ValidateRequestBody":true}},
 "Model":{"Type":"AWS::ApiGateway::Model","Properties":{"RestApiId":{"Ref":"Api"},"ContentType":"application/json",
   "Schema":{"type":"object","required":["orderId"],"properties":{"orderId":{"type":"string","pattern":"^[a-z0-9-]+$"}}}}},
 "OrdersPost":{"Type":"AWS::ApiGateway::Method","Properties":{"RestApiId":{"Ref":"Api"},"ResourceId":{"Ref":"Orders"},"HttpMethod":"POST",
   "AuthorizationType":"AWS_IAM","RequestValidatorId":{"Ref":"Validator"},"RequestModels":{"application/json":{"Ref":"Model"}},
   "Integration":{"Type":"AWS","PassthroughBehavior":"NEVER","Uri":{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":apigateway:",{"Ref":"AWS::Region"},":states:action/StartExecution"]]},
     "RequestTemplates":{"application/json":{"Fn::Join":["",["{\"stateMachineArn\": \"",{"Ref":"Job"},"\", \"name\": \"$input.path('$.orderId')\", \"input\": \"$util.escapeJavaScript($input.json('$')).replaceAll(\"\\\\'\", \"'\")\"}"]]}},
     "IntegrationResponses":[
       {"StatusCode":"200","ResponseTemplates":{"application/json":"{\"executionArn\": \"$input.path('$.executionArn')\", \"by\": \"$context.identity.userArn\"}"}},
       {"StatusCode":"400","SelectionPattern":"4\\d{2}","ResponseTemplates":{"application/json":"{\"error\": \"$input.path('$.__type')\"}"}}]}}},
 "ApprovalsPost":{"Type":"AWS::ApiGateway::Method","Properties":{"RestApiId":{"Ref":"Api"},"ResourceId":{"Ref":"Approvals"},"HttpMethod":"POST",
   "AuthorizationType":"AWS_IAM","Integration":{"Type":"AWS_PROXY","IntegrationHttpMethod":"POST",
     "Uri":{"Fn::Join":["",["arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/",{"Fn::GetAtt":["Fn","Arn"]},"/invocations"]]}}}}
}}`

// invoker records the proxy event and answers like the approval Lambda.
type invoker struct{ event map[string]any }

func (i *invoker) Invoke(_ context.Context, arn string, payload []byte) ([]byte, error) {
	_ = json.Unmarshal(payload, &i.event)
	i.event["functionArn"] = arn
	return []byte(`{"statusCode":202,"headers":{"X-Decision":"approve"},"body":"{\"message\":\"recorded\"}"}`), nil
}

func newGateway(t *testing.T, template string) (*Gateway, *invoker) {
	t.Helper()
	tpl, err := cfn.Parse([]byte(template))
	if err != nil {
		t.Fatal(err)
	}
	states := sfnapi.New(sfnapi.Options{})
	t.Cleanup(states.Close)
	if err := sfnapi.Call(states, "CreateStateMachine", map[string]string{"name": "Job", "roleArn": "arn:aws:iam::123456789012:role/r",
		"definition": `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`}, nil); err != nil {
		t.Fatal(err)
	}
	fn := &invoker{}
	g, err := New(Options{Assembly: &cfn.Assembly{Stacks: []*cfn.AssemblyStack{{Name: "Shop", Template: tpl}}},
		Services: map[string]http.Handler{"states": states}, Functions: fn,
		Credentials: Credentials{"AKIDAPPROVER": {SecretAccessKey: "s3cret", UserArn: "arn:aws:iam::123456789012:user/approver"}}})
	if err != nil {
		t.Fatal(err)
	}
	return g, fn
}

// send makes a request to the API, signed with the SDK's SigV4 signer for
// execute-api when secret is not empty.
func send(t *testing.T, g *Gateway, method, path, body, secret string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, "http://api.execute-api.localhost:4566"+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		sum := sha256.Sum256([]byte(body))
		err := v4.NewSigner().SignHTTP(t.Context(), aws.Credentials{AccessKeyID: "AKIDAPPROVER", SecretAccessKey: secret}, req,
			hex.EncodeToString(sum[:]), "execute-api", "us-east-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
	}
	rec := httptest.NewRecorder()
	g.ServeHTTP(rec, req)
	return rec
}

func TestSignedOrderStartsAnExecution(t *testing.T) {
	g, _ := newGateway(t, api)
	rec := send(t, g, "POST", "/v1/orders", `{"orderId":"ord-1","note":"Ada's"}`, "s3cret")
	want := `{"executionArn": "arn:aws:states:us-east-1:123456789012:execution:Job:ord-1", "by": "arn:aws:iam::123456789012:user/approver"}`
	if rec.Code != 200 || rec.Body.String() != want {
		t.Fatalf("%d %s; want 200 %s", rec.Code, rec.Body, want)
	}
	rec = send(t, g, "POST", "/v1/orders", `{"orderId":"ord-1","note":"other"}`, "s3cret")
	if rec.Code != 400 || rec.Body.String() != `{"error": "ExecutionAlreadyExists"}` {
		t.Errorf("the same name with another input: %d %s; want the 4xx integration response", rec.Code, rec.Body)
	}
}

func TestRefusalsAreAPIGateways(t *testing.T) {
	g, _ := newGateway(t, api)
	tests := []struct {
		name, method, path, body, secret string
		status                           int
		message                          string
	}{
		{"unsigned", "POST", "/v1/orders", `{"orderId":"a"}`, "", 403, "Missing Authentication Token"},
		{"wrong secret", "POST", "/v1/orders", `{"orderId":"a"}`, "guess", 403, "The request signature we calculated does not match"},
		{"invalid body", "POST", "/v1/orders", `{"orderId":"A B"}`, "s3cret", 400, "Invalid request body"},
		{"not JSON", "POST", "/v1/orders", `{"orderId":`, "s3cret", 400, "Invalid request body"},
		{"wrong method", "GET", "/v1/orders", ``, "s3cret", 403, "Missing Authentication Token"},
		{"no such resource", "POST", "/v1/refunds", `{}`, "s3cret", 403, "Missing Authentication Token"},
		{"no such stage", "POST", "/v2/orders", `{}`, "s3cret", 403, "Forbidden"},
	}
	for _, tc := range tests {
		rec := send(t, g, tc.method, tc.path, tc.body, tc.secret)
		var doc struct{ Message string }
		_ = json.Unmarshal(rec.Body.Bytes(), &doc)
		if rec.Code != tc.status || !strings.HasPrefix(doc.Message, tc.message) {
			t.Errorf("%s: %d %s; want %d {\"message\": %q...}", tc.name, rec.Code, rec.Body, tc.status, tc.message)
		}
	}
}

func TestStageThrottles(t *testing.T) {
	g, _ := newGateway(t, strings.Replace(api, `"ThrottlingBurstLimit":100`, `"ThrottlingBurstLimit":3`, 1))
	codes := []int{}
	for range 4 {
		codes = append(codes, send(t, g, "POST", "/v1/orders", `{"orderId":"A B"}`, "s3cret").Code)
	}
	if codes[2] != 400 || codes[3] != 429 {
		t.Errorf("four requests to a stage with a burst of 3 answered %v; want the fourth 429", codes)
	}
	rec := send(t, g, "POST", "/v1/orders", `{}`, "s3cret")
	if rec.Body.String() != `{"message":"Too Many Requests"}` {
		t.Errorf("throttled body %s", rec.Body)
	}
}

func TestLambdaProxyGetsTheCallerAndAnswers(t *testing.T) {
	g, fn := newGateway(t, api)
	rec := send(t, g, "POST", "/v1/approvals", `{"taskToken":"t","decision":"approve"}`, "s3cret")
	if rec.Code != 202 || rec.Header().Get("X-Decision") != "approve" || rec.Body.String() != `{"message":"recorded"}` {
		t.Fatalf("%d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	identity := fn.event["requestContext"].(map[string]any)["identity"].(map[string]any)
	if fn.event["functionArn"] != "arn:aws:lambda:us-east-1:123456789012:function:Fn" || identity["userArn"] != "arn:aws:iam::123456789012:user/approver" ||
		fn.event["body"] != `{"taskToken":"t","decision":"approve"}` || fn.event["resource"] != "/approvals" {
		t.Errorf("the proxy event: %v", fn.event)
	}
}

func TestUnsupportedTemplateIsRefusedNamingTheRoute(t *testing.T) {
	_, err := New(Options{Assembly: &cfn.Assembly{Stacks: []*cfn.AssemblyStack{{Name: "Shop", Template: mustParse(t, strings.Replace(api, `\"by\": \"$context.identity.userArn\"`, `#set($x = 1)`, 1))}}},
		Services: map[string]http.Handler{"states": http.NotFoundHandler()}})
	if err == nil || !strings.Contains(err.Error(), "stack Shop: route POST /orders (OrdersPost)") || !strings.Contains(err.Error(), "#set") {
		t.Errorf("error %v; want one naming the route and the directive", err)
	}
}

func mustParse(t *testing.T, s string) *cfn.Template {
	t.Helper()
	tpl, err := cfn.Parse([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

func TestControlPlaneListsTheAPIs(t *testing.T) {
	g, _ := newGateway(t, api)
	rec := httptest.NewRecorder()
	g.Control().ServeHTTP(rec, httptest.NewRequest("GET", "/restapis", nil))
	if !strings.Contains(rec.Body.String(), `{"createdDate":1795824000,"id":"api","name":"Shop"}`) {
		t.Errorf("get-rest-apis: %s", rec.Body)
	}
}
