package edge

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestRouting sends requests as the AWS CLI and SDKs do and sees each
// reach its service, S3 in both addressing styles.
func TestRouting(t *testing.T) {
	echo := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, name+" "+r.URL.Path) })
	}
	rt := &Router{Services: map[string]http.Handler{"s3": echo("s3"), "dynamodb": echo("dynamodb"), "sqs": echo("sqs"), "sns": echo("sns"), "execute-api": echo("execute-api")},
		Local: echo("local")}
	sign := func(service string) string {
		return "AWS4-HMAC-SHA256 Credential=local/20261122/us-east-1/" + service + "/aws4_request, SignedHeaders=host, Signature=00"
	}
	tests := []struct {
		name, method, host, path, auth, target, form, want string
	}{
		{"signed dynamodb", "POST", "127.0.0.1:4566", "/", sign("dynamodb"), "DynamoDB_20120810.Scan", "", "dynamodb /"},
		{"signed sqs json", "POST", "127.0.0.1:4566", "/", sign("sqs"), "AmazonSQS.ReceiveMessage", "", "sqs /"},
		{"signed sns query", "POST", "127.0.0.1:4566", "/", sign("sns"), "", "Action=Publish&Version=2010-03-31", "sns /"},
		{"unsigned sqs json", "POST", "127.0.0.1:4566", "/", "", "AmazonSQS.SendMessage", "", "sqs /"},
		{"unsigned sns query", "POST", "localhost:4566", "/", "", "", "Action=ListTopics&Version=2010-03-31", "sns /"},
		{"path-style s3", "GET", "127.0.0.1:4566", "/photos/uploads/a.jpg", sign("s3"), "", "", "s3 /photos/uploads/a.jpg"},
		{"virtual-hosted s3", "PUT", "photos.localhost:4566", "/uploads/a.jpg", sign("s3"), "", "", "s3 /photos/uploads/a.jpg"},
		{"virtual-hosted s3, unsigned", "GET", "photos.s3.localhost:4566", "/a.jpg", "", "", "", "s3 /photos/a.jpg"},
		{"api gateway by host", "POST", "abc123.execute-api.localhost:4566", "/v1/orders", "", "", "", "execute-api /v1/orders"},
		{"api gateway by path, unsigned", "POST", "127.0.0.1:4566", "/restapis/abc/v1/_user_request_/orders", "", "", "", "execute-api /restapis/abc/v1/_user_request_/orders"},
		{"api gateway signed", "POST", "abc123.execute-api.localhost:4566", "/v1/orders", sign("execute-api"), "", "", "execute-api /v1/orders"},
		{"local endpoint", "POST", "127.0.0.1:4566", "/_sfnkit/clock", sign("s3"), "", "", "local /_sfnkit/clock"},
	}
	for _, tc := range tests {
		req := httptest.NewRequest(tc.method, "http://"+tc.host+tc.path, strings.NewReader(tc.form))
		req.Host = tc.host
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		if tc.target != "" {
			req.Header.Set("X-Amz-Target", tc.target)
		}
		if tc.form != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		}
		rec := httptest.NewRecorder()
		rt.ServeHTTP(rec, req)
		if got := rec.Body.String(); got != tc.want {
			t.Errorf("%s: reached %q; want %q", tc.name, got, tc.want)
		}
	}
	req := httptest.NewRequest("POST", "http://127.0.0.1:4566/", nil)
	req.Header.Set("Authorization", sign("kinesis"))
	rec := httptest.NewRecorder()
	rt.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotImplemented || !strings.Contains(rec.Body.String(), "for kinesis, which it does not serve") {
		t.Errorf("a service the edge lacks: %d %s", rec.Code, rec.Body)
	}
}
