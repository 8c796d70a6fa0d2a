package orderfulfillment_test

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/constructs/statemachine"
	"github.com/sfnkit/sfnkit/internal/synthtest"
	"github.com/sfnkit/sfnkit/lambdas/approval"
	"github.com/sfnkit/sfnkit/lambdas/inventory"
	"github.com/sfnkit/sfnkit/lambdas/orders"
	"github.com/sfnkit/sfnkit/lambdas/payments"
	"github.com/sfnkit/sfnkit/lambdas/shipping"
	wf "github.com/sfnkit/sfnkit/workflows/orderfulfillment/contract"
)

func only(t *testing.T, resourceType string) (string, map[string]any) {
	t.Helper()
	all := stack.Resources(resourceType)
	if len(all) != 1 {
		t.Fatalf("%d resources of type %s, want 1", len(all), resourceType)
	}
	for id, props := range all {
		return id, props
	}
	return "", nil
}

func TestStateMachineLogsTracesEncryptsAndTimesOut(t *testing.T) {
	_, sm := only(t, "AWS::StepFunctions::StateMachine")
	logging := sm["LoggingConfiguration"].(map[string]any)
	// The states carry the approval task token and the payment token: every
	// event is logged, none of their data.
	if logging["Level"] != "ALL" || logging["IncludeExecutionData"] != false {
		t.Errorf("LoggingConfiguration = %v, want level ALL without execution data", logging)
	}
	logGroup := synthtest.Ref(logging["Destinations"].([]any)[0].(map[string]any)["CloudWatchLogsLogGroup"].(map[string]any)["LogGroupArn"])
	assertEncryptedLogGroup(t, logGroup)
	if tracing := sm["TracingConfiguration"].(map[string]any); tracing["Enabled"] != true {
		t.Errorf("TracingConfiguration = %v", tracing)
	}
	enc := sm["EncryptionConfiguration"].(map[string]any)
	if enc["Type"] != "CUSTOMER_MANAGED_KMS_KEY" || stack.Parsed.Resources[synthtest.Ref(enc["KmsKeyId"])].Type != "AWS::KMS::Key" {
		t.Errorf("EncryptionConfiguration = %v, want the workflow's customer-managed key", enc)
	}
	if def.TimeoutSeconds <= 0 {
		t.Error("the definition has no execution TimeoutSeconds")
	}
}

func TestFourAlarmsNotifyTheAlarmTopic(t *testing.T) {
	alarms := stack.Resources("AWS::CloudWatch::Alarm")
	var metrics []string
	for id, a := range alarms {
		metrics = append(metrics, a["MetricName"].(string))
		actions, _ := a["AlarmActions"].([]any)
		if len(actions) != 1 || stack.Parsed.Resources[synthtest.Ref(actions[0])].Type != "AWS::SNS::Topic" {
			t.Errorf("alarm %s actions = %v, want one SNS topic", id, actions)
		}
		if a["Namespace"] != "AWS/States" || a["Threshold"] != 1.0 {
			t.Errorf("alarm %s = %v", id, a)
		}
	}
	sort.Strings(metrics)
	want := []string{statemachine.MetricExecutionThrottled, statemachine.MetricExecutionsAborted, statemachine.MetricExecutionsFailed, statemachine.MetricExecutionsTimedOut}
	if !reflect.DeepEqual(metrics, want) {
		t.Errorf("alarm metrics = %v, want %v", metrics, want)
	}
}

func assertEncryptedLogGroup(t *testing.T, id string) {
	t.Helper()
	lg := stack.Parsed.Resources[id]
	if lg.Type != "AWS::Logs::LogGroup" {
		t.Errorf("%s is a %s, want a log group", id, lg.Type)
		return
	}
	if lg.Properties["KmsKeyId"] == nil || lg.Properties["RetentionInDays"] == nil {
		t.Errorf("log group %s: KmsKeyId %v, RetentionInDays %v; want both", id, lg.Properties["KmsKeyId"], lg.Properties["RetentionInDays"])
	}
}

func TestEverythingIsEncryptedAndLogGroupsExpire(t *testing.T) {
	for id := range stack.Resources("AWS::Logs::LogGroup") {
		assertEncryptedLogGroup(t, id)
	}
	for id, p := range stack.Resources("AWS::DynamoDB::Table") {
		sse, _ := p["SSESpecification"].(map[string]any)
		pitr, _ := p["PointInTimeRecoverySpecification"].(map[string]any)
		if sse["SSEEnabled"] != true || sse["SSEType"] != "KMS" || sse["KMSMasterKeyId"] == nil || pitr["PointInTimeRecoveryEnabled"] != true {
			t.Errorf("table %s: SSE %v, PITR %v", id, sse, pitr)
		}
	}
	for id, p := range stack.Resources("AWS::SNS::Topic") {
		if p["KmsMasterKeyId"] == nil {
			t.Errorf("topic %s is not encrypted with a customer key", id)
		}
	}
	for id, p := range stack.Resources("AWS::SQS::Queue") {
		if p["KmsMasterKeyId"] == nil {
			t.Errorf("queue %s is not encrypted with a customer key", id)
		}
	}
	for _, typ := range []string{"AWS::SNS::TopicPolicy", "AWS::SQS::QueuePolicy"} {
		for id, p := range stack.Resources(typ) {
			if !strings.Contains(synthtest.JSON(p), `"aws:SecureTransport":"false"`) {
				t.Errorf("%s %s does not deny requests without TLS", typ, id)
			}
		}
	}
	for id, p := range stack.Resources("AWS::KMS::Key") {
		if p["EnableKeyRotation"] != true {
			t.Errorf("key %s does not rotate", id)
		}
	}
}

func TestFunctionsAreArmGoWithTracingAndOwnLogs(t *testing.T) {
	functions := stack.Resources("AWS::Lambda::Function")
	if len(functions) != 7 {
		t.Errorf("%d functions, want 7", len(functions))
	}
	roles := map[string]string{}
	for id, f := range functions {
		if f["Runtime"] != "provided.al2023" || f["Handler"] != "bootstrap" || !reflect.DeepEqual(f["Architectures"], []any{"arm64"}) {
			t.Errorf("%s: runtime %v, handler %v, architectures %v", id, f["Runtime"], f["Handler"], f["Architectures"])
		}
		if tc, _ := f["TracingConfig"].(map[string]any); tc["Mode"] != "Active" {
			t.Errorf("%s: tracing %v", id, f["TracingConfig"])
		}
		if f["KmsKeyArn"] == nil {
			t.Errorf("%s: environment not encrypted with the workflow key", id)
		}
		lc, _ := f["LoggingConfig"].(map[string]any)
		assertEncryptedLogGroup(t, synthtest.Ref(lc["LogGroup"]))
		role := synthtest.Ref(f["Role"])
		if other, dup := roles[role]; dup {
			t.Errorf("%s and %s share role %s", id, other, role)
		}
		roles[role] = id
	}
}

// statements returns every IAM statement of the stack with its policy's id.
func statements(t *testing.T) map[string][]map[string]any {
	t.Helper()
	out := map[string][]map[string]any{}
	for id, p := range stack.Resources("AWS::IAM::Policy") {
		doc := p["PolicyDocument"].(map[string]any)
		for _, s := range doc["Statement"].([]any) {
			out[id] = append(out[id], s.(map[string]any))
		}
	}
	return out
}

func TestNoWildcardActionsAndNoManagedPolicies(t *testing.T) {
	for policy, stmts := range statements(t) {
		for _, s := range stmts {
			for _, a := range synthtest.List(s["Action"]) {
				action, _ := a.(string)
				if action == "*" || strings.HasSuffix(action, ":*") {
					t.Errorf("policy %s grants action %q", policy, action)
				}
			}
		}
	}
	for id, r := range stack.Resources("AWS::IAM::Role") {
		if r["ManagedPolicyArns"] != nil {
			t.Errorf("role %s attaches managed policies %v", id, r["ManagedPolicyArns"])
		}
	}
}

func TestStateMachineRoleInvokesOnlyItsOwnFunctions(t *testing.T) {
	_, sm := only(t, "AWS::StepFunctions::StateMachine")
	role := synthtest.Ref(sm["RoleArn"])
	invoked := map[string]bool{}
	for _, st := range lambdaTasks(t) {
		invoked[st.Resource[strings.LastIndex(st.Resource, ":")+1:]] = true
	}
	granted := map[string]bool{}
	for policyID, stmts := range statements(t) {
		roles := synthtest.List(stack.Parsed.Resources[policyID].Properties["Roles"])
		if len(roles) != 1 || synthtest.Ref(roles[0]) != role {
			continue
		}
		for _, s := range stmts {
			for _, a := range synthtest.List(s["Action"]) {
				if a != "lambda:InvokeFunction" {
					continue
				}
				for _, r := range synthtest.List(s["Resource"]) {
					granted[joinedRef(r)] = true
				}
			}
		}
	}
	want := map[string]bool{}
	for id := range invoked {
		want[id] = true
		want[id+":*"] = true // its versions and aliases, as CDK grants
	}
	if !reflect.DeepEqual(granted, want) {
		t.Errorf("the state machine may invoke %v; it invokes %v", keys(granted), keys(invoked))
	}
}

// joinedRef names a resource ARN as "<logical id>" or, for the
// {"Fn::Join": ["", [{"Fn::GetAtt": [id, "Arn"]}, ":*"]]} CDK writes for
// a function's versions, "<logical id>:*".
func joinedRef(v any) string {
	m, _ := v.(map[string]any)
	join, ok := m["Fn::Join"].([]any)
	if !ok {
		return synthtest.Ref(v)
	}
	var out strings.Builder
	for _, part := range join[1].([]any) {
		if s, ok := part.(string); ok {
			out.WriteString(s)
		} else {
			out.WriteString(synthtest.Ref(part))
		}
	}
	return out.String()
}

func TestFunctionRolesCanOnlyDoWhatTheirCodeDoes(t *testing.T) {
	functions := stack.Resources("AWS::Lambda::Function")
	byFunction := map[string][]string{}
	for policyID, stmts := range statements(t) {
		roleID := synthtest.Ref(synthtest.List(stack.Parsed.Resources[policyID].Properties["Roles"])[0])
		for fnID, f := range functions {
			if synthtest.Ref(f["Role"]) != roleID {
				continue
			}
			for _, s := range stmts {
				for _, a := range synthtest.List(s["Action"]) {
					byFunction[fnID] = append(byFunction[fnID], a.(string))
				}
			}
		}
	}
	for fnID, actions := range byFunction {
		for _, a := range actions {
			switch {
			case strings.HasPrefix(a, "logs:"), strings.HasPrefix(a, "xray:"), strings.HasPrefix(a, "kms:"):
			case strings.HasPrefix(a, "dynamodb:") && (strings.Contains(fnID, "Payment") || strings.Contains(fnID, "Inventory")):
			case strings.HasPrefix(a, "states:SendTask") && strings.Contains(fnID, "ApprovalCallback"):
			default:
				t.Errorf("function %s may %s, which its code never does", fnID, a)
			}
		}
	}
}

func TestApiRequiresIAMAndValidatesBodies(t *testing.T) {
	methods := stack.Resources("AWS::ApiGateway::Method")
	if len(methods) != 2 {
		t.Fatalf("%d methods, want POST /orders and POST /approvals", len(methods))
	}
	for id, m := range methods {
		if m["AuthorizationType"] != "AWS_IAM" || m["RequestValidatorId"] == nil || m["RequestModels"] == nil {
			t.Errorf("method %s: auth %v, validator %v, models %v", id, m["AuthorizationType"], m["RequestValidatorId"], m["RequestModels"])
		}
		integration := m["Integration"].(map[string]any)
		if integration["Type"] == "AWS" {
			template := synthtest.JSON(integration["RequestTemplates"])
			if !strings.Contains(synthtest.JSON(integration["Uri"]), "states:action/StartExecution") || !strings.Contains(template, `$input.path('$.orderId')`) {
				t.Errorf("orders integration = %s", synthtest.JSON(integration))
			}
		}
	}
	_, stage := only(t, "AWS::ApiGateway::Stage")
	if stage["TracingEnabled"] != true || stage["AccessLogSetting"] == nil {
		t.Errorf("stage: tracing %v, access logs %v", stage["TracingEnabled"], stage["AccessLogSetting"])
	}
	assertEncryptedLogGroup(t, synthtest.Ref(stage["AccessLogSetting"].(map[string]any)["DestinationArn"]))
	var validator map[string]any
	for _, v := range stack.Resources("AWS::ApiGateway::RequestValidator") {
		validator = v
	}
	if validator["ValidateRequestBody"] != true {
		t.Errorf("request validator = %v", validator)
	}
}

func TestApiIsNamedAfterItsStackAndPath(t *testing.T) {
	_, api := only(t, "AWS::ApiGateway::RestApi")
	if name, _ := api["Name"].(string); !strings.HasPrefix(name, "SfnkitOrderFulfillment-dev-OrderFulfillment-Api-") {
		t.Errorf("REST API name = %v, want SfnkitOrderFulfillment-dev-OrderFulfillment-Api-<hash>", api["Name"])
	}
}

func TestCdkNagReportsNoUnsuppressedError(t *testing.T) {
	for _, m := range stack.Messages {
		t.Errorf("%s at %s: %s", m.Level, m.Path, m.Text)
	}
	packs := map[string]int{}
	for _, row := range stack.Nag {
		packs[row.Pack]++
		switch row.Compliance {
		case "Non-Compliant":
			t.Errorf("%s: %s is not compliant with %s", row.Pack, row.ResourceID, row.RuleID)
		case "Suppressed":
			if len(row.ExceptionReason) < 40 {
				t.Errorf("%s on %s is suppressed without a real reason: %q", row.RuleID, row.ResourceID, row.ExceptionReason)
			}
		}
	}
	if packs["AwsSolutions"] == 0 || packs["Serverless"] == 0 {
		t.Errorf("nag reports found: %v; want both the AwsSolutions and Serverless packs", packs)
	}
}

// TestHandlerErrorTypesAreTheWorkflowsErrorNames guards the contract that
// aws-lambda-go reports a returned error's Go type name as its errorType.
func TestHandlerErrorTypesAreTheWorkflowsErrorNames(t *testing.T) {
	tests := map[string]any{
		wf.ErrorInvalidOrder:            orders.InvalidOrder{},
		wf.ErrorPaymentDeclined:         payments.PaymentDeclined{},
		wf.ErrorProviderUnavailable:     payments.ProviderUnavailable{},
		wf.ErrorInvalidPaymentRequest:   payments.InvalidPaymentRequest{},
		wf.ErrorOutOfStock:              inventory.OutOfStock{},
		wf.ErrorInventoryBusy:           inventory.InventoryBusy{},
		wf.ErrorInvalidInventoryRequest: inventory.InvalidInventoryRequest{},
		wf.ErrorCarrierUnavailable:      shipping.CarrierUnavailable{},
	}
	for name, v := range tests {
		if got := reflect.TypeOf(v).Name(); got != name {
			t.Errorf("workflow error %q is raised by type %s", name, got)
		}
	}
	if approval.RejectedError != wf.ErrorApprovalRejected {
		t.Errorf("the approval callback sends %q, the workflow catches %q", approval.RejectedError, wf.ErrorApprovalRejected)
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
