package orderfulfillment

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/encrypted"
	"github.com/sfnkit/sfnkit/constructs/nag"
)

// StageName is the API's deployment stage.
const StageName = "v1"

// Api is the workflow's REST API and what was made for it.
type Api struct {
	constructs.Construct

	// RestApi is the API (construct id "Resource").
	RestApi awsapigateway.RestApi
	// AccessLogs receives one JSON line per request.
	AccessLogs awslogs.LogGroup
	// StartExecutionRole is what API Gateway assumes to call StartExecution;
	// it may start this state machine and nothing else.
	StartExecutionRole awsiam.Role
}

// newApi defines POST /orders (validated, then StartExecution named after
// the order id, so a resubmitted order is not run twice) and POST /approvals
// (validated, then the approval callback), both with IAM authorization.
func newApi(scope constructs.Construct, id string, o *OrderFulfillment, p Props) *Api {
	this := constructs.NewConstruct(scope, jsii.String(id))
	a := &Api{Construct: this}
	a.AccessLogs = encrypted.NewLogGroup(this, "AccessLogs", &encrypted.LogGroupProps{
		Key: o.Key, Retention: p.LogRetention, RemovalPolicy: p.RemovalPolicy,
	})
	a.RestApi = awsapigateway.NewRestApi(this, jsii.String("Resource"), &awsapigateway.RestApiProps{
		// Named after the stack (so the stage) and the construct path, e.g.
		// SfnkitOrderFulfillment-dev-OrderFulfillment-Api-9400839F, so each
		// API is told apart in the console; left out, the name would be the
		// construct id, "Resource", for every API of every stage.
		RestApiName: awscdk.Names_UniqueResourceName(this, &awscdk.UniqueResourceNameOptions{
			MaxLength: jsii.Number(255), Separator: jsii.String("-"), AllowedSpecialCharacters: jsii.String("-"),
		}),
		Description:    jsii.String("Submits orders and records approval decisions; every method requires SigV4 (IAM) authorization"),
		EndpointTypes:  &[]awsapigateway.EndpointType{awsapigateway.EndpointType_REGIONAL},
		CloudWatchRole: jsii.Bool(false),
		DeployOptions: &awsapigateway.StageOptions{
			StageName:            jsii.String(StageName),
			AccessLogDestination: awsapigateway.NewLogGroupLogDestination(a.AccessLogs),
			AccessLogFormat: awsapigateway.AccessLogFormat_JsonWithStandardFields(&awsapigateway.JsonWithStandardFieldProps{
				Caller: jsii.Bool(true), HttpMethod: jsii.Bool(true), Ip: jsii.Bool(true), Protocol: jsii.Bool(true),
				RequestTime: jsii.Bool(true), ResourcePath: jsii.Bool(true), ResponseLength: jsii.Bool(true),
				Status: jsii.Bool(true), User: jsii.Bool(true),
			}),
			TracingEnabled:       jsii.Bool(true),
			MetricsEnabled:       jsii.Bool(true),
			ThrottlingRateLimit:  jsii.Number(p.ApiRateLimit),
			ThrottlingBurstLimit: jsii.Number(p.ApiBurstLimit),
		},
		DefaultMethodOptions: &awsapigateway.MethodOptions{AuthorizationType: awsapigateway.AuthorizationType_IAM},
	})
	validator := a.RestApi.AddRequestValidator(jsii.String("BodyValidator"), &awsapigateway.RequestValidatorOptions{
		ValidateRequestBody: jsii.Bool(true), ValidateRequestParameters: jsii.Bool(true),
	})

	a.StartExecutionRole = awsiam.NewRole(this, jsii.String("StartExecutionRole"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("apigateway.amazonaws.com"), nil),
		Description: jsii.String("Lets API Gateway start the order workflow"),
	})
	o.StateMachine.GrantStartExecution(a.StartExecutionRole)

	orders := a.RestApi.Root().AddResource(jsii.String("orders"), nil)
	orders.AddMethod(jsii.String("POST"), awsapigateway.NewAwsIntegration(&awsapigateway.AwsIntegrationProps{
		Service: jsii.String("states"),
		Action:  jsii.String("StartExecution"),
		Options: &awsapigateway.IntegrationOptions{
			CredentialsRole:     a.StartExecutionRole,
			PassthroughBehavior: awsapigateway.PassthroughBehavior_NEVER,
			RequestTemplates: &map[string]*string{
				"application/json": jsii.String(startExecutionTemplate(*o.StateMachine.StateMachineArn())),
			},
			IntegrationResponses: &[]*awsapigateway.IntegrationResponse{
				{StatusCode: jsii.String("200"), ResponseTemplates: &map[string]*string{
					"application/json": jsii.String(`{"executionArn": "$input.path('$.executionArn')", "startDate": $input.path('$.startDate')}`),
				}},
				{StatusCode: jsii.String("400"), SelectionPattern: jsii.String(`4\d{2}`), ResponseTemplates: &map[string]*string{
					"application/json": jsii.String(`{"error": "$input.path('$.__type')", "message": "$util.escapeJavaScript($input.path('$.message'))"}`),
				}},
				{StatusCode: jsii.String("500"), SelectionPattern: jsii.String(`5\d{2}`), ResponseTemplates: &map[string]*string{
					"application/json": jsii.String(`{"message": "the order could not be started; retry with the same orderId"}`),
				}},
			},
		},
	}), &awsapigateway.MethodOptions{
		RequestValidator: validator,
		RequestModels:    &map[string]awsapigateway.IModel{"application/json": a.RestApi.AddModel(jsii.String("OrderModel"), &awsapigateway.ModelOptions{ContentType: jsii.String("application/json"), Schema: orderSchema()})},
		MethodResponses:  &[]*awsapigateway.MethodResponse{{StatusCode: jsii.String("200")}, {StatusCode: jsii.String("400")}, {StatusCode: jsii.String("500")}},
	})

	approvals := a.RestApi.Root().AddResource(jsii.String("approvals"), nil)
	approvals.AddMethod(jsii.String("POST"), awsapigateway.NewLambdaIntegration(o.Functions.ApprovalCallback.Function, nil), &awsapigateway.MethodOptions{
		RequestValidator: validator,
		RequestModels:    &map[string]awsapigateway.IModel{"application/json": a.RestApi.AddModel(jsii.String("ApprovalModel"), &awsapigateway.ModelOptions{ContentType: jsii.String("application/json"), Schema: approvalSchema()})},
	})
	nag.Suppress(a.RestApi, "AwsSolutions-APIG6",
		"Execution logging would write request data to a log group API Gateway creates unencrypted and without retention. The stage writes JSON access logs to an encrypted log group with retention, and X-Ray traces every request.")
	nag.Suppress(a.RestApi, "AwsSolutions-COG4",
		"Every method uses IAM (SigV4) authorization: the callers are backend services and approvers' tools holding AWS credentials, not end users with Cognito sessions.")
	nag.Suppress(a.RestApi, "AwsSolutions-APIG3",
		"The API only accepts SigV4-signed requests from IAM principals; attach an AWS WAF web ACL centrally (Firewall Manager) if the account's policy requires one.")
	return a
}

// grantInvoke lets identity call one method of the deployed stage.
func (a *Api) grantInvoke(identity awsiam.IGrantable, method, path string) {
	identity.GrantPrincipal().AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("execute-api:Invoke"),
		Resources: &[]*string{a.RestApi.ArnForExecuteApi(jsii.String(method), jsii.String(path), jsii.String(StageName))},
	}))
}

// startExecutionTemplate maps a validated order to StartExecution. The
// execution is named after the order id: Step Functions refuses a second
// execution of the same name, so a resubmitted order never runs twice.
// escapeJavaScript escapes ' as \', which JSON does not allow; it is undone.
func startExecutionTemplate(stateMachineArn string) string {
	return strings.Join([]string{
		`{`,
		`  "stateMachineArn": "` + stateMachineArn + `",`,
		`  "name": "$util.escapeJavaScript($input.path('$.orderId'))",`,
		`  "input": "$util.escapeJavaScript($input.json('$')).replaceAll("\\'", "'")"`,
		`}`,
	}, "\n")
}

func str(min, max float64, pattern string) *awsapigateway.JsonSchema {
	s := &awsapigateway.JsonSchema{Type: awsapigateway.JsonSchemaType_STRING, MinLength: jsii.Number(min), MaxLength: jsii.Number(max)}
	if pattern != "" {
		s.Pattern = jsii.String(pattern)
	}
	return s
}

func integer(min, max float64) *awsapigateway.JsonSchema {
	return &awsapigateway.JsonSchema{Type: awsapigateway.JsonSchemaType_INTEGER, Minimum: jsii.Number(min), Maximum: jsii.Number(max)}
}

func object(required []string, props map[string]*awsapigateway.JsonSchema) *awsapigateway.JsonSchema {
	return &awsapigateway.JsonSchema{
		Type: awsapigateway.JsonSchemaType_OBJECT, Required: jsii.Strings(required...),
		Properties: &props, AdditionalProperties: false,
	}
}

// orderSchema mirrors the limits of lambdas/orders, so API Gateway refuses
// what ValidateOrder would reject before an execution starts.
func orderSchema() *awsapigateway.JsonSchema {
	s := object([]string{"orderId", "customerId", "email", "items", "payment", "shippingAddress"}, map[string]*awsapigateway.JsonSchema{
		"orderId":    str(1, 64, `^[A-Za-z0-9_-]+$`),
		"customerId": str(1, 128, ""),
		"email":      str(3, 254, `^[^@\s]+@[^@\s]+$`),
		"items": {
			Type: awsapigateway.JsonSchemaType_ARRAY, MinItems: jsii.Number(1), MaxItems: jsii.Number(99),
			Items: object([]string{"sku", "quantity", "unitPriceCents"}, map[string]*awsapigateway.JsonSchema{
				"sku":            str(1, 64, `^[A-Za-z0-9][A-Za-z0-9._-]*$`),
				"quantity":       integer(1, 10000),
				"unitPriceCents": integer(0, 100000000),
			}),
		},
		"payment": object([]string{"method", "token"}, map[string]*awsapigateway.JsonSchema{
			"method": {Type: awsapigateway.JsonSchemaType_STRING, Enum: &[]interface{}{"card", "wallet"}},
			"token":  str(1, 256, `^\S+$`),
		}),
		"shippingAddress": object([]string{"name", "line1", "city", "postalCode", "country"}, map[string]*awsapigateway.JsonSchema{
			"name": str(1, 200, ""), "line1": str(1, 200, ""), "line2": str(0, 200, ""),
			"city": str(1, 200, ""), "region": str(0, 200, ""), "postalCode": str(1, 20, ""),
			"country": str(2, 2, `^[A-Za-z]{2}$`),
		}),
	})
	s.Schema = awsapigateway.JsonSchemaVersion_DRAFT4
	s.Title = jsii.String("Order")
	return s
}

func approvalSchema() *awsapigateway.JsonSchema {
	s := object([]string{"taskToken", "decision"}, map[string]*awsapigateway.JsonSchema{
		"taskToken": str(1, 2048, ""),
		"decision":  {Type: awsapigateway.JsonSchemaType_STRING, Enum: &[]interface{}{"approve", "reject", "heartbeat"}},
		"reason":    str(0, 1000, ""),
	})
	s.Schema = awsapigateway.JsonSchemaVersion_DRAFT4
	s.Title = jsii.String("ApprovalDecision")
	return s
}
