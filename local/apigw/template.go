package apigw

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/sfnkit/sfnkit/cfn"
)

// readStack reads the REST APIs of one stack: their resource trees,
// methods, models, validators and stages.
func (g *Gateway) readStack(st *cfn.AssemblyStack) error {
	tpl := st.Template
	names := cfn.Placeholders{Template: tpl}
	for _, id := range tpl.LogicalIDs("AWS::ApiGateway::RestApi") {
		name, _ := tpl.Resources[id].Properties["Name"].(string)
		g.apis[APIID(id)] = &restAPI{id: APIID(id), name: name, stages: map[string]*stage{}}
	}
	apiOf := func(props map[string]any) *restAPI { return g.apis[APIID(refOf(props["RestApiId"]))] }
	// Resource paths, from each resource's parent.
	paths := map[string]string{}
	var pathOf func(id string, depth int) (string, error)
	pathOf = func(id string, depth int) (string, error) {
		if p, ok := paths[id]; ok {
			return p, nil
		}
		res, ok := tpl.Resources[id]
		if !ok || res.Type != "AWS::ApiGateway::Resource" || depth > 64 {
			return "", fmt.Errorf("resource %s is not an AWS::ApiGateway::Resource of the template", id)
		}
		parent := "/"
		if ref := refOf(res.Properties["ParentId"]); ref != "" {
			p, err := pathOf(ref, depth+1)
			if err != nil {
				return "", err
			}
			parent = p
		}
		part, _ := res.Properties["PathPart"].(string)
		paths[id] = strings.TrimSuffix(parent, "/") + "/" + part
		return paths[id], nil
	}
	for _, id := range tpl.LogicalIDs("AWS::ApiGateway::Stage") {
		props := tpl.Resources[id].Properties
		if api := apiOf(props); api != nil {
			name, _ := props["StageName"].(string)
			api.stages[name] = readStage(name, props)
		}
	}
	for _, id := range tpl.LogicalIDs("AWS::ApiGateway::Deployment") {
		props := tpl.Resources[id].Properties
		if name, ok := props["StageName"].(string); ok {
			if api := apiOf(props); api != nil && api.stages[name] == nil {
				api.stages[name] = readStage(name, props)
			}
		}
	}
	for _, id := range tpl.LogicalIDs("AWS::ApiGateway::Method") {
		props := tpl.Resources[id].Properties
		api := apiOf(props)
		if api == nil {
			continue
		}
		path := "/"
		if ref := refOf(props["ResourceId"]); ref != "" {
			p, err := pathOf(ref, 0)
			if err != nil {
				return fmt.Errorf("method %s: %w", id, err)
			}
			path = p
		}
		m, err := g.readMethod(tpl, names, props, path)
		if err != nil {
			return fmt.Errorf("route %s %s (%s): %w", props["HttpMethod"], path, id, err)
		}
		api.routes = append(api.routes, m)
	}
	return nil
}

// readStage reads a stage's variables and its throttle: the MethodSettings
// entry for every method (/* and *).
func readStage(name string, props map[string]any) *stage {
	s := &stage{name: name, variables: map[string]string{}}
	vars, _ := props["Variables"].(map[string]any)
	for k, v := range vars {
		s.variables[k] = fmt.Sprint(v)
	}
	settings, _ := props["MethodSettings"].([]any)
	for _, raw := range settings {
		m, _ := raw.(map[string]any)
		if m["HttpMethod"] == "*" && m["ResourcePath"] == "/*" {
			s.rate, _ = m["ThrottlingRateLimit"].(float64)
			s.burst, _ = m["ThrottlingBurstLimit"].(float64)
		}
	}
	return s
}

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

func (g *Gateway) readMethod(tpl *cfn.Template, names cfn.Placeholders, props map[string]any, path string) (*method, error) {
	m := &method{models: map[string]schema{}}
	m.verb, _ = props["HttpMethod"].(string)
	m.path = path
	m.auth, _ = props["AuthorizationType"].(string)
	if m.auth == "" {
		m.auth = "NONE"
	}
	if m.auth != "NONE" && m.auth != "AWS_IAM" {
		m.unsupported = "the authorization type " + m.auth + " is not evaluated by the local API Gateway"
	}
	// The route's pattern: {name} is one segment, {name+} the rest.
	var expr strings.Builder
	expr.WriteString("^")
	last := 0
	for _, loc := range pathParam.FindAllStringSubmatchIndex(path, -1) {
		expr.WriteString(regexp.QuoteMeta(path[last:loc[0]]))
		name := path[loc[2]:loc[3]]
		if greedy, ok := strings.CutSuffix(name, "+"); ok {
			m.params = append(m.params, greedy)
			expr.WriteString("(.+)")
		} else {
			m.params = append(m.params, name)
			expr.WriteString("([^/]+)")
		}
		last = loc[1]
	}
	expr.WriteString(regexp.QuoteMeta(path[last:]) + "/?$")
	m.pattern = regexp.MustCompile(expr.String())
	if ref := refOf(props["RequestValidatorId"]); ref != "" {
		m.validate, _ = tpl.Resources[ref].Properties["ValidateRequestBody"].(bool)
	}
	models, _ := props["RequestModels"].(map[string]any)
	for ct, ref := range models {
		id := refOf(ref)
		s, _ := tpl.Resources[id].Properties["Schema"].(map[string]any)
		if s == nil {
			continue // Empty and Error models validate nothing
		}
		if err := checkSchema(s, ""); err != nil {
			return nil, fmt.Errorf("model %s: %w", id, err)
		}
		m.models[ct] = schema(s)
	}
	in, _ := props["Integration"].(map[string]any)
	integ := integration{requestTemplates: map[string]*vtl{}}
	integ.kind, _ = in["Type"].(string)
	integ.passthrough, _ = in["PassthroughBehavior"].(string)
	uri, _ := cfn.Resolve(in["Uri"], names)
	switch {
	case integ.kind == "AWS" && strings.Contains(uri, ":action/"):
		// arn:aws:apigateway:REGION:SERVICE:action/ACTION
		parts := strings.SplitN(uri, ":", 6)
		if len(parts) == 6 {
			integ.service = parts[4]
			integ.action = strings.TrimPrefix(parts[5], "action/")
		}
		if g.opts.Services[integ.service] == nil {
			m.unsupported = "the integration with " + integ.service + " (" + uri + ") has no local service"
		}
	case integ.kind == "AWS_PROXY" && strings.Contains(uri, ":lambda:path/"):
		fn := uri[strings.Index(uri, "/functions/")+len("/functions/"):]
		integ.function = strings.TrimSuffix(fn, "/invocations")
	case integ.kind == "MOCK":
	default:
		m.unsupported = "the " + integ.kind + " integration " + uri + " is not run by the local API Gateway"
	}
	templates, _ := in["RequestTemplates"].(map[string]any)
	for ct, raw := range templates {
		src, err := cfn.Resolve(raw, names)
		if err != nil {
			return nil, fmt.Errorf("request template %s: %w", ct, err)
		}
		if integ.requestTemplates[ct], err = parseVTL(src); err != nil {
			return nil, fmt.Errorf("request template %s: %w", ct, err)
		}
	}
	responses, _ := in["IntegrationResponses"].([]any)
	for _, raw := range responses {
		r, _ := raw.(map[string]any)
		var ir integrationResponse
		status, _ := r["StatusCode"].(string)
		ir.status, _ = strconv.Atoi(status)
		if p, ok := r["SelectionPattern"].(string); ok && p != "" {
			re, err := regexp.Compile("^(?:" + p + ")$")
			if err != nil {
				return nil, fmt.Errorf("selection pattern %q: %w", p, err)
			}
			ir.pattern = re
		}
		ir.templates = map[string]*vtl{}
		rt, _ := r["ResponseTemplates"].(map[string]any)
		for ct, raw := range rt {
			src, err := cfn.Resolve(raw, names)
			if err != nil {
				return nil, err
			}
			if ir.templates[ct], err = parseVTL(src); err != nil {
				return nil, fmt.Errorf("response template %s of status %s: %w", ct, status, err)
			}
		}
		integ.responses = append(integ.responses, ir)
	}
	m.integ = integ
	if m.unsupported != "" {
		g.Notes = append(g.Notes, m.route()+": "+m.unsupported)
	}
	return m, nil
}

// refOf reads the logical id of {"Ref": id}, or "".
func refOf(v any) string {
	m, _ := v.(map[string]any)
	id, _ := m["Ref"].(string)
	return id
}
