package statemachine_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/encrypted"
	"github.com/sfnkit/sfnkit/constructs/statemachine"
	"github.com/sfnkit/sfnkit/internal/synthtest"
	"github.com/sfnkit/sfnkit/internal/synthtest/cdksynth"
)

// Stacks of the test app, one state machine each.
const (
	defaultsStack = "Defaults"
	customStack   = "Custom"
	jsonataStack  = "Jsonata"
)

const teamRoleArn = "arn:aws:iam::123456789012:role/team-sfn"

var assembly *synthtest.Assembly

// widened and justified are state machines of an app that is never
// synthesized: their roles' validations are read directly.
var widened, justified *statemachine.StateMachine

func TestMain(m *testing.M) {
	os.Exit(cdksynth.Main(m, "statemachine", func(dir string) (err error) {
		_, err = cdksynth.SynthApp(dir, func(app awscdk.App) {
			defaults := awscdk.NewStack(app, jsii.String(defaultsStack), nil)
			statemachine.New(defaults, "Machine", &statemachine.Props{Definition: awsstepfunctions.NewPass(defaults, jsii.String("Start"), nil)})

			custom := awscdk.NewStack(app, jsii.String(customStack), nil)
			machine := statemachine.New(custom, "Machine", &statemachine.Props{
				Definition:           lambdaTasks(custom),
				Role:                 awsiam.Role_FromRoleArn(custom, jsii.String("TeamRole"), jsii.String(teamRoleArn), nil),
				LogLevel:             awsstepfunctions.LogLevel_ERROR,
				ExcludeExecutionData: true,
				AlarmThresholds: statemachine.AlarmThresholds{
					Failed:    statemachine.Threshold{Count: 3, EvaluationPeriods: 2, Period: 10 * time.Minute},
					Throttled: statemachine.Threshold{Count: 10},
				},
			})
			// The machine is the grantee of key grants for its SDK tasks.
			dataKey := encrypted.NewKey(custom, "DataKey", nil)
			encrypted.GrantTableKey(machine, dataKey, "dynamodb:GetItem")
			encrypted.GrantTopicKey(machine, dataKey)

			jsonata := awscdk.NewStack(app, jsii.String(jsonataStack), nil)
			statemachine.New(jsonata, "Machine", &statemachine.Props{
				QueryLanguage: awsstepfunctions.QueryLanguage_JSONATA,
				Definition: awsstepfunctions.Pass_Jsonata(jsonata, jsii.String("Shape"), &awsstepfunctions.PassJsonataProps{
					Outputs: map[string]interface{}{"orderId": "{% $states.input.id %}"},
				}),
			})
		})
		return err
	}, func(dir string) (err error) {
		assembly, err = synthtest.Read(dir)
		unscopedGrants()
		return err
	}))
}

// unscopedGrants builds two state machines whose roles are granted an
// action on Resource "*": one justified with AllowUnscoped, one not.
func unscopedGrants() {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Unscoped"), nil)
	grant := func(m *statemachine.StateMachine) {
		m.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions: jsii.Strings("rekognition:DetectLabels"), Resources: jsii.Strings("*"),
		}))
	}
	widened = statemachine.New(stack, "Widened", &statemachine.Props{Definition: awsstepfunctions.NewPass(stack, jsii.String("A"), nil)})
	grant(widened)
	justified = statemachine.New(stack, "Justified", &statemachine.Props{Definition: awsstepfunctions.NewPass(stack, jsii.String("B"), nil)})
	grant(justified)
	justified.AllowUnscoped("DetectLabels has no resource-level permissions.", "rekognition:detectLabels")
}

// lambdaTasks invokes an imported function (timeout given), a Node.js
// function with a timeout and one without, each caught by a Fail state.
func lambdaTasks(scope awscdk.Stack) awsstepfunctions.IChainable {
	failed := awsstepfunctions.NewFail(scope, jsii.String("Failed"), nil)
	node := func(id string, timeout awscdk.Duration) awslambda.IFunction {
		return awslambda.NewFunction(scope, jsii.String(id), &awslambda.FunctionProps{
			Runtime: awslambda.Runtime_NODEJS_22_X(),
			Handler: jsii.String("index.handler"),
			Code:    awslambda.Code_FromInline(jsii.String("exports.handler = async (e) => e;")),
			Timeout: timeout,
		})
	}
	imported := statemachine.NewLambdaTask(scope, "CallImported", &statemachine.LambdaTaskProps{
		Function: awslambda.Function_FromFunctionArn(scope, jsii.String("Imported"), jsii.String("arn:aws:lambda:eu-west-1:123456789012:function:enrich")),
		Timeout:  42 * time.Second,
	})
	withTimeout := statemachine.NewLambdaTask(scope, "CallNode", &statemachine.LambdaTaskProps{
		Function: node("NodeFunction", awscdk.Duration_Seconds(jsii.Number(20))),
	})
	lambdaDefault := statemachine.NewLambdaTask(scope, "CallNodeDefault", &statemachine.LambdaTaskProps{
		Function: node("NodeDefaultFunction", nil),
	})
	for _, task := range []awsstepfunctions.TaskStateBase{imported, withTimeout, lambdaDefault} {
		task.AddCatch(failed, nil)
	}
	return imported.Next(withTimeout).Next(lambdaDefault)
}

// machine returns the properties of the stack's state machine and its
// definition.
func machine(t *testing.T, stack string) (map[string]any, *synthtest.Definition) {
	t.Helper()
	s := assembly.Stacks[stack]
	_, def, err := s.StateMachine()
	if err != nil {
		t.Fatal(err)
	}
	for _, props := range s.Resources("AWS::StepFunctions::StateMachine") {
		return props, def
	}
	t.Fatalf("stack %s has no state machine", stack)
	return nil, nil
}

// queryLanguage is the top-level QueryLanguage of the stack's definition.
func queryLanguage(t *testing.T, stack string) string {
	t.Helper()
	m, _, err := assembly.Stacks[stack].StateMachine()
	if err != nil {
		t.Fatal(err)
	}
	var top struct{ QueryLanguage string }
	if err := json.Unmarshal([]byte(m.Definition), &top); err != nil {
		t.Fatal(err)
	}
	return top.QueryLanguage
}

// alarms returns the alarms of a stack by metric name.
func alarms(stack string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, props := range assembly.Stacks[stack].Resources("AWS::CloudWatch::Alarm") {
		out[props["MetricName"].(string)] = props
	}
	return out
}

func TestDefaultsLogEverythingAlarmOnOneEventAndMakeARole(t *testing.T) {
	props, _ := machine(t, defaultsStack)
	logging := props["LoggingConfiguration"].(map[string]any)
	if logging["Level"] != "ALL" || logging["IncludeExecutionData"] != true {
		t.Errorf("LoggingConfiguration = %v, want level ALL with execution data", synthtest.JSON(logging))
	}
	if got := queryLanguage(t, defaultsStack); got != "" {
		t.Errorf("QueryLanguage = %q, want none (JSONPath)", got)
	}
	if roles := assembly.Stacks[defaultsStack].Resources("AWS::IAM::Role"); len(roles) != 1 {
		t.Errorf("%d roles, want the state machine's own", len(roles))
	}
	got := alarms(defaultsStack)
	if len(got) != 4 {
		t.Fatalf("alarms on %d metrics, want 4", len(got))
	}
	for metric, a := range got {
		if a["Threshold"] != 1.0 || a["EvaluationPeriods"] != 1.0 || a["Period"] != 300.0 {
			t.Errorf("%s alarm: threshold %v, evaluation periods %v, period %v; want 1, 1, 300", metric, a["Threshold"], a["EvaluationPeriods"], a["Period"])
		}
	}
}

func TestLogLevelAndExecutionDataAreProps(t *testing.T) {
	props, _ := machine(t, customStack)
	logging := props["LoggingConfiguration"].(map[string]any)
	if logging["Level"] != "ERROR" || logging["IncludeExecutionData"] != false {
		t.Errorf("LoggingConfiguration = %v, want level ERROR without execution data", synthtest.JSON(logging))
	}
}

func TestAnExistingRoleIsUsedAndGranted(t *testing.T) {
	s := assembly.Stacks[customStack]
	for id, role := range s.Resources("AWS::IAM::Role") {
		if strings.Contains(synthtest.JSON(role["AssumeRolePolicyDocument"]), "states.amazonaws.com") {
			t.Errorf("role %s created for Step Functions; want none, the team's role is passed", id)
		}
	}
	props, _ := machine(t, customStack)
	if props["RoleArn"] != teamRoleArn {
		t.Errorf("RoleArn = %v, want %s", synthtest.JSON(props["RoleArn"]), teamRoleArn)
	}
	var granted bool
	for _, p := range s.Resources("AWS::IAM::Policy") {
		if synthtest.JSON(p["Roles"]) == `["team-sfn"]` && strings.Contains(synthtest.JSON(p["PolicyDocument"]), "lambda:InvokeFunction") {
			granted = true
		}
	}
	if !granted {
		t.Error("no policy on team-sfn lets it invoke the tasks' functions")
	}
}

func TestKeyGrantsGoToTheExecutionRole(t *testing.T) {
	actions := map[string]bool{}
	for _, p := range assembly.Stacks[customStack].Resources("AWS::IAM::Policy") {
		if synthtest.JSON(p["Roles"]) != `["team-sfn"]` {
			continue
		}
		for _, st := range p["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			st := st.(map[string]any)
			if strings.Contains(synthtest.JSON(st["Resource"]), "DataKey") {
				for _, a := range synthtest.List(st["Action"]) {
					actions[a.(string)] = true
				}
			}
		}
	}
	// GetItem reads (decrypt); a publisher needs a data key; nothing writes.
	if !actions["kms:Decrypt"] || !actions["kms:GenerateDataKey"] || len(actions) != 2 {
		t.Errorf("team-sfn's actions on the data key = %v, want kms:Decrypt and kms:GenerateDataKey", actions)
	}
}

// TestAnUnjustifiedGrantOnEveryResourceFailsSynthesis: the role's
// Resource::* suppression covers only the actions it names, so a later
// grant of another action on "*" is an error, not a silent suppression.
func TestAnUnjustifiedGrantOnEveryResourceFailsSynthesis(t *testing.T) {
	var problems []string
	for _, p := range *widened.Role.Node().Validate() {
		problems = append(problems, *p)
	}
	if len(problems) != 1 || !strings.Contains(problems[0], "rekognition:DetectLabels on Resource \"*\"") || !strings.Contains(problems[0], "nag.Unscoped.Allow") {
		t.Errorf("validation of a role granted rekognition:DetectLabels on *: %q; want one error naming the action and the fix", problems)
	}
	if problems := *justified.Role.Node().Validate(); len(problems) != 0 {
		t.Errorf("the justified grant (and logging and tracing) failed validation: %s", *problems[0])
	}
}
