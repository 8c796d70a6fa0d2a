package etl_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/constructs/etl"
	"github.com/sfnkit/sfnkit/constructs/gofunction"
)

// The daily ETL workflow with your own transform in place of this
// library's; producers upload raw files, analysts query the curated table.
func ExampleNew() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Etl"), nil)
	pipeline := etl.New(stack, "Sales", &etl.Props{
		Handlers: etl.Handlers{Transform: gofunction.Handler{Entry: "./cmd/transform-sales"}},
		Schedule: "cron(0 3 * * ? *)",
	})
	analysts := awsiam.NewRole(stack, jsii.String("Analysts"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewAccountRootPrincipal(),
	})
	pipeline.GrantQuery(analysts)
}
