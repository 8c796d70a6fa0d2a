// Package edge serves the local AWS stand-ins on one port, as LocalStack's
// edge port does: a request goes to the service its SigV4 signature names
// (the credential scope's service: s3, dynamodb, sqs, sns, execute-api,
// ...), or, unsigned, the service its X-Amz-Target, Host or form names.
// S3 answers both path-style (/bucket/key) and virtual-hosted
// (bucket.localhost:PORT/key) requests.
package edge

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// LocalPrefix starts the paths of the edge's own local-only endpoints
// (Router.Local), which no AWS service uses.
const LocalPrefix = "/_sfnkit/"

// Router routes requests to the services.
type Router struct {
	// Services serve each service by its SigV4 signing name ("s3",
	// "dynamodb", "sqs", "sns", "execute-api", "states", "events").
	Services map[string]http.Handler
	// Local serves the paths under LocalPrefix. If nil, they are not
	// found.
	Local http.Handler
}

// targets map X-Amz-Target prefixes to services, for unsigned requests.
var targets = map[string]string{
	"DynamoDB_20120810": "dynamodb",
	"AmazonSQS":         "sqs",
	"AWSStepFunctions":  "states",
	"AWSEvents":         "events",
}

// queryVersions map the query protocol's Version= to services.
var queryVersions = map[string]string{
	"2010-03-31": "sns",
	"2012-11-05": "sqs",
}

// ServeHTTP implements http.Handler.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, LocalPrefix) {
		if rt.Local == nil {
			http.NotFound(w, r)
			return
		}
		rt.Local.ServeHTTP(w, r)
		return
	}
	service := Service(r)
	if service == "s3" {
		if bucket := VirtualBucket(r.Host); bucket != "" { // bucket.localhost/key is /bucket/key
			r = r.Clone(r.Context())
			r.URL.Path = "/" + bucket + r.URL.Path
			r.URL.RawPath = ""
		}
	}
	h, ok := rt.Services[service]
	if !ok {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotImplemented)
		_, _ = io.WriteString(w, `{"__type":"NotImplemented","message":"the local edge serves `+strings.Join(rt.names(), ", ")+
			`; this request is for `+service+`, which it does not serve"}`)
		return
	}
	h.ServeHTTP(w, r)
}

func (rt *Router) names() []string {
	names := make([]string, 0, len(rt.Services))
	for n := range rt.Services {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Service names the service a request is for: the credential scope of its
// SigV4 Authorization header (or presigned X-Amz-Credential); else its
// X-Amz-Target; else execute-api for a *.execute-api.localhost Host or a
// /restapis/ path; else
// the query protocol's Version of a form; else s3.
func Service(r *http.Request) string {
	if s := signedService(r); s != "" {
		return s
	}
	if prefix, _, ok := strings.Cut(r.Header.Get("X-Amz-Target"), "."); ok {
		if s, ok := targets[prefix]; ok {
			return s
		}
	}
	host := hostName(r.Host)
	if strings.HasSuffix(host, ".execute-api.localhost") || strings.HasPrefix(r.URL.Path, "/restapis/") {
		return "execute-api"
	}
	if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		r.Body = io.NopCloser(bytes.NewReader(body))
		if form, err := url.ParseQuery(string(body)); err == nil {
			if s, ok := queryVersions[form.Get("Version")]; ok {
				return s
			}
		}
	}
	return "s3"
}

// signedService reads the service of a SigV4 credential scope,
// AKID/DATE/REGION/SERVICE/aws4_request.
func signedService(r *http.Request) string {
	credential := r.URL.Query().Get("X-Amz-Credential")
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "AWS4-HMAC-SHA256 ") {
		for _, part := range strings.Split(strings.TrimPrefix(auth, "AWS4-HMAC-SHA256 "), ",") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(part), "Credential="); ok {
				credential = v
			}
		}
	}
	scope := strings.Split(credential, "/")
	if len(scope) != 5 || scope[4] != "aws4_request" {
		return ""
	}
	return scope[3]
}

// VirtualBucket returns the bucket of a virtual-hosted S3 Host
// (photos.localhost:4566, or photos.s3.localhost), or "" for any other.
func VirtualBucket(host string) string {
	name, ok := strings.CutSuffix(hostName(host), ".localhost")
	if !ok || name == "" || strings.HasSuffix(name, ".execute-api") {
		return ""
	}
	name = strings.TrimSuffix(name, ".s3")
	if name == "s3" {
		return ""
	}
	return name
}

func hostName(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.ToLower(strings.TrimSuffix(host, "."))
}
