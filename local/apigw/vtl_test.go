package apigw

import (
	"encoding/json"
	"strings"
	"testing"
)

// ordersTemplate is the request template CDK generates for our
// StartExecution integration (constructs/orderfulfillment).
const ordersTemplate = `{
  "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Orders",
  "name": "$util.escapeJavaScript($input.path('$.orderId'))",
  "input": "$util.escapeJavaScript($input.json('$')).replaceAll("\\'", "'")"
}`

func TestOrdersTemplateCarriesTheBodyAsTheInput(t *testing.T) {
	tmpl, err := parseVTL(ordersTemplate)
	if err != nil {
		t.Fatal(err)
	}
	body := `{"orderId":"ord-1","note":"Ada's \"desk\" / é 😀\nline2"}`
	out, err := tmpl.render(vtlInput{body: []byte(body)})
	if err != nil {
		t.Fatal(err)
	}
	var req struct{ StateMachineArn, Name, Input string }
	if err := json.Unmarshal([]byte(out), &req); err != nil {
		t.Fatalf("the mapped request is not JSON: %v\n%s", err, out)
	}
	var in, want any
	_ = json.Unmarshal([]byte(req.Input), &in)
	_ = json.Unmarshal([]byte(body), &want)
	a, _ := json.Marshal(in)
	b, _ := json.Marshal(want)
	if req.Name != "ord-1" || string(a) != string(b) {
		t.Errorf("mapped name %q, input %s; want ord-1 and %s", req.Name, req.Input, body)
	}
}

func TestResponseTemplates(t *testing.T) {
	tmpl, err := parseVTL(`{"executionArn": "$input.path('$.executionArn')", "startDate": $input.path('$.startDate'), "by": "$context.identity.userArn", "items": $input.json('$.items[0]')}`)
	if err != nil {
		t.Fatal(err)
	}
	out, err := tmpl.render(vtlInput{body: []byte(`{"executionArn":"arn:x","startDate":1796176331.483,"items":[{"a":1}]}`),
		context: map[string]string{"identity.userArn": "arn:aws:iam::123456789012:user/local"}})
	if want := `{"executionArn": "arn:x", "startDate": 1796176331.483, "by": "arn:aws:iam::123456789012:user/local", "items": {"a":1}}`; err != nil || out != want {
		t.Errorf("rendered %s, %v; want %s", out, err, want)
	}
}

func TestTemplatesBeyondTheSubsetAreRefused(t *testing.T) {
	for src, want := range map[string]string{
		`#set($x = 1){"a": $x}`:                            `directive "#set"`,
		`{"a": "$input.params().header.get('x')"}`:         `"$input.params"`,
		`{"a": "$foo"}`:                                    `"$foo"`,
		`{"a": "$util.escapeJavaScript('x')"}`:             "something other than a reference",
		`#foreach($i in $input.path('$.x'))$i#end`:         "#foreach",
		`{"a": "$input.path('$.a').replaceAll("(", "x")"}`: "replaceAll",
	} {
		_, err := parseVTL(src)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want an error with %s", src, err, want)
		}
	}
	if _, err := parseVTL(`{"price": "$5", "colour": "#fff", "id": "$context.requestId"}`); err != nil {
		t.Errorf("a $ that starts no reference is text: %v", err)
	}
}

func TestEscapeJavaScriptAsCommonsLang(t *testing.T) {
	for in, want := range map[string]string{
		`a"b`:    `a\"b`,
		`it's`:   `it\'s`,
		`a/b\c`:  `a\/b\\c`,
		"t\tn\n": `t\tn\n`,
		"é":      `\u00E9`,
		"😀":      `\uD83D\uDE00`,
		"\x01":   `\u0001`,
	} {
		if got := escapeJavaScript(in); got != want {
			t.Errorf("escapeJavaScript(%q) = %s; want %s", in, got, want)
		}
	}
}
