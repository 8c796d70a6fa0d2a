package imageprocessing

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctionstasks"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/statemachine"
	workflow "github.com/sfnkit/sfnkit/workflows/imageprocessing"
	"github.com/sfnkit/sfnkit/workflows/imageprocessing/contract"
)

// Rekognition's label detection settings.
const (
	MaxLabels          = 25
	LabelMinConfidence = 60
)

func path(p string) *string { return awsstepfunctions.JsonPath_StringAt(jsii.String(p)) }

func newTasks(scope constructs.Construct, ip *ImageProcessing, p Props) workflow.Tasks {
	bucket := *ip.Images.BucketName()
	image := map[string]interface{}{"S3Object": map[string]interface{}{"Bucket": bucket, "Name.$": contract.PathImage + ".key"}}
	rekognition := func(id, action string, params map[string]interface{}, keep string) awsstepfunctionstasks.CallAwsService {
		params["Image"] = image
		return awsstepfunctionstasks.NewCallAwsService(scope, jsii.String(id), &awsstepfunctionstasks.CallAwsServiceProps{
			Service:        jsii.String("rekognition"),
			Action:         jsii.String(action),
			Parameters:     &params,
			IamResources:   jsii.Strings("*"), // Rekognition's image APIs have no resource-level permissions
			ResultSelector: &map[string]interface{}{keep + ".$": "$." + keep},
			TaskTimeout:    statemachine.ServiceTaskTimeout(),
		})
	}
	insightsInput := map[string]interface{}{
		"image.$":       contract.PathImage,
		"labels.$":      contract.PathAnalysis + ".labels",
		"moderation.$":  contract.PathAnalysis + ".moderation",
		"thumbnails.$":  contract.PathAnalysis + ".thumbnails",
		"preferences.$": contract.PathPreferences,
	}

	t := workflow.Tasks{
		ExtractMetadata: statemachine.NewLambdaTask(scope, contract.StateExtractMetadata, &statemachine.LambdaTaskProps{
			Function: ip.Functions.ExtractMetadata.Function, FunctionTimeout: ip.Functions.ExtractMetadata.Timeout, ResultPath: contract.PathImage,
		}),
		DetectLabels: rekognition(contract.StateDetectLabels, "detectLabels",
			map[string]interface{}{"MaxLabels": MaxLabels, "MinConfidence": LabelMinConfidence}, "Labels"),
		DetectModeration: rekognition(contract.StateDetectModeration, "detectModerationLabels",
			map[string]interface{}{"MinConfidence": p.ModerationMinConfidence}, "ModerationLabels"),
		MakeThumbnails: statemachine.NewLambdaTask(scope, contract.StateMakeThumbnails, &statemachine.LambdaTaskProps{
			Function: ip.Functions.MakeThumbnails.Function, FunctionTimeout: ip.Functions.MakeThumbnails.Timeout, InputPath: contract.PathImage,
		}),
		LoadPreferences: awsstepfunctionstasks.NewDynamoGetItem(scope, jsii.String(contract.StateLoadPreferences), &awsstepfunctionstasks.DynamoGetItemProps{
			Table:       ip.Preferences,
			Key:         &map[string]awsstepfunctionstasks.DynamoAttributeValue{"userId": awsstepfunctionstasks.DynamoAttributeValue_FromString(path(contract.PathImage + ".userId"))},
			ResultPath:  jsii.String(contract.PathPreferences),
			TaskTimeout: statemachine.ServiceTaskTimeout(),
		}),
		StoreResults: awsstepfunctionstasks.NewDynamoPutItem(scope, jsii.String(contract.StateStoreResults), &awsstepfunctionstasks.DynamoPutItemProps{
			Table: ip.Results,
			Item: &map[string]awsstepfunctionstasks.DynamoAttributeValue{
				"imageKey":  awsstepfunctionstasks.DynamoAttributeValue_FromString(path(contract.PathImage + ".key")),
				"etag":      awsstepfunctionstasks.DynamoAttributeValue_FromString(path(contract.PathImage + ".etag")),
				"userId":    awsstepfunctionstasks.DynamoAttributeValue_FromString(path(contract.PathImage + ".userId")),
				"insight":   awsstepfunctionstasks.DynamoAttributeValue_FromString(awsstepfunctions.JsonPath_JsonToString(awsstepfunctions.JsonPath_ObjectAt(jsii.String(contract.PathInsights)))),
				"createdAt": awsstepfunctionstasks.DynamoAttributeValue_FromString(path("$$.State.EnteredTime")),
			},
			// The same object version is stored once: a repeated event ends
			// in AlreadyProcessed instead of announcing it again.
			ConditionExpression: jsii.String("attribute_not_exists(imageKey)"),
			ResultPath:          awsstepfunctions.JsonPath_DISCARD(),
			TaskTimeout:         statemachine.ServiceTaskTimeout(),
		}),
		NotifyProcessed: notify(scope, contract.StateNotifyProcessed, ip, EventImageProcessed, contract.PathImage+".userId", map[string]interface{}{
			"key":              path(contract.PathImage + ".key"),
			"caption":          path(contract.PathInsights + ".caption"),
			"labels":           awsstepfunctions.JsonPath_ObjectAt(jsii.String(contract.PathInsights + ".labels")),
			"highlight":        awsstepfunctions.JsonPath_ObjectAt(jsii.String(contract.PathInsights + ".highlight")),
			"matchedInterests": awsstepfunctions.JsonPath_ObjectAt(jsii.String(contract.PathInsights + ".matchedInterests")),
			"thumbnails":       awsstepfunctions.JsonPath_ObjectAt(jsii.String(contract.PathInsights + ".thumbnails")),
		}),
		// The quarantine steps use the event's key: on an unsupported image
		// there is no metadata. ExtractMetadata has checked the key holds
		// only S3's safe characters, so it needs no URL-encoding.
		QuarantineImage: s3Call(scope, contract.StateQuarantineImage, ip, "copyObject", "s3:PutObject", QuarantinePrefix, map[string]interface{}{
			"Bucket":       bucket,
			"CopySource.$": "States.Format('" + bucket + "/{}', " + contract.PathEventKey + ")",
			"Key.$":        "States.Format('" + QuarantinePrefix + "{}', " + contract.PathEventKey + ")",
		}),
		DeleteThumbnail: s3Call(scope, contract.StateDeleteThumbnail, ip, "deleteObject", "s3:DeleteObject", ProcessedPrefix, map[string]interface{}{
			"Bucket": bucket,
			"Key.$":  "$.key",
		}),
		DeleteOriginal: s3Call(scope, contract.StateDeleteOriginal, ip, "deleteObject", "s3:DeleteObject", UploadsPrefix, map[string]interface{}{
			"Bucket": bucket,
			"Key.$":  contract.PathEventKey,
		}),
		NotifyQuarantined: notify(scope, contract.StateNotifyQuarantined, ip, EventImageQuarantined, "", map[string]interface{}{
			"key":    path(contract.PathEventKey),
			"reason": awsstepfunctions.JsonPath_ObjectAt(jsii.String(contract.PathQuarantine)),
		}),
	}
	if p.SageMakerEndpoint != "" {
		stack := awscdk.Stack_Of(scope)
		endpointArn := "arn:" + *stack.Partition() + ":sagemaker:" + *stack.Region() + ":" + *stack.Account() + ":endpoint/" + strings.ToLower(p.SageMakerEndpoint)
		t.InvokeCustomModel = awsstepfunctionstasks.NewCallAwsService(scope, jsii.String(contract.StateInvokeCustomModel), &awsstepfunctionstasks.CallAwsServiceProps{
			Service:      jsii.String("sagemakerruntime"),
			Action:       jsii.String("invokeEndpoint"),
			IamAction:    jsii.String("sagemaker:InvokeEndpoint"),
			IamResources: jsii.Strings(endpointArn),
			Parameters: &map[string]interface{}{
				"EndpointName": p.SageMakerEndpoint,
				"ContentType":  "application/json",
				"Body.$":       "States.JsonToString(" + contract.PathImage + ")",
			},
			ResultSelector: &map[string]interface{}{"prediction.$": "States.StringToJson($.Body)"},
			TaskTimeout:    statemachine.ServiceTaskTimeout(),
		})
		insightsInput["custom.$"] = contract.PathAnalysis + ".custom"
	}
	t.GenerateInsights = statemachine.NewLambdaTask(scope, contract.StateGenerateInsights, &statemachine.LambdaTaskProps{
		Function: ip.Functions.GenerateInsights.Function, FunctionTimeout: ip.Functions.GenerateInsights.Timeout, Payload: awsstepfunctions.TaskInput_FromObject(&insightsInput), ResultPath: contract.PathInsights,
	})
	return t
}

// s3Call is an AWS SDK integration on one prefix of the images bucket;
// the grant itself is grantStateMachine's.
func s3Call(scope constructs.Construct, id string, ip *ImageProcessing, action, iamAction, prefix string, params map[string]interface{}) awsstepfunctionstasks.CallAwsService {
	return awsstepfunctionstasks.NewCallAwsService(scope, jsii.String(id), &awsstepfunctionstasks.CallAwsServiceProps{
		Service:      jsii.String("s3"),
		Action:       jsii.String(action),
		IamAction:    jsii.String(iamAction),
		IamResources: &[]*string{ip.Images.ArnForObjects(jsii.String(prefix + "*"))},
		Parameters:   &params,
		ResultPath:   awsstepfunctions.JsonPath_DISCARD(),
		TaskTimeout:  statemachine.ServiceTaskTimeout(),
	})
}

// notify publishes an event to the notification topic, with the event name
// (and the user, when known) as attributes subscribers can filter on.
func notify(scope constructs.Construct, id string, ip *ImageProcessing, event, userPath string, fields map[string]interface{}) awsstepfunctionstasks.SnsPublish {
	fields["event"] = event
	attributes := map[string]*awsstepfunctionstasks.MessageAttribute{"event": {Value: jsii.String(event)}}
	if userPath != "" {
		fields["userId"] = path(userPath)
		attributes["userId"] = &awsstepfunctionstasks.MessageAttribute{Value: path(userPath)}
	}
	return awsstepfunctionstasks.NewSnsPublish(scope, jsii.String(id), &awsstepfunctionstasks.SnsPublishProps{
		Topic:             ip.Notifications,
		Message:           awsstepfunctions.TaskInput_FromObject(&fields),
		MessageAttributes: &attributes,
		ResultPath:        awsstepfunctions.JsonPath_DISCARD(),
		TaskTimeout:       statemachine.ServiceTaskTimeout(),
	})
}
