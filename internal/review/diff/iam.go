package diff

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/sfnkit/sfnkit/cfn"
)

// grants maps each role of a template to the permissions its policies
// allow: "action on resource", with resources read as names
// (${OrdersTable.Arn}).
func grants(t *cfn.Template) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	if t == nil {
		return out
	}
	allow := func(role string, doc any) {
		if out[role] == nil {
			out[role] = map[string]bool{}
		}
		d, _ := doc.(map[string]any)
		for _, s := range list(d["Statement"]) {
			st, _ := s.(map[string]any)
			if st["Effect"] != "Allow" {
				continue
			}
			for _, a := range list(st["Action"]) {
				for _, r := range list(st["Resource"]) {
					out[role][fmt.Sprintf("`%v` on `%s`", a, resource(r))] = true
				}
			}
		}
	}
	for _, id := range t.LogicalIDs("AWS::IAM::Role") {
		props := t.Resources[id].Properties
		out[id] = map[string]bool{}
		for _, p := range list(props["Policies"]) {
			pm, _ := p.(map[string]any)
			allow(id, pm["PolicyDocument"])
		}
		for _, arn := range list(props["ManagedPolicyArns"]) {
			out[id][fmt.Sprintf("managed policy `%s`", resource(arn))] = true
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

// compareIAM reports, per role, the permissions gained and lost.
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
		gained := difference(sortedKeys(b), sortedKeys(a))
		lost := difference(sortedKeys(a), sortedKeys(b))
		switch {
		case a == nil && b != nil:
			out = append(out, Change{Section: "IAM", Text: fmt.Sprintf("new role `%s`", role)})
		case b == nil && a != nil:
			out = append(out, Change{Section: "IAM", Text: fmt.Sprintf("role `%s` removed", role)})
			lost = nil
		}
		for _, g := range gained {
			out = append(out, Change{Section: "IAM", Text: fmt.Sprintf("`%s` may now %s", role, g), Risk: IAMWidened})
		}
		for _, l := range lost {
			out = append(out, Change{Section: "IAM", Text: fmt.Sprintf("`%s` may no longer %s", role, l)})
		}
	}
	return out
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
