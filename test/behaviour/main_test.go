// Package behaviour_test runs the synthesized state machines of all three
// workflows on the asl engine with the project's real Go handlers and
// in-memory AWS fakes: every happy path, every business failure, injected
// service errors that must be retried, persistent failures that must be
// caught and compensated, and the approval wait. It runs on the shared
// synthesis of the dev stage.
package behaviour_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/internal/synthtest"
	"github.com/sfnkit/sfnkit/local/fakes"
	"github.com/sfnkit/sfnkit/local/harness"
)

var assembly *synthtest.Assembly

func TestMain(m *testing.M) {
	os.Exit(synthtest.MainShared(m, func() (err error) {
		assembly, err = synthtest.Shared(synthtest.Dev)
		return err
	}))
}

// newEnv prepares a fresh environment for a stack's state machine.
func newEnv(t *testing.T, stack string) *harness.Env {
	t.Helper()
	s := assembly.Stacks[stack]
	if s == nil {
		t.Fatalf("no stack %s in the assembly", stack)
	}
	env, err := harness.NewEnv(s.Parsed, "", harness.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// scenario finds a shipped scenario by name.
func scenario(t *testing.T, name string) harness.Scenario {
	t.Helper()
	for _, s := range harness.Scenarios() {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no scenario %s", name)
	return harness.Scenario{}
}

// play runs a scenario in env and checks its outcome.
func play(t *testing.T, s harness.Scenario, env *harness.Env) harness.Outcome {
	t.Helper()
	out, err := s.Play(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Check(out); err != nil {
		t.Fatalf("%v\npath: %v", err, out.Path)
	}
	return out
}

// TestScenarios plays every shipped scenario, as `sfnkit demo` does.
func TestScenarios(t *testing.T) {
	for _, s := range harness.Scenarios() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			out := play(t, s, newEnv(t, s.Stack))
			if out.Result.Status == asl.StatusSucceeded && out.Result.Output == nil {
				t.Error("a successful execution has no output")
			}
		})
	}
}

// logicalID finds the one resource of a type whose logical id contains
// part.
func logicalID(t *testing.T, env *harness.Env, resourceType, part string) string {
	t.Helper()
	var found []string
	for _, id := range env.Template.LogicalIDs(resourceType) {
		if strings.Contains(id, part) {
			found = append(found, id)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d %s resources match %q: %v", len(found), resourceType, part, found)
	}
	return found[0]
}

// table is the fake of the template's table whose logical id contains part.
func table(t *testing.T, env *harness.Env, part string) *fakes.Table {
	t.Helper()
	return env.AWS.Table(logicalID(t, env, "AWS::DynamoDB::Table", part), "", "")
}

// messages are those published or sent to the topic or queue whose
// logical id contains part.
func messages(t *testing.T, env *harness.Env, resourceType, part string) []fakes.Message {
	t.Helper()
	return env.AWS.Messages(cfn.Placeholders{Template: env.Template}.Ref(logicalID(t, env, resourceType, part)))
}

// attr reads a string or number attribute of an item in DynamoDB JSON.
func attr(item map[string]any, name string) string {
	v, _ := item[name].(map[string]any)
	for _, typ := range []string{"S", "N"} {
		if s, ok := v[typ].(string); ok {
			return s
		}
	}
	return ""
}

// field walks an execution's output (or any decoded JSON) by keys.
func field(v any, keys ...string) any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

// cfnRef is what a Ref to the resource resolves to in the environment.
func cfnRef(env *harness.Env, id string) string {
	return cfn.Placeholders{Template: env.Template}.Ref(id)
}

// TestScenariosShareOneEnvironment seeds one environment per workflow with
// every scenario's data, as `sfnkit serve` does, and plays them all in it.
func TestScenariosShareOneEnvironment(t *testing.T) {
	for _, stack := range []string{harness.StackOrderFulfillment, harness.StackETL, harness.StackImageProcessing} {
		t.Run(stack, func(t *testing.T) {
			env := newEnv(t, stack)
			if err := harness.SetUp(env, stack); err != nil {
				t.Fatal(err)
			}
			for _, s := range harness.Scenarios() {
				if s.Stack != stack {
					continue
				}
				s.Setup = nil // seeded above
				play(t, s, env)
			}
		})
	}
}
