// Command probe is a Lambda function for lambdart's tests: each event asks
// it to answer, fail, panic, exit or sleep, so the tests see every way a
// real function ends an invocation.
package main

import (
	"context"
	"errors"
	"log"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type event struct {
	Op      string `json:"op"`
	Value   any    `json:"value"`
	SleepMS int    `json:"sleepMs"`
}

type answer struct {
	Value     any    `json:"value"`
	RequestID string `json:"requestId"`
	Function  string `json:"function"`
	Greeting  string `json:"greeting"`
	PID       int    `json:"pid"`
}

// OutOfStock is a typed error, as the project's handlers return.
type OutOfStock struct{ SKU string }

func (e *OutOfStock) Error() string { return "out of stock: " + e.SKU }

func handle(ctx context.Context, ev event) (answer, error) {
	lc, _ := lambdacontext.FromContext(ctx)
	switch ev.Op {
	case "fail":
		return answer{}, &OutOfStock{SKU: "sku-1"}
	case "panic":
		panic(errors.New("handler bug"))
	case "exit":
		os.Exit(3)
	case "sleep":
		time.Sleep(time.Duration(ev.SleepMS) * time.Millisecond)
	}
	return answer{Value: ev.Value, RequestID: lc.AwsRequestID, Function: lambdacontext.FunctionName,
		Greeting: os.Getenv("GREETING"), PID: os.Getpid()}, nil
}

func main() {
	if os.Getenv("FAIL_INIT") != "" {
		log.Fatal("environment variable TABLE is not set")
	}
	lambda.Start(handle)
}
