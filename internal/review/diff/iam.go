package diff

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/sfnkit/sfnkit/cfn"
)

// permissions are what one role may do: the actions allowed on each
// resource (read as names, ${OrdersTable.Arn}), and its managed policies
// under the key managedPolicies.
type permissions map[string]map[string]bool

// managedPolicies is the resource key of a role's managed policies.
const managedPolicies = ""

// grants maps each role of a template to its permissions.
func grants(t *cfn.Template) map[string]permissions {
	out := map[string]permissions{}
	if t == nil {
		return out
	}
	add := func(role, res, action string) {
		if out[role] == nil {
			out[role] = permissions{}
		}
		if out[role][res] == nil {
			out[role][res] = map[string]bool{}
		}
		out[role][res][action] = true
	}
	allow := func(role string, doc any) {
		if out[role] == nil {
			out[role] = permissions{}
		}
		d, _ := doc.(map[string]any)
		for _, s := range list(d["Statement"]) {
			st, _ := s.(map[string]any)
			if st["Effect"] != "Allow" {
				continue
			}
			for _, a := range list(st["Action"]) {
				for _, r := range list(st["Resource"]) {
					add(role, resource(r), fmt.Sprint(a))
				}
			}
		}
	}
	for _, id := range t.LogicalIDs("AWS::IAM::Role") {
		props := t.Resources[id].Properties
		out[id] = permissions{}
		for _, p := range list(props["Policies"]) {
			pm, _ := p.(map[string]any)
			allow(id, pm["PolicyDocument"])
		}
		for _, arn := range list(props["ManagedPolicyArns"]) {
			add(id, managedPolicies, resource(arn))
		}
	}
	for _, id := range t.LogicalIDs("AWS::IAM::Policy") {
		props := t.Resources[id].Properties
		for _, r := range list(props["Roles"]) {
			ref, _ := r.(map[string]any)
			role, _ := ref["Ref"].(string)
			if role == "" {
				role = resource(r)
			}
			allow(role, props["PolicyDocument"])
		}
	}
	return out
}

// list reads a value that may be one item or a list.
func list(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	return []any{v}
}

// resource reads a resource as names; what cannot be resolved shows as
// its JSON.
func resource(v any) string {
	if s, err := cfn.Resolve(v, cfn.Names{}); err == nil {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// compareIAM reports, per role and resource, the actions gained and lost:
// one line for all the actions a role gains on one resource, so a review
// stays readable (and within a comment's size) when a role gains many.
func compareIAM(old, new *cfn.Template) []Change {
	before, after := grants(old), grants(new)
	roles := map[string]bool{}
	for r := range before {
		roles[r] = true
	}
	for r := range after {
		roles[r] = true
	}
	var out []Change
	for _, role := range sortedKeys(roles) {
		a, b := before[role], after[role]
		switch {
		case a == nil && b != nil:
			out = append(out, Change{Section: "IAM", Text: fmt.Sprintf("new role `%s`", role)})
		case b == nil && a != nil:
			out = append(out, Change{Section: "IAM", Text: fmt.Sprintf("role `%s` removed", role)})
			continue
		}
		resources := map[string]bool{}
		for r := range a {
			resources[r] = true
		}
		for r := range b {
			resources[r] = true
		}
		var losses []Change // after the role's gains
		for _, res := range sortedKeys(resources) {
			if gained := difference(sortedKeys(b[res]), sortedKeys(a[res])); len(gained) > 0 {
				out = append(out, Change{Section: "IAM", Text: fmt.Sprintf("`%s` may now %s", role, grantText(res, gained)), Risk: IAMWidened})
			}
			if lost := difference(sortedKeys(a[res]), sortedKeys(b[res])); len(lost) > 0 {
				losses = append(losses, Change{Section: "IAM", Text: fmt.Sprintf("`%s` may no longer %s", role, grantText(res, lost))})
			}
		}
		out = append(out, losses...)
	}
	return out
}

// grantText is "`a`, `b` on `resource`", or the managed policies.
func grantText(res string, actions []string) string {
	joined := "`" + strings.Join(actions, "`, `") + "`"
	if res == managedPolicies {
		if len(actions) == 1 {
			return "use managed policy " + joined
		}
		return "use managed policies " + joined
	}
	return joined + " on `" + res + "`"
}

func templateOf(a *cfn.Assembly, stack string) *cfn.Template {
	for _, st := range a.Stacks {
		if st.Name == stack {
			return st.Template
		}
	}
	return nil
}

func stackNames(a, b *cfn.Assembly) []string {
	seen := map[string]bool{}
	for _, asm := range []*cfn.Assembly{a, b} {
		for _, st := range asm.Stacks {
			seen[st.Name] = true
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
