// Command charge is the example team's ProcessPayment function: it charges
// through the team's payment service at PAYMENTS_API_URL.
package main

import (
	"context"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/sfnkit/sfnkit/examples/payments"
)

func main() {
	url := os.Getenv("PAYMENTS_API_URL")
	if url == "" {
		log.Fatal("PAYMENTS_API_URL is not set")
	}
	s := &payments.Service{BaseURL: url, Client: &http.Client{Timeout: 10 * time.Second}}
	lambda.Start(func(ctx context.Context, req payments.ChargeRequest) (payments.Result, error) {
		return s.Charge(ctx, req)
	})
}
