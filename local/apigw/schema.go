package apigw

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"unicode/utf8"
)

// schema is a request model: JSON Schema draft 4, the keywords API Gateway
// validates bodies with (type, properties, required,
// additionalProperties, items, minItems, maxItems, minLength, maxLength,
// pattern, enum, minimum, maximum, exclusiveMinimum, exclusiveMaximum).
// Annotations ($schema, title, description) are read and ignored; any
// other keyword is refused at start-up, so no rule is silently skipped.
type schema map[string]any

var annotations = map[string]bool{"$schema": true, "title": true, "description": true, "default": true, "format": true}

var keywords = map[string]bool{"type": true, "properties": true, "required": true, "additionalProperties": true, "items": true,
	"minItems": true, "maxItems": true, "minLength": true, "maxLength": true, "pattern": true, "enum": true,
	"minimum": true, "maximum": true, "exclusiveMinimum": true, "exclusiveMaximum": true}

// checkSchema refuses keywords the local validator does not apply.
func checkSchema(s map[string]any, path string) error {
	for _, k := range sortedKeys(s) {
		if annotations[k] {
			continue
		}
		if !keywords[k] {
			return fmt.Errorf("the model uses the keyword %s%s, which the local API Gateway does not validate", path, k)
		}
	}
	if p, ok := s["pattern"].(string); ok {
		if _, err := regexp.Compile(p); err != nil {
			return fmt.Errorf("the model's pattern %s: %w", path, err)
		}
	}
	props, _ := s["properties"].(map[string]any)
	for _, k := range sortedKeys(props) {
		if sub, ok := props[k].(map[string]any); ok {
			if err := checkSchema(sub, path+k+"."); err != nil {
				return err
			}
		}
	}
	for _, k := range []string{"items", "additionalProperties"} {
		if sub, ok := s[k].(map[string]any); ok {
			if err := checkSchema(sub, path+k+"."); err != nil {
				return err
			}
		}
	}
	return nil
}

// validate reports the first way v breaks the schema, or "".
func (s schema) validate(v any, path string) string {
	if t, ok := s["type"]; ok && !hasType(v, t) {
		return fmt.Sprintf("%s: instance type does not match %v", path, t)
	}
	if enum, ok := s["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			a, _ := json.Marshal(e)
			b, _ := json.Marshal(v)
			found = found || string(a) == string(b)
		}
		if !found {
			return fmt.Sprintf("%s: instance value not found in enum", path)
		}
	}
	switch v := v.(type) {
	case string:
		n := float64(utf8.RuneCountInString(v))
		if m, ok := s["minLength"].(float64); ok && n < m {
			return fmt.Sprintf("%s: string too short", path)
		}
		if m, ok := s["maxLength"].(float64); ok && n > m {
			return fmt.Sprintf("%s: string too long", path)
		}
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(v) {
			return fmt.Sprintf("%s: ECMA 262 regex %q does not match input string", path, p)
		}
	case float64:
		if m, ok := s["minimum"].(float64); ok && (v < m || v == m && s["exclusiveMinimum"] == true) {
			return fmt.Sprintf("%s: numeric instance is lower than the required minimum", path)
		}
		if m, ok := s["maximum"].(float64); ok && (v > m || v == m && s["exclusiveMaximum"] == true) {
			return fmt.Sprintf("%s: numeric instance is greater than the required maximum", path)
		}
	case []any:
		if m, ok := s["minItems"].(float64); ok && float64(len(v)) < m {
			return fmt.Sprintf("%s: array is too short", path)
		}
		if m, ok := s["maxItems"].(float64); ok && float64(len(v)) > m {
			return fmt.Sprintf("%s: array is too long", path)
		}
		if items, ok := s["items"].(map[string]any); ok {
			for i, x := range v {
				if why := schema(items).validate(x, fmt.Sprintf("%s/%d", path, i)); why != "" {
					return why
				}
			}
		}
	case map[string]any:
		required, _ := s["required"].([]any)
		for _, r := range required {
			if _, ok := v[fmt.Sprint(r)]; !ok {
				return fmt.Sprintf("%s: object has missing required properties ([%q])", path, r)
			}
		}
		props, _ := s["properties"].(map[string]any)
		for _, k := range sortedKeys(v) {
			if sub, ok := props[k].(map[string]any); ok {
				if why := schema(sub).validate(v[k], path+"/"+k); why != "" {
					return why
				}
				continue
			}
			switch extra := s["additionalProperties"].(type) {
			case bool:
				if !extra {
					return fmt.Sprintf("%s: object instance has properties which are not allowed by the schema: [%q]", path, k)
				}
			case map[string]any:
				if why := schema(extra).validate(v[k], path+"/"+k); why != "" {
					return why
				}
			}
		}
	}
	return ""
}

func hasType(v any, t any) bool {
	if list, ok := t.([]any); ok {
		for _, x := range list {
			if hasType(v, x) {
				return true
			}
		}
		return false
	}
	switch t {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == float64(int64(f))
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "null":
		return v == nil
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
