package harness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/internal/gobuild"
	"github.com/sfnkit/sfnkit/local/lambdart"
)

// Mocks answer functions serve cannot run (another runtime, an imported
// function), by the function's logical id or ARN: each value is the
// response payload the function returns. A mocks file is a JSON object of
// them:
//
//	{"ResizeFunctionPython": {"width": 128},
//	 "arn:aws:lambda:us-east-1:111122223333:function:shared-geocoder": {"lat": 0, "lon": 0}}
type Mocks map[string]json.RawMessage

// ReadMocks reads a mocks file.
func ReadMocks(path string) (Mocks, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Mocks
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: not a mocks file (a JSON object of function logical id or ARN to its response payload): %w", path, err)
	}
	return m, nil
}

// Answer returns the mock of a function, by logical id or ARN.
func (m Mocks) Answer(id, arn string) (json.RawMessage, bool) {
	if v, ok := m[id]; ok {
		return v, true
	}
	v, ok := m[arn]
	return v, ok
}

// UnrunnableFunction is a function serve cannot run as a process.
type UnrunnableFunction struct {
	// ID is its logical id, or for a function not in the template its
	// name; ARN is how it is invoked.
	ID, ARN string
	// Reason says why.
	Reason string
}

func (u UnrunnableFunction) String() string { return u.ID + " (" + u.Reason + ")" }

// Unrunnable lists the functions of a template that serve cannot run as
// processes, sorted: a function without the sfnkit:go-package metadata
// (another runtime, or a Go function not built by gofunction) and the
// functions Lambda tasks invoke that are not in the template (imported by
// ARN).
func Unrunnable(tpl *cfn.Template) []UnrunnableFunction {
	var out []UnrunnableFunction
	names := cfn.Placeholders{Template: tpl}
	for _, id := range tpl.LogicalIDs("AWS::Lambda::Function") {
		res := tpl.Resources[id]
		if _, ok := res.Metadata[gobuild.PackageMetadataKey].(string); !ok {
			runtime, _ := res.Properties["Runtime"].(string)
			out = append(out, UnrunnableFunction{id, names.GetAtt(id, "Arn"), fmt.Sprintf("runtime %s, no %s metadata", orUnknown(runtime), gobuild.PackageMetadataKey)})
		}
	}
	machines, _ := tpl.StateMachines(names)
	for _, sm := range machines {
		parsed, err := asl.Parse([]byte(sm.Definition))
		if err != nil {
			continue
		}
		for _, name := range stateNames(parsed) {
			st := findState(parsed, name)
			if fn := invokedFunction(st); fn != "" {
				if _, ok := tpl.Resources[fn]; !ok {
					out = append(out, UnrunnableFunction{fn, st.Resource, fmt.Sprintf("invoked by %s.%s, not a function of the template", sm.LogicalID, name)})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// AppFunctions runs the functions of an assembly that no state machine
// invokes (an API's Lambda proxy integration), by ARN, as processes of
// their own main packages: configured with their template environment,
// their AWS SDK pointed at EndpointURL (the fakes) and, for Step
// Functions, at StepFunctionsURL. A function it cannot run answers from
// Mocks, or fails saying why.
type AppFunctions struct {
	Assembly                      *cfn.Assembly
	EndpointURL, StepFunctionsURL string
	Mocks                         Mocks
	Logs                          io.Writer

	mu        sync.Mutex
	functions map[string]*lambdart.Function // by ARN
}

// Invoke implements apigw.Invoker.
func (a *AppFunctions) Invoke(ctx context.Context, arn string, payload []byte) ([]byte, error) {
	f, mock, err := a.function(arn)
	if err != nil {
		return nil, err
	}
	if mock != nil {
		return mock, nil
	}
	return f.Invoke(ctx, payload)
}

func (a *AppFunctions) function(arn string) (*lambdart.Function, json.RawMessage, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if f, ok := a.functions[arn]; ok {
		return f, nil, nil
	}
	id := arn[strings.LastIndex(arn, ":")+1:]
	for _, st := range a.Assembly.Stacks {
		res, ok := st.Template.Resources[id]
		if !ok || res.Type != "AWS::Lambda::Function" {
			continue
		}
		if _, isGo := res.Metadata[gobuild.PackageMetadataKey].(string); !isGo {
			break
		}
		vars := append(variables(environment(st.Template, res.Properties)),
			"AWS_ENDPOINT_URL="+a.EndpointURL, "AWS_ENDPOINT_URL_SFN="+a.StepFunctionsURL, "AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=us-east-1",
			"AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=local", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true")
		f, err := buildFunction(st.Template, id, res, vars, a.Logs)
		if err != nil {
			return nil, nil, err
		}
		if a.functions == nil {
			a.functions = map[string]*lambdart.Function{}
		}
		a.functions[arn] = f
		return f, nil, nil
	}
	if mock, ok := a.Mocks.Answer(id, arn); ok {
		return nil, mock, nil
	}
	return nil, nil, fmt.Errorf("the function %s cannot run locally (not a Go function of the assembly with %s metadata); give its answer in a mocks file (sfnkit serve --mocks FILE)", arn, gobuild.PackageMetadataKey)
}

// Close stops the functions' processes.
func (a *AppFunctions) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	var errs []error
	for _, f := range a.functions {
		errs = append(errs, f.Close())
	}
	a.functions = nil
	return errors.Join(errs...)
}
