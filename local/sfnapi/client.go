package sfnapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

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

// APIError is an error answer of an AWS JSON API called with Call.
type APIError struct {
	Status        int
	Type, Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s: %s (HTTP %d)", e.Type, e.Message, e.Status)
}

// Call calls the Step Functions API handler h (a Server) in this process, as the
// SDK would over HTTP: operation with the JSON of in, its answer decoded
// into out (if not nil). An error answer is an *APIError.
func Call(h http.Handler, operation string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AWSStepFunctions."+operation)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		var doc struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &doc)
		return &APIError{Status: rec.Code, Type: doc.Type, Message: doc.Message}
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(rec.Body.Bytes(), out)
}
