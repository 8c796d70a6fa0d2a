package apigw

import (
	"encoding/json"
	"strings"
	"testing"
)

const orderModel = `{"$schema":"http://json-schema.org/draft-04/schema#","title":"Order","type":"object","additionalProperties":false,
 "required":["orderId","items"],
 "properties":{"orderId":{"type":"string","minLength":1,"maxLength":64,"pattern":"^[A-Za-z0-9_-]+$"},
  "items":{"type":"array","minItems":1,"maxItems":2,"items":{"type":"object","required":["sku","quantity"],
   "properties":{"sku":{"type":"string"},"quantity":{"type":"integer","minimum":1,"maximum":10}}}},
  "payment":{"type":"object","properties":{"method":{"type":"string","enum":["card","wallet"]}}}}}`

func TestSchemaValidatesAsAPIGatewayModels(t *testing.T) {
	var s map[string]any
	if err := json.Unmarshal([]byte(orderModel), &s); err != nil {
		t.Fatal(err)
	}
	if err := checkSchema(s, ""); err != nil {
		t.Fatal(err)
	}
	tests := map[string]string{
		`{"orderId":"o-1","items":[{"sku":"A","quantity":1}]}`:                             "",
		`{"orderId":"o-1","items":[{"sku":"A","quantity":1}],"payment":{"method":"card"}}`: "",
		`{"items":[{"sku":"A","quantity":1}]}`:                                             "missing required",
		`{"orderId":"o 1","items":[{"sku":"A","quantity":1}]}`:                             "regex",
		`{"orderId":"o-1","items":[]}`:                                                     "array is too short",
		`{"orderId":"o-1","items":[{"sku":"A","quantity":1.5}]}`:                           "instance type",
		`{"orderId":"o-1","items":[{"sku":"A","quantity":11}]}`:                            "greater than",
		`{"orderId":"o-1","items":[{"sku":"A","quantity":0}]}`:                             "lower than",
		`{"orderId":"o-1","items":[{"sku":"A","quantity":1}],"extra":1}`:                   "not allowed",
		`{"orderId":"o-1","items":[{"sku":"A","quantity":1}],"payment":{"method":"cash"}}`: "enum",
		`["not","an","object"]`:                                                            "instance type",
	}
	for body, want := range tests {
		var v any
		_ = json.Unmarshal([]byte(body), &v)
		got := schema(s).validate(v, "")
		if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
			t.Errorf("%s: %q; want %q", body, got, want)
		}
	}
}

func TestSchemaKeywordsBeyondTheValidatorAreRefused(t *testing.T) {
	err := checkSchema(map[string]any{"type": "object", "properties": map[string]any{"a": map[string]any{"oneOf": []any{}}}}, "")
	if err == nil || !strings.Contains(err.Error(), "a.oneOf") {
		t.Errorf("oneOf: %v", err)
	}
}
