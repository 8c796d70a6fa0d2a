// Package cfn turns state machine definitions in synthesized CloudFormation
// templates into plain ASL JSON: it resolves the intrinsic functions CDK
// writes into a DefinitionString (Fn::Join, Ref, Fn::GetAtt, Fn::Sub) to
// strings chosen by a Resolver, so tests and the local engine can run exactly
// what `cdk synth` produced, and reviewers can read it.
package cfn

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Resolver chooses the string that stands for a reference.
type Resolver interface {
	// Ref stands for {"Ref": logicalID}; logicalID may be a pseudo
	// parameter such as AWS::Region.
	Ref(logicalID string) string
	// GetAtt stands for {"Fn::GetAtt": [logicalID, attribute]}.
	GetAtt(logicalID, attribute string) string
}

// Resolve evaluates v, a template value that must produce a string, with r
// standing in for references. Unsupported intrinsics are an error naming
// them; the caller decides whether to render them as they are.
func Resolve(v any, r Resolver) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case float64, bool, json.Number:
		return fmt.Sprint(x), nil
	case map[string]any:
		if len(x) != 1 {
			return "", fmt.Errorf("expected a string or one intrinsic function, got an object with keys %v", keys(x))
		}
		for fn, arg := range x {
			return resolveIntrinsic(fn, arg, r)
		}
	}
	return "", fmt.Errorf("expected a string, got %T", v)
}

func resolveIntrinsic(fn string, arg any, r Resolver) (string, error) {
	switch fn {
	case "Ref":
		id, ok := arg.(string)
		if !ok {
			return "", fmt.Errorf("Ref takes a logical id, got %T", arg)
		}
		return r.Ref(id), nil
	case "Fn::GetAtt":
		id, attr, err := getAttArgs(arg)
		if err != nil {
			return "", err
		}
		return r.GetAtt(id, attr), nil
	case "Fn::Join":
		args, ok := arg.([]any)
		if !ok || len(args) != 2 {
			return "", fmt.Errorf("Fn::Join takes [delimiter, [values]], got %v", arg)
		}
		delim, ok1 := args[0].(string)
		parts, ok2 := args[1].([]any)
		if !ok1 || !ok2 {
			return "", fmt.Errorf("Fn::Join takes [delimiter, [values]], got %v", arg)
		}
		out := make([]string, len(parts))
		for i, p := range parts {
			s, err := Resolve(p, r)
			if err != nil {
				return "", fmt.Errorf("Fn::Join part %d: %w", i, err)
			}
			out[i] = s
		}
		return strings.Join(out, delim), nil
	case "Fn::Sub":
		return resolveSub(arg, r)
	case "Fn::Select":
		args, ok := arg.([]any)
		if !ok || len(args) != 2 {
			return "", fmt.Errorf("Fn::Select takes [index, list], got %v", arg)
		}
		index, ok := toIndex(args[0])
		list, okList := args[1].([]any)
		if !ok || !okList || index < 0 || index >= len(list) {
			return "", fmt.Errorf("Fn::Select index %v out of range or list not literal", args[0])
		}
		return Resolve(list[index], r)
	}
	if l, ok := r.(Lenient); ok {
		return l.Unresolved(fn, arg), nil
	}
	return "", fmt.Errorf("intrinsic function %s is not supported", fn)
}

// Lenient is a Resolver that also stands in for the intrinsic functions
// Resolve does not evaluate, instead of failing.
type Lenient interface {
	Resolver
	Unresolved(fn string, arg any) string
}

var subVariable = regexp.MustCompile(`\$\{([^}!][^}]*)\}`)

func resolveSub(arg any, r Resolver) (string, error) {
	var template string
	vars := map[string]any{}
	switch x := arg.(type) {
	case string:
		template = x
	case []any:
		if len(x) != 2 {
			return "", fmt.Errorf("Fn::Sub takes a string or [string, variables], got %v", arg)
		}
		s, ok := x[0].(string)
		m, okMap := x[1].(map[string]any)
		if !ok || !okMap {
			return "", fmt.Errorf("Fn::Sub takes [string, variables], got %v", arg)
		}
		template, vars = s, m
	default:
		return "", fmt.Errorf("Fn::Sub takes a string or [string, variables], got %T", arg)
	}
	var firstErr error
	out := subVariable.ReplaceAllStringFunc(template, func(m string) string {
		name := m[2 : len(m)-1]
		if v, ok := vars[name]; ok {
			s, err := Resolve(v, r)
			if err != nil && firstErr == nil {
				firstErr = fmt.Errorf("Fn::Sub variable %s: %w", name, err)
			}
			return s
		}
		if id, attr, ok := strings.Cut(name, "."); ok && !strings.HasPrefix(name, "AWS::") {
			return r.GetAtt(id, attr)
		}
		return r.Ref(name)
	})
	// ${!Literal} is an escaped "${Literal}".
	out = strings.ReplaceAll(out, "${!", "${")
	return out, firstErr
}

func getAttArgs(arg any) (string, string, error) {
	switch x := arg.(type) {
	case []any:
		if len(x) == 2 {
			id, ok1 := x[0].(string)
			attr, ok2 := x[1].(string)
			if ok1 && ok2 {
				return id, attr, nil
			}
		}
	case string:
		if id, attr, ok := strings.Cut(x, "."); ok {
			return id, attr, nil
		}
	}
	return "", "", fmt.Errorf("Fn::GetAtt takes [logicalId, attribute], got %v", arg)
}

func toIndex(v any) (int, bool) {
	switch x := v.(type) {
	case float64:
		return int(x), x == float64(int(x))
	case string:
		var i int
		_, err := fmt.Sscan(x, &i)
		return i, err == nil
	}
	return 0, false
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
