// Command generate-insights is the GenerateInsights Lambda of the image workflow.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/sfnkit/sfnkit/lambdas/insights"
)

func main() {
	lambda.Start(insights.New().Handle)
}
