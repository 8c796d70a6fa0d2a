package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/imageprocessing"
)

// ImageProcessingStack deploys the image-processing workflow.
type ImageProcessingStack struct {
	awscdk.Stack
	Workflow *imageprocessing.ImageProcessing
}

// NewImageProcessingStack defines the stack and its outputs. The
// "imageSageMakerEndpoint" context key adds the custom-model branch.
func NewImageProcessingStack(scope constructs.Construct, id string, cfg Config) *ImageProcessingStack {
	stack := awscdk.NewStack(scope, jsii.String(id), cfg.stackProps(id, "Image processing: S3 upload to insights, as an Express workflow"))
	cfg.tag(stack, "imageprocessing")
	wf := imageprocessing.New(stack, "Images", &imageprocessing.Props{
		SageMakerEndpoint: cfg.ImageSageMakerEndpoint,
		RemovalPolicy:     cfg.removalPolicy(),
	})
	output(stack, "StateMachineArn", wf.StateMachine.StateMachineArn(), "ARN of the image-processing state machine")
	output(stack, "ImagesBucketName", wf.Images.BucketName(), "Upload images under uploads/<userId>/")
	output(stack, "NotificationTopicArn", wf.Notifications.TopicArn(), "ImageProcessed and ImageQuarantined events")
	output(stack, "AlarmTopicArn", wf.StateMachine.AlarmTopic.TopicArn(), "Subscribe on-call to this topic")
	return &ImageProcessingStack{Stack: stack, Workflow: wf}
}
