// Package differential runs a corpus of state machines through the asl
// engine and through aws-local-stepfunctions (the npm package, on the
// project's pinned Node 22) and requires the same outcome from both: the
// status, the output or the error, the states entered and the calls to
// each task. The corpus (corpus/*.json) covers input and output
// processing, Choice, Retry and Catch, Parallel and Map, Wait and the
// intrinsic functions, mostly with the examples of the ASL specification
// and the AWS Step Functions developer guide.
package differential

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/sfnkit/sfnkit/asl"
)

// Case is one state machine run of the corpus.
type Case struct {
	Name       string          `json:"name"`
	Definition json.RawMessage `json:"definition"`
	Input      json.RawMessage `json:"input"`
	// Tasks scripts each Task state's responses, one per call, the last
	// repeating.
	Tasks map[string][]Step `json:"tasks,omitempty"`
	// IgnoreCause, when set, says why the two engines' causes may differ
	// (the wording of a runtime error); the error names must still match.
	IgnoreCause string `json:"ignoreCause,omitempty"`
	// ReferenceDiffers, when set, says where aws-local-stepfunctions departs
	// from the specification; Expect is then the specified outcome, which
	// ours must give and the reference must still not.
	ReferenceDiffers string   `json:"referenceDiffers,omitempty"`
	Expect           *Outcome `json:"expect,omitempty"`
}

// Step is one scripted task response.
type Step struct {
	Return json.RawMessage `json:"return,omitempty"`
	Throw  *asl.Failure    `json:"throw,omitempty"`
}

// Outcome is what an engine made of a case.
type Outcome struct {
	Name    string         `json:"name"`
	Status  string         `json:"status"`
	Output  any            `json:"output,omitempty"`
	Error   string         `json:"error,omitempty"`
	Cause   string         `json:"cause,omitempty"`
	Entered []string       `json:"entered"`
	Calls   map[string]int `json:"calls"`
}

func loadCorpus(t *testing.T) []Case {
	t.Helper()
	files, err := filepath.Glob("corpus/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	var all []Case
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cases []Case
		if err := json.Unmarshal(data, &cases); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		all = append(all, cases...)
	}
	return all
}

// runOurs runs a case on the asl engine, on a virtual clock.
func runOurs(c Case) Outcome {
	out := Outcome{Name: c.Name, Calls: map[string]int{}}
	sm, err := asl.Parse(c.Definition)
	if err != nil {
		return Outcome{Name: c.Name, Status: "INVALID", Error: err.Error()}
	}
	var mu sync.Mutex
	for state := range c.Tasks {
		out.Calls[state] = 0
	}
	tasks := asl.ResolverFunc(func(state, _ string, _ any) (asl.TaskHandler, bool) {
		script, ok := c.Tasks[state]
		if !ok {
			return nil, false
		}
		return asl.TaskFunc(func(context.Context, asl.TaskRequest) (any, error) {
			mu.Lock()
			step := script[min(out.Calls[state], len(script)-1)]
			out.Calls[state]++
			mu.Unlock()
			if step.Throw != nil {
				return nil, step.Throw
			}
			var v any
			err := json.Unmarshal(step.Return, &v)
			return v, err
		}), true
	})
	engine := asl.NewEngine(asl.Options{Clock: asl.NewVirtualClock(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)), Tasks: tasks})
	res, events, err := engine.Run(context.Background(), sm, c.Input)
	if err != nil {
		return Outcome{Name: c.Name, Status: "INVALID", Error: err.Error()}
	}
	out.Status, out.Output, out.Error, out.Cause = string(res.Status), res.Output, res.Error, res.Cause
	for _, e := range events {
		if e.StateEnteredEventDetails != nil {
			out.Entered = append(out.Entered, e.StateEnteredEventDetails.Name)
		}
	}
	sort.Strings(out.Entered)
	return out
}

// runReference runs every case through aws-local-stepfunctions at once.
func runReference(t *testing.T, cases []Case) map[string]Outcome {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
	if _, err := os.Stat(filepath.Join(root, "node_modules", "aws-local-stepfunctions")); err != nil {
		if os.Getenv("SFNKIT_REQUIRE_DIFFERENTIAL") != "" {
			t.Fatalf("aws-local-stepfunctions is not installed (run `make deps`): %v", err)
		}
		t.Skip("aws-local-stepfunctions is not installed; `make test` installs it")
	}
	node := filepath.Join(root, "node_modules", ".bin", "node")
	if _, err := os.Stat(node); err != nil {
		node = "node"
	}
	in, _ := json.Marshal(cases)
	cmd := exec.Command(node, filepath.Join(filepath.Dir(file), "aws-local-stepfunctions.mjs"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("aws-local-stepfunctions: %v\n%s", err, stderr.String())
	}
	var outcomes []Outcome
	if err := json.Unmarshal(stdout, &outcomes); err != nil {
		t.Fatalf("aws-local-stepfunctions printed %q: %v", stdout, err)
	}
	byName := map[string]Outcome{}
	for _, o := range outcomes {
		if o.Calls == nil {
			o.Calls = map[string]int{}
		}
		byName[o.Name] = o
	}
	return byName
}

func TestSameAsAwsLocalStepFunctions(t *testing.T) {
	cases := loadCorpus(t)
	reference := runReference(t, cases)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			want, ok := reference[c.Name]
			if !ok {
				t.Fatal("the reference produced no outcome")
			}
			got := runOurs(c)
			if want.Status == "INVALID" || got.Status == "INVALID" {
				t.Fatalf("a definition of the corpus must be valid for both: ours %q, reference %q", got.Error, want.Error)
			}
			if c.IgnoreCause != "" {
				got.Cause, want.Cause = "", ""
			}
			if c.ReferenceDiffers != "" {
				if c.Expect == nil {
					t.Fatal("a case where the reference differs must give the expected outcome")
				}
				if !sameResult(got, *c.Expect) {
					t.Errorf("ours:     %s\nspecified: %s", show(got), show(*c.Expect))
				}
				if sameResult(want, *c.Expect) {
					t.Errorf("the reference now gives the specified outcome: drop referenceDiffers (%s)", c.ReferenceDiffers)
				}
				return
			}
			if !reflect.DeepEqual(normalize(got), normalize(want)) {
				t.Errorf("outcomes differ\n ours:      %s\n reference: %s", show(got), show(want))
			}
		})
	}
}

// sameResult compares the status, output and error only.
func sameResult(a, b Outcome) bool {
	a, b = normalize(a), normalize(b)
	return a.Status == b.Status && reflect.DeepEqual(a.Output, b.Output) && a.Error == b.Error
}

// normalize compares outputs as JSON values.
func normalize(o Outcome) Outcome {
	b, _ := json.Marshal(o.Output)
	json.Unmarshal(b, &o.Output)
	if o.Entered == nil {
		o.Entered = []string{}
	}
	return o
}

func show(o Outcome) string {
	b, err := json.Marshal(o)
	if err != nil {
		return fmt.Sprint(o)
	}
	return string(b)
}
