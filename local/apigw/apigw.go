// Package apigw serves an app's API Gateway REST APIs from its synthesized
// templates: their resources and methods, request validation against the
// JSON schema models, IAM (SigV4) authorization against local credentials,
// the Step Functions (AWS) and Lambda proxy (AWS_PROXY) integrations with
// their mapping templates, and stage throttling. What API Gateway would
// refuse gets API Gateway's status and body.
package apigw

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sfnkit/sfnkit/cfn"
)

// Invoker invokes a Lambda function by ARN with a payload and returns its
// response payload: the app's function processes.
type Invoker interface {
	Invoke(ctx context.Context, functionArn string, payload []byte) ([]byte, error)
}

// Options configure Gateway.
type Options struct {
	// Assembly holds the templates whose REST APIs are served.
	Assembly *cfn.Assembly
	// Services serve AWS integrations by service ("states" for
	// arn:aws:apigateway:REGION:states:action/StartExecution), over their
	// JSON protocols.
	Services map[string]http.Handler
	// Functions invoke the Lambda functions of AWS_PROXY integrations. If
	// nil, those routes answer 502.
	Functions Invoker
	// Credentials check IAM-authorized requests. If nil,
	// DefaultCredentials.
	Credentials Credentials
	// Now is the time signatures are checked against. If nil, time.Now.
	Now func() time.Time
}

// Gateway serves the REST APIs.
type Gateway struct {
	opts Options
	apis map[string]*restAPI // by API id
	// Notes are what start-up found the local API Gateway does not do
	// (an authorizer, an integration type), by route; those routes answer
	// 500 saying so.
	Notes []string
}

// restAPI is one AWS::ApiGateway::RestApi.
type restAPI struct {
	id, name string
	stages   map[string]*stage
	routes   []*method
}

// stage is a deployed stage with its throttle.
type stage struct {
	name      string
	variables map[string]string
	mu        sync.Mutex
	rate      float64 // requests per second; 0 is no limit
	burst     float64
	tokens    float64
	last      time.Time
}

// allow takes a token from the stage's bucket.
func (s *stage) allow(now time.Time) bool {
	if s.rate <= 0 {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last.IsZero() {
		s.tokens = s.burst
	} else {
		s.tokens = min(s.burst, s.tokens+now.Sub(s.last).Seconds()*s.rate)
	}
	s.last = now
	if s.tokens < 1 {
		return false
	}
	s.tokens--
	return true
}

// method is one route: a method of a resource.
type method struct {
	verb, path  string // POST, /orders/{id}
	pattern     *regexp.Regexp
	params      []string
	auth        string
	unsupported string
	models      map[string]schema // by content type
	validate    bool
	integ       integration
}

func (m *method) route() string { return m.verb + " " + m.path }

// integration is a method's backend.
type integration struct {
	kind             string // AWS, AWS_PROXY, MOCK
	service, action  string // AWS: states, StartExecution
	function         string // AWS_PROXY: the function's ARN
	requestTemplates map[string]*vtl
	passthrough      string
	responses        []integrationResponse
}

type integrationResponse struct {
	pattern   *regexp.Regexp // nil: the default
	status    int
	templates map[string]*vtl
}

// APIID is the id the local API Gateway gives a REST API: its logical id,
// lowercased, so its host (ID.execute-api.localhost) is a valid name.
func APIID(logicalID string) string { return strings.ToLower(logicalID) }

// New reads every REST API of the assembly. A mapping template beyond the
// local subset, or a model with a keyword the local validator does not
// apply, is an error naming the route.
func New(opts Options) (*Gateway, error) {
	if opts.Credentials == nil {
		opts.Credentials = DefaultCredentials
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	g := &Gateway{opts: opts, apis: map[string]*restAPI{}}
	for _, st := range opts.Assembly.Stacks {
		if err := g.readStack(st); err != nil {
			return nil, fmt.Errorf("stack %s: %w", st.Name, err)
		}
	}
	return g, nil
}

// URLs lists each stage's base URL on the edge at base (such as
// http://127.0.0.1:4566), with the API's name, sorted.
func (g *Gateway) URLs(edge string) []string {
	host := strings.TrimPrefix(edge, "http://")
	var out []string
	for _, a := range g.apis {
		for name := range a.stages {
			out = append(out, fmt.Sprintf("http://%s.execute-api.localhost:%s/%s (%s; or %s/restapis/%s/%s/_user_request_)", a.id, port(host), name, a.name, edge, a.id, name))
		}
	}
	sort.Strings(out)
	return out
}

// Routes lists every route as "API METHOD /path", sorted.
func (g *Gateway) Routes() []string {
	var out []string
	for _, a := range g.apis {
		for _, m := range a.routes {
			out = append(out, a.id+" "+m.route()+" ("+m.auth+", "+m.integ.kind+")")
		}
	}
	sort.Strings(out)
	return out
}

func port(host string) string {
	if i := strings.LastIndex(host, ":"); i >= 0 {
		return host[i+1:]
	}
	return "80"
}

// ServeHTTP implements http.Handler for requests to
// ID.execute-api.localhost[:port]/STAGE/path, or, where *.localhost names
// do not resolve, /restapis/ID/STAGE/_user_request_/path on any loopback
// host.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, stageName, path, ok := g.locate(r)
	api := g.apis[id]
	if !ok || api == nil {
		writeError(w, http.StatusNotFound, "NotFoundException", "Invalid API identifier specified "+id)
		return
	}
	st := api.stages[stageName]
	if st == nil {
		writeError(w, http.StatusForbidden, "ForbiddenException", "Forbidden")
		return
	}
	m, params := api.match(r.Method, path)
	if m == nil {
		writeError(w, http.StatusForbidden, "MissingAuthenticationTokenException", "Missing Authentication Token")
		return
	}
	if !st.allow(g.opts.Now()) {
		writeError(w, http.StatusTooManyRequests, "TooManyRequestsException", "Too Many Requests")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 10<<20+1))
	if err != nil || len(body) > 10<<20 {
		writeError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException", "Request Too Long")
		return
	}
	call := &call{g: g, api: api, stage: st, m: m, r: r, body: body, path: path, pathParams: params, requestID: newRequestID()}
	g.handle(w, call)
}

// locate reads the API id, stage and resource path of a request.
func (g *Gateway) locate(r *http.Request) (id, stageName, path string, ok bool) {
	if rest, found := strings.CutPrefix(r.URL.Path, "/restapis/"); found {
		parts := strings.SplitN(rest, "/", 3)
		if len(parts) == 3 && strings.HasPrefix(parts[2], "_user_request_") {
			return parts[0], parts[1], "/" + strings.TrimPrefix(strings.TrimPrefix(parts[2], "_user_request_"), "/"), true
		}
		return "", "", "", false
	}
	host := r.Host
	if i := strings.LastIndex(host, ":"); i >= 0 {
		host = host[:i]
	}
	id, found := strings.CutSuffix(strings.ToLower(host), ".execute-api.localhost")
	if !found {
		return "", "", "", false
	}
	stageName, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	return id, stageName, "/" + rest, true
}

// match finds the route of a method and path, with its path parameters.
func (a *restAPI) match(verb, path string) (*method, map[string]string) {
	for _, m := range a.routes {
		if (m.verb != verb && m.verb != "ANY") || m.pattern == nil {
			continue
		}
		sub := m.pattern.FindStringSubmatch(path)
		if sub == nil {
			continue
		}
		params := map[string]string{}
		for i, name := range m.params {
			params[name] = sub[i+1]
		}
		return m, params
	}
	return nil, nil
}

func newRequestID() string {
	return strconv.FormatInt(time.Now().UnixNano(), 36) + "-local"
}

// writeError writes API Gateway's error answer: {"message": ...} with the
// x-amzn-ErrorType header.
func writeError(w http.ResponseWriter, status int, errorType, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Errortype", errorType)
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]string{"message": message})
	_, _ = w.Write(b)
}

// Control serves the part of API Gateway's control plane that finds the
// local APIs: GET /restapis (aws apigateway get-rest-apis) and GET
// /restapis/ID/stages (get-stages). Everything else answers 404.
func (g *Gateway) Control() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodGet && len(parts) == 1 && parts[0] == "restapis":
			items := []map[string]any{}
			for _, id := range sortedKeys(g.apis) {
				items = append(items, map[string]any{"id": id, "name": g.apis[id].name, "createdDate": 1795824000})
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"item": items})
		case r.Method == http.MethodGet && len(parts) == 3 && parts[0] == "restapis" && parts[2] == "stages" && g.apis[parts[1]] != nil:
			items := []map[string]any{}
			for _, name := range sortedKeys(g.apis[parts[1]].stages) {
				items = append(items, map[string]any{"stageName": name, "deploymentId": "local"})
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"item": items})
		default:
			writeError(w, http.StatusNotFound, "NotFoundException", "the local API Gateway answers GET /restapis and GET /restapis/ID/stages only")
		}
	})
}
