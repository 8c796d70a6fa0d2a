package statemachine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/asl/model"
)

// CheckTasks returns a message for every Task state of the ASL definition
// that has no timeout, or no Catch while no enclosing Parallel or Map state
// catches for it. States are visited in name order, so messages are stable.
func CheckTasks(definition []byte) ([]string, error) {
	m, err := model.Decode(definition)
	if err != nil {
		return nil, err
	}
	var problems []string
	checkTasks(m, false, &problems)
	return problems, nil
}

func checkTasks(m *model.Machine, caughtOutside bool, problems *[]string) {
	names := make([]string, 0, len(m.States))
	for name := range m.States {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		st := m.States[name]
		caught := caughtOutside || len(st.Catch) > 0
		switch st.Type {
		case model.TypeTask:
			if st.TimeoutSeconds == nil && st.TimeoutSecondsPath == "" {
				*problems = append(*problems, fmt.Sprintf(
					"Task state %q has no TimeoutSeconds: a task without one can wait forever; set taskTimeout on it", name))
			}
			if !caught {
				*problems = append(*problems, fmt.Sprintf(
					"Task state %q has no Catch: add one that leads somewhere deliberate (a compensation, a notification, a Fail state)", name))
			}
		case model.TypeParallel:
			for _, b := range st.Branches {
				checkTasks(b, caught, problems)
			}
		case model.TypeMap:
			if p := st.Processor(); p != nil {
				checkTasks(p, caught, problems)
			}
		}
	}
}

// taskCheck runs CheckTasks on the synthesized definition at synth time.
type taskCheck struct {
	machine awsstepfunctions.StateMachine
}

// Validate implements constructs.IValidation.
func (c *taskCheck) Validate() *[]*string {
	cfnMachine, ok := c.machine.Node().DefaultChild().(awsstepfunctions.CfnStateMachine)
	if !ok {
		return &[]*string{}
	}
	resolved := awscdk.Stack_Of(c.machine).Resolve(cfnMachine.DefinitionString())
	definition, err := definitionText(resolved)
	if err != nil {
		return &[]*string{jsii.String("statemachine: cannot read the definition to check its tasks: " + err.Error())}
	}
	problems, err := CheckTasks([]byte(definition))
	if err != nil {
		return &[]*string{jsii.String("statemachine: " + err.Error())}
	}
	out := make([]*string, len(problems))
	for i, p := range problems {
		out[i] = jsii.String("statemachine: " + p)
	}
	return &out
}

// definitionText turns a resolved DefinitionString into JSON with the
// definition's structure. CDK renders a definition that references
// resources as {"Fn::Join": ["", parts]}: literal JSON text between the
// references. Each reference becomes a placeholder, "${Fn::GetAtt}" inside
// a JSON string and 1 elsewhere (where CDK writes a number token), so the
// text decodes while its values are not the deployed ones; the task check
// reads only which fields are present.
func definitionText(resolved any) (string, error) {
	if s, ok := resolved.(string); ok {
		return s, nil
	}
	obj, _ := resolved.(map[string]any)
	join, _ := obj["Fn::Join"].([]any)
	if len(obj) != 1 || len(join) != 2 || join[0] != "" {
		return "", fmt.Errorf("it resolved to %v, not a string nor an Fn::Join with an empty delimiter", resolved)
	}
	parts, ok := join[1].([]any)
	if !ok {
		return "", fmt.Errorf("its Fn::Join joins %v, not a list", join[1])
	}
	var b strings.Builder
	inString := false
	for _, part := range parts {
		switch p := part.(type) {
		case string:
			b.WriteString(p)
			inString = endsInString(p, inString)
		case map[string]any:
			if !inString {
				b.WriteString("1")
				continue
			}
			for fn := range p {
				b.WriteString("${" + fn + "}")
			}
		default:
			return "", fmt.Errorf("its Fn::Join has a part %v, neither text nor an intrinsic function", part)
		}
	}
	return b.String(), nil
}

// endsInString reports whether JSON text that starts inside a string
// (when in is true) ends inside one.
func endsInString(text string, in bool) bool {
	for i := 0; i < len(text); i++ {
		switch {
		case in && text[i] == '\\':
			i++ // the escaped character
		case text[i] == '"':
			in = !in
		}
	}
	return in
}
