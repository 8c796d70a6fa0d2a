package apigw

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"
)

// call is one request on its way through a route.
type call struct {
	g          *Gateway
	api        *restAPI
	stage      *stage
	m          *method
	r          *http.Request
	body       []byte
	path       string
	pathParams map[string]string
	requestID  string
	identity   Identity
}

// handle authorizes, validates and integrates a request, in API Gateway's
// order.
func (g *Gateway) handle(w http.ResponseWriter, c *call) {
	w.Header().Set("X-Amzn-Requestid", c.requestID)
	if c.m.unsupported != "" {
		writeError(w, http.StatusInternalServerError, "InternalServerErrorException", "the local API Gateway cannot serve "+c.m.route()+": "+c.m.unsupported)
		return
	}
	if c.m.auth == "AWS_IAM" {
		id, err := g.opts.Credentials.verify(c.r, c.body, g.opts.Now())
		if err != nil {
			writeError(w, http.StatusForbidden, err.errorType, err.message)
			return
		}
		c.identity = id
	}
	contentType := "application/json"
	if ct, _, err := mime.ParseMediaType(c.r.Header.Get("Content-Type")); err == nil {
		contentType = ct
	}
	if c.m.validate {
		if model, ok := c.m.models[contentType]; ok {
			var v any
			if json.Unmarshal(c.body, &v) != nil || model.validate(v, "") != "" {
				writeError(w, http.StatusBadRequest, "BadRequestException", "Invalid request body")
				return
			}
		}
	}
	switch c.m.integ.kind {
	case "AWS":
		g.integrateAWS(w, c, contentType)
	case "AWS_PROXY":
		g.integrateLambda(w, c)
	case "MOCK":
		g.respond(w, c, http.StatusOK, nil)
	}
}

// context is $context for mapping templates.
func (c *call) context() map[string]string {
	ctx := map[string]string{
		"requestId": c.requestID, "extendedRequestId": c.requestID, "httpMethod": c.r.Method, "resourcePath": c.m.path,
		"path": "/" + c.stage.name + c.path, "stage": c.stage.name, "apiId": c.api.id, "accountId": "123456789012",
		"requestTime": time.Now().UTC().Format("02/Jan/2006:15:04:05 -0700"), "requestTimeEpoch": strconv.FormatInt(time.Now().UnixMilli(), 10),
		"protocol": c.r.Proto, "domainName": c.r.Host, "identity.sourceIp": sourceIP(c.r), "identity.userAgent": c.r.UserAgent(),
	}
	if c.identity.UserArn != "" {
		ctx["identity.userArn"], ctx["identity.user"], ctx["identity.caller"] = c.identity.UserArn, c.identity.User, c.identity.Caller
		ctx["identity.accessKey"], ctx["identity.accountId"] = c.identity.AccessKey, c.identity.AccountID()
	}
	return ctx
}

func sourceIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndex(host, ":"); i >= 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

func (c *call) params() map[string]string {
	p := map[string]string{}
	for k := range c.r.Header {
		p[k] = c.r.Header.Get(k)
	}
	for k, v := range c.r.URL.Query() {
		p[k] = v[0]
	}
	for k, v := range c.pathParams {
		p[k] = v
	}
	return p
}

// integrateAWS maps the request with its template, calls the AWS service's
// action and maps the answer through the integration response its status
// selects.
func (g *Gateway) integrateAWS(w http.ResponseWriter, c *call, contentType string) {
	body := c.body
	if t, ok := c.m.integ.requestTemplates[contentType]; ok {
		mapped, err := t.render(vtlInput{body: c.body, params: c.params(), context: c.context(), stage: c.stage.variables})
		if err != nil {
			writeError(w, http.StatusBadRequest, "BadRequestException", err.Error())
			return
		}
		body = []byte(mapped)
	} else if c.m.integ.passthrough == "NEVER" || (c.m.integ.passthrough == "WHEN_NO_TEMPLATES" && len(c.m.integ.requestTemplates) > 0) {
		writeError(w, http.StatusUnsupportedMediaType, "UnsupportedMediaTypeException", "Unsupported Media Type")
		return
	}
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body)).WithContext(c.r.Context())
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", map[string]string{"states": "AWSStepFunctions"}[c.m.integ.service]+"."+c.m.integ.action)
	rec := httptest.NewRecorder()
	g.opts.Services[c.m.integ.service].ServeHTTP(rec, req)
	g.respond(w, c, rec.Code, rec.Body.Bytes())
}

// respond picks the integration response whose selection pattern matches
// the backend's status (else the default one) and renders its template.
func (g *Gateway) respond(w http.ResponseWriter, c *call, status int, body []byte) {
	var chosen *integrationResponse
	for i, ir := range c.m.integ.responses {
		if ir.pattern == nil && chosen == nil {
			chosen = &c.m.integ.responses[i]
		}
	}
	for i, ir := range c.m.integ.responses {
		if ir.pattern != nil && ir.pattern.MatchString(strconv.Itoa(status)) {
			chosen = &c.m.integ.responses[i]
			break
		}
	}
	if chosen == nil {
		writeError(w, http.StatusInternalServerError, "InternalServerErrorException", "Internal server error")
		return
	}
	out := body
	if t, ok := chosen.templates["application/json"]; ok {
		rendered, err := t.render(vtlInput{body: body, params: c.params(), context: c.context(), stage: c.stage.variables})
		if err != nil {
			writeError(w, http.StatusInternalServerError, "InternalServerErrorException", "Internal server error")
			return
		}
		out = []byte(rendered)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(chosen.status)
	_, _ = w.Write(out)
}

// integrateLambda invokes the function with API Gateway's proxy event and
// answers with the status, headers and body it returns.
func (g *Gateway) integrateLambda(w http.ResponseWriter, c *call) {
	if g.opts.Functions == nil {
		writeError(w, http.StatusBadGateway, "InternalServerErrorException", "Internal server error")
		return
	}
	headers, multi := map[string]string{}, map[string][]string{}
	for k, vs := range c.r.Header {
		headers[k], multi[k] = vs[0], vs
	}
	if c.r.Host != "" {
		headers["Host"], multi["Host"] = c.r.Host, []string{c.r.Host}
	}
	var query map[string]string
	var multiQuery map[string][]string
	if q := c.r.URL.Query(); len(q) > 0 {
		query, multiQuery = map[string]string{}, map[string][]string{}
		for k, vs := range q {
			query[k], multiQuery[k] = vs[0], vs
		}
	}
	ctx := c.context()
	identity := map[string]any{"sourceIp": ctx["identity.sourceIp"], "userAgent": ctx["identity.userAgent"]}
	if c.identity.UserArn != "" {
		identity["userArn"], identity["user"], identity["caller"] = c.identity.UserArn, c.identity.User, c.identity.Caller
		identity["accessKey"], identity["accountId"] = c.identity.AccessKey, c.identity.AccountID()
	}
	var pathParams map[string]string
	if len(c.pathParams) > 0 {
		pathParams = c.pathParams
	}
	event := map[string]any{
		"resource": c.m.path, "path": c.path, "httpMethod": c.r.Method, "headers": headers, "multiValueHeaders": multi,
		"queryStringParameters": query, "multiValueQueryStringParameters": multiQuery, "pathParameters": pathParams,
		"stageVariables": nil, "body": string(c.body), "isBase64Encoded": false,
		"requestContext": map[string]any{
			"accountId": ctx["accountId"], "apiId": c.api.id, "resourcePath": c.m.path, "httpMethod": c.r.Method, "path": ctx["path"],
			"stage": c.stage.name, "requestId": c.requestID, "requestTimeEpoch": time.Now().UnixMilli(), "protocol": c.r.Proto, "identity": identity,
		},
	}
	payload, _ := json.Marshal(event)
	out, err := g.opts.Functions.Invoke(c.r.Context(), c.m.integ.function, payload)
	if err != nil {
		writeError(w, http.StatusBadGateway, "InternalServerErrorException", "Internal server error")
		return
	}
	var resp struct {
		StatusCode        int                 `json:"statusCode"`
		Headers           map[string]string   `json:"headers"`
		MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
		Body              string              `json:"body"`
		IsBase64Encoded   bool                `json:"isBase64Encoded"`
	}
	if json.Unmarshal(out, &resp) != nil || resp.StatusCode == 0 {
		writeError(w, http.StatusBadGateway, "InternalServerErrorException", "Internal server error")
		return
	}
	for k, v := range resp.Headers {
		w.Header().Set(k, v)
	}
	for k, vs := range resp.MultiValueHeaders {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	data := []byte(resp.Body)
	if resp.IsBase64Encoded {
		if data, err = base64.StdEncoding.DecodeString(resp.Body); err != nil {
			writeError(w, http.StatusBadGateway, "InternalServerErrorException", "Internal server error")
			return
		}
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(data)
}
