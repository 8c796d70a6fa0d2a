package cfn

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

// Template is the part of a CloudFormation template this package reads.
type Template struct {
	Resources map[string]Resource `json:"Resources"`
}

// Resource is one entry of a template's Resources.
type Resource struct {
	Type       string         `json:"Type"`
	Properties map[string]any `json:"Properties"`
	Metadata   map[string]any `json:"Metadata"`
}

// StateMachine is an AWS::StepFunctions::StateMachine of a template with
// its definition resolved to plain ASL JSON.
type StateMachine struct {
	// LogicalID is the resource's id in the template.
	LogicalID string
	// Path is the CDK construct path (aws:cdk:path), or "" if absent.
	Path string
	// Type is STANDARD or EXPRESS.
	Type string
	// Definition is the ASL JSON with every reference resolved.
	Definition string
}

// Parse reads a template.
func Parse(data []byte) (*Template, error) {
	var t Template
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("not a CloudFormation template: %w", err)
	}
	if t.Resources == nil {
		return nil, fmt.Errorf("not a CloudFormation template: it has no Resources")
	}
	return &t, nil
}

// Load reads the template file at path.
func Load(path string) (*Template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// LogicalIDs returns the ids of resources of the given type, sorted.
func (t *Template) LogicalIDs(resourceType string) []string {
	var ids []string
	for id, r := range t.Resources {
		if r.Type == resourceType {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// StateMachines returns the template's state machines, sorted by logical
// id, with definitions resolved by r.
func (t *Template) StateMachines(r Resolver) ([]StateMachine, error) {
	var out []StateMachine
	for _, id := range t.LogicalIDs("AWS::StepFunctions::StateMachine") {
		res := t.Resources[id]
		def, err := t.definition(res, r)
		if err != nil {
			return nil, fmt.Errorf("state machine %s: %w", id, err)
		}
		sm := StateMachine{LogicalID: id, Definition: def, Type: "STANDARD"}
		if typ, ok := res.Properties["StateMachineType"].(string); ok {
			sm.Type = typ
		}
		if path, ok := res.Metadata["aws:cdk:path"].(string); ok {
			sm.Path = path
		}
		out = append(out, sm)
	}
	return out, nil
}

func (t *Template) definition(res Resource, r Resolver) (string, error) {
	var def string
	switch {
	case res.Properties["DefinitionString"] != nil:
		s, err := Resolve(res.Properties["DefinitionString"], r)
		if err != nil {
			return "", fmt.Errorf("DefinitionString: %w", err)
		}
		def = s
	case res.Properties["Definition"] != nil:
		data, err := json.Marshal(res.Properties["Definition"])
		if err != nil {
			return "", err
		}
		def = string(data)
	default:
		return "", fmt.Errorf("has neither DefinitionString nor Definition (an S3 location cannot be read offline)")
	}
	if subs, ok := res.Properties["DefinitionSubstitutions"].(map[string]any); ok {
		for name, v := range subs {
			s, err := Resolve(v, r)
			if err != nil {
				return "", fmt.Errorf("DefinitionSubstitutions.%s: %w", name, err)
			}
			def = strings.ReplaceAll(def, "${"+name+"}", s)
		}
	}
	if !json.Valid([]byte(def)) {
		return "", fmt.Errorf("the resolved definition is not valid JSON")
	}
	return def, nil
}
