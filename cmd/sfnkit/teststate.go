package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/sfnkit/sfnkit/asl"
)

const testStateUsage = `test-state --definition FILE [flags]
      run one state as Step Functions' TestState API does: its input and output
      processing, a Task's (Map's, Parallel's) work mocked, the status Retry and
      Catch give (SUCCEEDED, FAILED, RETRIABLE, CAUGHT_ERROR), the next state and,
      at DEBUG or TRACE, the data after each step; prints the API's response.
      Exit 0 when the state ran (whatever its status), 2 for unusable flags or
      a definition Step Functions would refuse`

// testStateFlags are test-state's flags.
type testStateFlags struct {
	request, definition, stateName, input, level  string
	mockResult, mockError, mockCause, validation  string
	variables, context, roleArn, causedBy, reader string
	retries, mapFailures                          int
}

// runTestState implements `sfnkit test-state`.
func runTestState(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("test-state", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o testStateFlags
	fs.StringVar(&o.request, "request", "", "a whole TestState request as the API takes it (JSON: definition, input, mock, ...), a file or - for stdin; the other flags override its fields")
	fs.StringVar(&o.definition, "definition", "", "the state to test (a JSON file holding one state), or with --state-name a state machine: ASL or a template with one state machine")
	fs.StringVar(&o.stateName, "state-name", "", "the state to test in the state machine of --definition")
	fs.StringVar(&o.input, "input", "", "the state's input: a JSON file, or - for stdin (default {})")
	fs.StringVar(&o.level, "inspection-level", "", "INFO (default), DEBUG or TRACE: DEBUG and TRACE add inspectionData")
	fs.StringVar(&o.mockResult, "mock-result", "", "the JSON result of the state's work (a Task's result, a Map's or Parallel's array)")
	fs.StringVar(&o.mockError, "mock-error", "", "the error name the state's work fails with")
	fs.StringVar(&o.mockCause, "mock-cause", "", "the cause of --mock-error")
	fs.StringVar(&o.validation, "field-validation-mode", "", "STRICT, PRESENT or NONE (accepted; results are not checked against service models)")
	fs.StringVar(&o.variables, "variables", "", "a JSON object of workflow variables visible to the state")
	fs.StringVar(&o.context, "context", "", "a JSON object laid over the context object $$ (needs a mock)")
	fs.StringVar(&o.roleArn, "role-arn", "", "the role in $$.Execution.RoleArn")
	fs.StringVar(&o.causedBy, "error-caused-by-state", "", "the state inside a Map or Parallel where --mock-error happens")
	fs.StringVar(&o.reader, "map-item-reader-data", "", "the JSON array a Distributed Map's ItemReader reads")
	fs.IntVar(&o.retries, "retrier-retry-count", -1, "retries that already happened (decides RETRIABLE against MaxAttempts)")
	fs.IntVar(&o.mapFailures, "map-iteration-failure-count", -1, "failed iterations of a Map (checked against its tolerated failures)")
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: sfnkit "+testStateUsage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "sfnkit test-state: unexpected arguments %q\n", fs.Args())
		return 2
	}
	req, err := o.build(stdin)
	if err != nil {
		fmt.Fprintf(stderr, "sfnkit test-state: %v\n", err)
		return 2
	}
	resp, err := asl.TestState(context.Background(), req)
	if err != nil {
		fmt.Fprintf(stderr, "sfnkit test-state: %v\n", err)
		return 2
	}
	out, _ := json.MarshalIndent(resp, "", "  ")
	fmt.Fprintln(stdout, string(out))
	return 0
}

// build makes the TestState request from --request and the other flags.
func (o testStateFlags) build(stdin io.Reader) (*asl.TestStateRequest, error) {
	req := &asl.TestStateRequest{}
	if o.request != "" {
		data, err := readFileOrStdin(o.request, stdin, 4<<20)
		if err != nil {
			return nil, err
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(req); err != nil {
			return nil, fmt.Errorf("--request %s is not a TestState request: %v", o.request, err)
		}
	}
	if o.stateName != "" {
		req.StateName = o.stateName
	}
	if o.definition != "" {
		def, err := testStateDefinition(o.definition, req.StateName != "")
		if err != nil {
			return nil, err
		}
		req.Definition = def
	}
	if req.Definition == "" {
		return nil, errors.New("--definition FILE (or --request with a definition) is required")
	}
	if o.input != "" {
		data, err := readFileOrStdin(o.input, stdin, asl.MaxPayloadBytes)
		if err != nil {
			return nil, err
		}
		req.Input = string(data)
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set((*string)(&req.InspectionLevel), o.level)
	set(&req.Variables, o.variables)
	set(&req.Context, o.context)
	set(&req.RoleArn, o.roleArn)
	if o.mockResult != "" || o.mockError != "" || o.mockCause != "" || o.validation != "" {
		if o.mockCause != "" && o.mockError == "" {
			return nil, errors.New("--mock-cause needs --mock-error")
		}
		if req.Mock == nil {
			req.Mock = &asl.TestStateMock{}
		}
		set(&req.Mock.Result, o.mockResult)
		set(&req.Mock.FieldValidationMode, o.validation)
		if o.mockError != "" {
			req.Mock.ErrorOutput = &asl.TestStateMockError{Error: o.mockError, Cause: o.mockCause}
		}
	}
	if o.retries >= 0 || o.mapFailures >= 0 || o.causedBy != "" || o.reader != "" {
		if req.StateConfiguration == nil {
			req.StateConfiguration = &asl.TestStateConfiguration{}
		}
		c := req.StateConfiguration
		if o.retries >= 0 {
			c.RetrierRetryCount = &o.retries
		}
		if o.mapFailures >= 0 {
			c.MapIterationFailureCount = &o.mapFailures
		}
		set(&c.ErrorCausedByState, o.causedBy)
		set(&c.MapItemReaderData, o.reader)
	}
	return req, nil
}

// testStateDefinition reads --definition: one state as written, or (for
// --state-name) a state machine, from ASL or from a template or cloud
// assembly that holds exactly one.
func testStateDefinition(path string, machine bool) (string, error) {
	if !machine {
		data, err := os.ReadFile(path)
		return string(data), err
	}
	sources, err := definitionsIn(path, asl.Standard)
	if err != nil {
		return "", err
	}
	if len(sources) != 1 {
		return "", fmt.Errorf("%s holds %d state machines; give a file with one (sfnkit render writes each one's ASL)", path, len(sources))
	}
	return string(sources[0].definition), nil
}

// readFileOrStdin reads a file, or stdin for "-", refusing more than max
// bytes.
func readFileOrStdin(name string, stdin io.Reader, max int64) ([]byte, error) {
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s is over %d bytes", name, max)
	}
	return data, nil
}
