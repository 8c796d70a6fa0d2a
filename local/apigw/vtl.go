package apigw

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Mapping templates are Velocity (VTL). The local API Gateway evaluates
// the subset CDK and our stacks generate, and refuses any other at
// start-up naming the route:
//
//   - $input.json('<path>'), $input.path('<path>'), $input.body,
//     $input.params('<name>') with a JSONPath of $, $.a.b or $.a[0];
//   - $util.escapeJavaScript(x), $util.urlEncode(x), $util.base64Encode(x),
//     $util.parseJson(x) around any of these;
//   - $context.<name>, such as $context.requestId or
//     $context.identity.userArn, and $stageVariables.<name>;
//   - a .replaceAll("regex", "replacement") after any of them.
//
// Directives (#set, #if, #foreach) and other references are refused.

// vtl is a parsed mapping template: literal text and expressions.
type vtl struct {
	parts []vtlPart
}

type vtlPart struct {
	text string   // literal, if expr is nil
	expr *vtlExpr // a reference
}

// vtlExpr is a reference: a function of the input or context, optionally
// wrapped by $util functions and followed by replaceAll calls.
type vtlExpr struct {
	kind     string // "input.json", "input.path", "input.body", "input.params", "context", "stageVariables", "util.*"
	arg      string
	inner    *vtlExpr
	replaces [][2]string
}

var (
	inputCall  = regexp.MustCompile(`^\$input\.(json|path|params)\('([^']*)'\)`)
	inputBody  = regexp.MustCompile(`^\$input\.body`)
	utilCall   = regexp.MustCompile(`^\$util\.(escapeJavaScript|urlEncode|base64Encode|parseJson)\(`)
	contextRef = regexp.MustCompile(`^\$(context|stageVariables)((?:\.[A-Za-z][A-Za-z0-9-]*)+)`)
	replaceAll = regexp.MustCompile(`^\.replaceAll\("((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"\)`)
	otherRef   = regexp.MustCompile(`^\$!?\{?[A-Za-z]`)
	refWord    = regexp.MustCompile(`^\$!?\{?[A-Za-z][\w.-]*`)
)

// parseVTL parses a mapping template, or says what it holds that the local
// API Gateway does not evaluate.
func parseVTL(src string) (*vtl, error) {
	t := &vtl{}
	var lit strings.Builder
	for i := 0; i < len(src); {
		rest := src[i:]
		if d := directive.FindString(rest); d != "" {
			return nil, fmt.Errorf("the mapping template uses the VTL directive %q, which the local API Gateway does not evaluate", d)
		}
		if rest[0] != '$' {
			lit.WriteByte(rest[0])
			i++
			continue
		}
		e, n, err := parseExpr(rest)
		if err != nil {
			return nil, err
		}
		if e == nil { // a $ that starts no reference is text
			lit.WriteByte('$')
			i++
			continue
		}
		if lit.Len() > 0 {
			t.parts = append(t.parts, vtlPart{text: lit.String()})
			lit.Reset()
		}
		t.parts = append(t.parts, vtlPart{expr: e})
		i += n
	}
	if lit.Len() > 0 {
		t.parts = append(t.parts, vtlPart{text: lit.String()})
	}
	return t, nil
}

// directive matches VTL's directives and comments; other text after a #
// (a colour, #fff) is text, as in Velocity.
var directive = regexp.MustCompile(`^(?:##|#\*|#\{?(?:set|if|elseif|else|end|foreach|break|stop|macro|parse|include|evaluate|define)\b)`)

// parseExpr parses the reference at the start of s and returns it with its
// length; nil if s starts with a $ that is no reference.
func parseExpr(s string) (*vtlExpr, int, error) {
	var e *vtlExpr
	n := 0
	switch {
	case inputCall.MatchString(s):
		m := inputCall.FindStringSubmatch(s)
		e, n = &vtlExpr{kind: "input." + m[1], arg: m[2]}, len(m[0])
	case inputBody.MatchString(s):
		e, n = &vtlExpr{kind: "input.body"}, len("$input.body")
	case utilCall.MatchString(s):
		m := utilCall.FindStringSubmatch(s)
		inner, k, err := parseExpr(s[len(m[0]):])
		if err != nil {
			return nil, 0, err
		}
		if inner == nil || !strings.HasPrefix(s[len(m[0])+k:], ")") {
			return nil, 0, fmt.Errorf("the mapping template calls $util.%s on something other than a reference the local API Gateway evaluates: %.40q", m[1], s)
		}
		e, n = &vtlExpr{kind: "util." + m[1], inner: inner}, len(m[0])+k+1
	case contextRef.MatchString(s):
		m := contextRef.FindStringSubmatch(s)
		e, n = &vtlExpr{kind: m[1], arg: strings.TrimPrefix(m[2], ".")}, len(m[0])
	case otherRef.MatchString(s):
		return nil, 0, fmt.Errorf("the mapping template uses %q, which the local API Gateway does not evaluate (it does $input.json('path'), $input.path('path'), $input.body, $input.params('name'), $util.escapeJavaScript, $util.urlEncode, $util.base64Encode, $util.parseJson, $context.*, $stageVariables.* and .replaceAll)", refWord.FindString(s))
	default:
		return nil, 0, nil
	}
	for {
		m := replaceAll.FindStringSubmatch(s[n:])
		if m == nil {
			break
		}
		if _, err := regexp.Compile(m[1]); err != nil {
			return nil, 0, fmt.Errorf("the mapping template's replaceAll(%q): %w", m[1], err)
		}
		e.replaces = append(e.replaces, [2]string{m[1], m[2]})
		n += len(m[0])
	}
	return e, n, nil
}

// vtlInput is what a template is evaluated against.
type vtlInput struct {
	body    []byte
	params  map[string]string
	context map[string]string
	stage   map[string]string
}

// render evaluates the template.
func (t *vtl) render(in vtlInput) (string, error) {
	var out strings.Builder
	for _, p := range t.parts {
		if p.expr == nil {
			out.WriteString(p.text)
			continue
		}
		s, err := p.expr.eval(in)
		if err != nil {
			return "", err
		}
		out.WriteString(s)
	}
	return out.String(), nil
}

func (e *vtlExpr) eval(in vtlInput) (string, error) {
	var s string
	switch e.kind {
	case "input.body":
		s = string(in.body)
	case "input.json", "input.path":
		v, err := selectPath(in.body, e.arg)
		if err != nil {
			return "", err
		}
		if e.kind == "input.json" {
			b, _ := json.Marshal(v)
			s = string(b)
		} else {
			s = velocityText(v)
		}
	case "input.params":
		s = in.params[e.arg]
	case "context":
		s = in.context[e.arg]
	case "stageVariables":
		s = in.stage[e.arg]
	default:
		inner, err := e.inner.eval(in)
		if err != nil {
			return "", err
		}
		switch e.kind {
		case "util.escapeJavaScript":
			s = escapeJavaScript(inner)
		case "util.urlEncode":
			s = url.QueryEscape(inner)
		case "util.base64Encode":
			s = base64.StdEncoding.EncodeToString([]byte(inner))
		case "util.parseJson":
			s = inner
		}
	}
	for _, r := range e.replaces {
		s = regexp.MustCompile(r[0]).ReplaceAllString(s, javaReplacement(r[1]))
	}
	return s, nil
}

// javaReplacement turns Java's replacement syntax ($1, \$) into Go's.
func javaReplacement(r string) string {
	r = strings.ReplaceAll(r, `\$`, "$$")
	return regexp.MustCompile(`\$(\d)`).ReplaceAllString(r, "$${$1}")
}

// velocityText renders a value as $input.path does in a template: strings
// without quotes, numbers and booleans as JSON, objects and arrays as JSON.
func velocityText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// selectPath reads a JSONPath ($, $.a.b, $.a[0], $['a']) from a JSON body.
func selectPath(body []byte, path string) (any, error) {
	var v any
	if len(strings.TrimSpace(string(body))) > 0 {
		if err := json.Unmarshal(body, &v); err != nil {
			return nil, fmt.Errorf("the body is not JSON: %w", err)
		}
	}
	rest, ok := strings.CutPrefix(path, "$")
	if !ok {
		return nil, fmt.Errorf("the JSONPath %q does not start with $", path)
	}
	step := regexp.MustCompile(`^(?:\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^']*)'\])`)
	for rest != "" {
		m := step.FindStringSubmatch(rest)
		if m == nil {
			return nil, fmt.Errorf("the JSONPath %q is beyond the local API Gateway's subset ($, .name, [index], ['name'])", path)
		}
		rest = rest[len(m[0]):]
		switch {
		case m[2] != "":
			i, _ := strconv.Atoi(m[2])
			list, _ := v.([]any)
			if i >= len(list) {
				return nil, nil
			}
			v = list[i]
		default:
			obj, _ := v.(map[string]any)
			v = obj[m[1]+m[3]]
		}
	}
	return v, nil
}

// escapeJavaScript escapes as Apache Commons Lang's
// StringEscapeUtils.escapeJavaScript, which $util.escapeJavaScript is.
func escapeJavaScript(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\'':
			b.WriteString(`\'`)
		case '\\':
			b.WriteString(`\\`)
		case '/':
			b.WriteString(`\/`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			switch {
			case r < 32:
				fmt.Fprintf(&b, `\u%04X`, r)
			case r > 0x7f && r <= 0xffff:
				fmt.Fprintf(&b, `\u%04X`, r)
			case r > 0xffff:
				r1, r2 := utf16Pair(r)
				fmt.Fprintf(&b, `\u%04X\u%04X`, r1, r2)
			default:
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

func utf16Pair(r rune) (rune, rune) {
	r -= 0x10000
	return 0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff
}
