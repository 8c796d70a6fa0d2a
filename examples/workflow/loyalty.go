// Package workflow is the example team's own workflow, built from sfnkit's
// building blocks: a Go Lambda of the team's module (cmd/score), an inline
// Map over the purchases, a JSONata state that totals the points, a Choice,
// and a DynamoDB service integration on a table encrypted with the
// workflow's key. The state machine gets sfnkit's defaults: logs, tracing,
// a customer-managed key, a timeout, alarms, and a refusal to synthesize a
// Task without a timeout or a Catch.
package workflow

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctionstasks"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/encrypted"
	"github.com/sfnkit/sfnkit/constructs/gofunction"
	"github.com/sfnkit/sfnkit/constructs/statemachine"
)

// RewardThreshold is the points a customer needs for a reward.
const RewardThreshold = 1000

// Loyalty scores a customer's purchases and records a reward when they
// earn one. Input: {"customerId": "c-1", "purchases": [{"sku", "category",
// "amountCents"}]}.
type Loyalty struct {
	constructs.Construct
	Key          awskms.IKey
	Rewards      awsdynamodb.Table
	Score        *gofunction.Function
	StateMachine *statemachine.StateMachine
}

// NewLoyalty defines the workflow; removal applies to its key, table and
// logs.
func NewLoyalty(scope constructs.Construct, id string, removal awscdk.RemovalPolicy) *Loyalty {
	this := constructs.NewConstruct(scope, jsii.String(id))
	l := &Loyalty{Construct: this}
	l.Key = encrypted.NewKey(this, "Key", &encrypted.KeyProps{Description: "Encrypts the loyalty workflow's data", RemovalPolicy: removal})
	l.Rewards = encrypted.NewTable(this, "RewardsTable", &encrypted.TableProps{PartitionKey: "customerId", Key: l.Key, RemovalPolicy: removal})
	l.Score = gofunction.New(this, "ScoreFunction", &gofunction.Props{
		Entry: "./cmd/score", Description: "Scores one purchase", Key: l.Key, RemovalPolicy: removal,
	})

	// Score every purchase with the team's Go function.
	score := statemachine.NewLambdaTask(this, "ScorePurchase", &statemachine.LambdaTaskProps{
		Function: l.Score.Function, FunctionTimeout: l.Score.Timeout,
	})
	rejected := awsstepfunctions.NewFail(this, jsii.String("PurchaseRejected"), &awsstepfunctions.FailProps{
		Error: jsii.String("InvalidPurchase"), Cause: jsii.String("A purchase could not be scored"),
	})
	score.AddCatch(rejected, &awsstepfunctions.CatchProps{Errors: jsii.Strings("InvalidPurchase")})
	scoreAll := awsstepfunctions.NewMap(this, jsii.String("ScorePurchases"), &awsstepfunctions.MapProps{
		ItemsPath: jsii.String("$.purchases"), ResultPath: jsii.String("$.scores"), MaxConcurrency: jsii.Number(10),
	})
	scoreAll.ItemProcessor(score, nil)
	failed := awsstepfunctions.NewFail(this, jsii.String("ScoringFailed"), &awsstepfunctions.FailProps{
		Error: jsii.String("ScoringFailed"), CausePath: jsii.String("$.error.Cause"),
	})
	scoreAll.AddCatch(failed, &awsstepfunctions.CatchProps{ResultPath: jsii.String("$.error")})

	// Total the points in JSONata, in a machine that is JSONPath otherwise.
	total := awsstepfunctions.NewPass(this, jsii.String("TotalPoints"), &awsstepfunctions.PassProps{
		QueryLanguage: awsstepfunctions.QueryLanguage_JSONATA,
		Outputs: map[string]*string{
			"customerId": jsii.String("{% $states.input.customerId %}"),
			"points":     jsii.String("{% $sum($states.input.scores.points) %}"),
		},
	})

	// Record a reward with a direct DynamoDB call on the encrypted table.
	record := awsstepfunctionstasks.NewDynamoPutItem(this, jsii.String("RecordReward"), &awsstepfunctionstasks.DynamoPutItemProps{
		Table: l.Rewards,
		Item: &map[string]awsstepfunctionstasks.DynamoAttributeValue{
			"customerId": awsstepfunctionstasks.DynamoAttributeValue_FromString(awsstepfunctions.JsonPath_StringAt(jsii.String("$.customerId"))),
			"points":     awsstepfunctionstasks.DynamoAttributeValue_NumberFromString(awsstepfunctions.JsonPath_Format(jsii.String("{}"), awsstepfunctions.JsonPath_StringAt(jsii.String("$.points")))),
		},
		ResultPath:  awsstepfunctions.JsonPath_DISCARD(),
		TaskTimeout: statemachine.ServiceTaskTimeout(),
	})
	record.AddRetry(&awsstepfunctions.RetryProps{
		Errors: jsii.Strings("DynamoDB.ProvisionedThroughputExceededException", "DynamoDB.InternalServerErrorException"),
	})
	record.AddCatch(failed, &awsstepfunctions.CatchProps{ResultPath: jsii.String("$.error")})

	rewarded := awsstepfunctions.NewSucceed(this, jsii.String("Rewarded"), nil)
	noReward := awsstepfunctions.NewSucceed(this, jsii.String("NoReward"), nil)
	enough := awsstepfunctions.NewChoice(this, jsii.String("EnoughForAReward"), nil).
		When(awsstepfunctions.Condition_NumberGreaterThanEquals(jsii.String("$.points"), jsii.Number(RewardThreshold)), record.Next(rewarded), nil).
		Otherwise(noReward)

	l.StateMachine = statemachine.New(this, "StateMachine", &statemachine.Props{
		Definition:    scoreAll.Next(total).Next(enough),
		Key:           l.Key,
		RemovalPolicy: removal,
		Comment:       "Loyalty: score each purchase, total the points, record a reward",
	})
	// The table and its key, in one grant: no hand-written KMS statement.
	encrypted.GrantTable(l.StateMachine, l.Rewards, l.Key, "dynamodb:PutItem")
	return l
}
