package imageprocessing_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/imageprocessing"
)

// The image workflow with this library's handlers and your thumbnail
// sizes; an upload under uploads/<userId>/ starts it.
func ExampleNew() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Images"), nil)
	images := imageprocessing.New(stack, "Images", &imageprocessing.Props{ThumbnailSizes: []int{128, 512}})
	uploader := awsiam.NewRole(stack, jsii.String("Uploader"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
	})
	images.GrantUpload(uploader)
}
