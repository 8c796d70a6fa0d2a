package sfnapi

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// LocalEndpoint points a Go SDK Step Functions client at a local endpoint
// (such as `sfnkit serve`): the base URL, and no "sync-" host prefix,
// which the SDK otherwise puts before the host for StartSyncExecution and
// which no local host name has.
//
//	client := sfn.NewFromConfig(cfg, sfnapi.LocalEndpoint("http://127.0.0.1:8083"))
func LocalEndpoint(url string) func(*sfn.Options) {
	return func(o *sfn.Options) {
		o.BaseEndpoint = aws.String(url)
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("NoEndpointHostPrefix",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
				}), middleware.Before)
		})
	}
}
