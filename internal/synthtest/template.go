package synthtest

import (
	"encoding/json"
	"slices"

	"github.com/sfnkit/sfnkit/internal/policydoc"
)

// Ref is the logical id a Ref or Fn::GetAtt points at, or "" for any other
// value.
func Ref(v any) string {
	m, _ := v.(map[string]any)
	if id, ok := m["Ref"].(string); ok {
		return id
	}
	if ga, ok := m["Fn::GetAtt"].([]any); ok && len(ga) > 0 {
		id, _ := ga[0].(string)
		return id
	}
	return ""
}

// List reads a policy field that CloudFormation allows as one value or a
// list of them (Action, Resource) as a list.
func List(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

// JSON renders a template value for substring checks.
func JSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // template values are decoded JSON
	}
	return string(b)
}

// StatementsByRole returns every statement of the stack's IAM policies,
// keyed by the logical id of the role the policy is attached to.
func (s *Stack) StatementsByRole() map[string][]map[string]any {
	out := map[string][]map[string]any{}
	for _, p := range s.Resources("AWS::IAM::Policy") {
		role := Ref(p["Roles"].([]any)[0])
		for _, st := range p["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			out[role] = append(out[role], st.(map[string]any))
		}
	}
	return out
}

// UnscopedActions lists, sorted and once each, the actions that the
// stack's IAM policies (AWS::IAM::Policy, AWS::IAM::ManagedPolicy and the
// roles' inline policies) allow on Resource "*".
func (s *Stack) UnscopedActions() []string {
	var docs []any
	for _, typ := range []string{"AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"} {
		for _, p := range s.Resources(typ) {
			docs = append(docs, p["PolicyDocument"])
		}
	}
	for _, r := range s.Resources("AWS::IAM::Role") {
		for _, p := range List(r["Policies"]) {
			if inline, ok := p.(map[string]any); ok {
				docs = append(docs, inline["PolicyDocument"])
			}
		}
	}
	var out []string
	for _, d := range docs {
		for _, a := range policydoc.UnscopedActions(d) {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	slices.Sort(out)
	return out
}
