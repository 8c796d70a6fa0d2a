package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/cfn"
)

const validateUsage = `validate [--json] [--type STANDARD|EXPRESS] FILE...
      check state machines as Step Functions' ValidateStateMachineDefinition does:
      ASL files, CloudFormation templates or cdk.out directories (every state
      machine in them); exit 0 all valid (warnings allowed), 1 some invalid,
      2 some file cannot be read`

// definitionSource is one state machine to validate: where it comes from
// (file, or file and logical id) and its definition.
type definitionSource struct {
	name       string
	definition []byte
	// typ is the machine's type: a template's StateMachineType, else
	// --type (STANDARD by default).
	typ asl.WorkflowType
}

// validateReport is one state machine's result in --json output.
type validateReport struct {
	Source string `json:"source"`
	asl.ValidationResult
}

// runValidate implements `sfnkit validate`.
func runValidate(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print ValidateStateMachineDefinition's response shape (result, diagnostics, truncated) per state machine")
	typeFlag := fs.String("type", "", "the type of plain ASL files, STANDARD or EXPRESS (default STANDARD); a template's state machines have their StateMachineType")
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: sfnkit "+validateUsage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	plainType, err := asl.ParseWorkflowType(*typeFlag)
	if err != nil {
		fmt.Fprintf(stderr, "sfnkit validate: --type: %v\n", err)
		return 2
	}
	status := 0
	var reports []validateReport
	for _, file := range fs.Args() {
		sources, err := definitionsIn(file, plainType)
		if err != nil {
			fmt.Fprintf(stderr, "sfnkit validate: %v\n", err)
			status = 2
			continue
		}
		for _, src := range sources {
			diags := asl.ValidateDefinitionFor(src.definition, src.typ)
			if asl.HasErrors(diags) && status == 0 {
				status = 1
			}
			if *asJSON {
				reports = append(reports, validateReport{Source: src.name, ValidationResult: asl.NewValidationResult(diags, asl.MaxDiagnostics)})
				continue
			}
			if len(diags) == 0 {
				fmt.Fprintf(stdout, "%s: valid\n", src.name)
			}
			for _, d := range diags {
				fmt.Fprintf(stdout, "%s: %s\n", src.name, d)
			}
		}
	}
	if *asJSON {
		if reports == nil {
			reports = []validateReport{}
		}
		out, _ := json.MarshalIndent(reports, "", "  ")
		fmt.Fprintln(stdout, string(out))
	}
	return status
}

// definitionsIn reads the state machines of a file or directory: a
// cdk.out directory (every stack's state machines), a CloudFormation
// template (its DefinitionStrings, intrinsics resolved to placeholder
// ARNs as `sfnkit run` does) or a plain ASL file.
func definitionsIn(path string, plainType asl.WorkflowType) ([]definitionSource, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		asm, err := cfn.ReadAssembly(path)
		if err != nil {
			return nil, err
		}
		var out []definitionSource
		for _, st := range asm.Stacks {
			machines, err := templateMachines(st.Template, path+" "+st.Name)
			if err != nil {
				return nil, err
			}
			out = append(out, machines...)
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("%s: the cloud assembly has no state machine", path)
		}
		return out, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !isTemplate(data) {
		return []definitionSource{{name: path, definition: data, typ: plainType}}, nil
	}
	tpl, err := cfn.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	out, err := templateMachines(tpl, path)
	if err == nil && len(out) == 0 {
		err = fmt.Errorf("%s: the template has no AWS::StepFunctions::StateMachine", path)
	}
	return out, err
}

// templateMachines resolves a template's state machines; each is named
// source/LogicalID.
func templateMachines(tpl *cfn.Template, source string) ([]definitionSource, error) {
	machines, err := tpl.StateMachines(cfn.Placeholders{Template: tpl})
	if err != nil {
		return nil, fmt.Errorf("%s: %v", source, err)
	}
	out := make([]definitionSource, len(machines))
	for i, m := range machines {
		typ, err := asl.ParseWorkflowType(m.Type)
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %v", source, m.LogicalID, err)
		}
		out[i] = definitionSource{name: source + "/" + m.LogicalID, definition: []byte(m.Definition), typ: typ}
	}
	return out, nil
}
