// Command examples is a team's CDK app built on sfnkit: `cdk synth` from
// this directory runs it.
package main

import (
	"github.com/sfnkit/sfnkit/constructs/cdkapp"
	"github.com/sfnkit/sfnkit/examples/app"
)

func main() { cdkapp.Main(app.Build) }
