// Command score is the example team's own Go Lambda: it scores one
// purchase for the loyalty workflow.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/sfnkit/sfnkit/examples/loyalty"
)

func main() { lambda.Start(loyalty.ScorePurchase) }
