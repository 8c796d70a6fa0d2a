// Command sfnkit-app is the CDK app: it reads its configuration from context,
// defines every workflow stack, and synthesizes them with cdk-nag checks;
// invalid props fail the synth with one line naming the prop, the value and
// the fix.
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/sfnkit/sfnkit/constructs/cdkapp"
	"github.com/sfnkit/sfnkit/stacks"
)

func main() {
	cdkapp.Main(func(app awscdk.App) {
		stacks.Build(app, stacks.ConfigFromContext(app))
	})
}
