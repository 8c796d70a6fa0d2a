package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/local/fakes"
	"github.com/sfnkit/sfnkit/local/harness"
)

const runUsage = `run --definition FILE [--input FILE|-] [--mock-config FILE --test-case NAME [--state-machine NAME]]
                 [--type STANDARD|EXPRESS] [--logical-id ID] [--name NAME] [--history] [--real-time]
      execute a state machine on the local engine and print its output`

// runOptions are run's flags.
type runOptions struct {
	definition, input, mockConfig, testCase, stateMachine, logicalID, name, typ string
	history, realTime                                                           bool
}

// runRun implements `sfnkit run`, with its stable contract: exit 0
// and the output on success; exit 1 and {"Error","Cause"} when the
// execution fails; exit 2 and a message on stderr when it cannot run.
func runRun(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o runOptions
	fs.StringVar(&o.definition, "definition", "", "ASL JSON, or a CloudFormation template such as cdk.out/SfnkitOrderFulfillment.template.json")
	fs.StringVar(&o.input, "input", "", "the execution input: a JSON file, or - for stdin (default {})")
	fs.StringVar(&o.mockConfig, "mock-config", "", "a Step Functions Local MockConfigFile")
	fs.StringVar(&o.testCase, "test-case", "", "the test case of the mock file to run")
	fs.StringVar(&o.stateMachine, "state-machine", "", "the state machine of the mock file, when it holds several")
	fs.StringVar(&o.logicalID, "logical-id", "", "the state machine of the template, when it holds several")
	fs.StringVar(&o.name, "name", "", "the execution's name (default a UUID)")
	fs.StringVar(&o.typ, "type", "", "the workflow type, STANDARD or EXPRESS (default: a template's StateMachineType, else STANDARD)")
	fs.BoolVar(&o.history, "history", false, "print the execution history ({\"events\": [...]}, as GetExecutionHistory) on stderr")
	fs.BoolVar(&o.realTime, "real-time", false, "let Wait states, retries and timeouts take real time")
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: sfnkit "+runUsage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "sfnkit run: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	res, events, err := execute(context.Background(), o, stdin)
	if err != nil { // the definition, the input or the flags are unusable
		fmt.Fprintln(stderr, "sfnkit run:", err)
		return 2
	}
	if o.history {
		b, _ := json.MarshalIndent(map[string]any{"events": events}, "", "  ")
		fmt.Fprintln(stderr, string(b))
	}
	if res.Status == asl.StatusSucceeded {
		b, _ := json.Marshal(res.Output)
		fmt.Fprintln(stdout, string(b))
		return 0
	}
	b, _ := json.Marshal(map[string]string{"Error": res.Error, "Cause": res.Cause})
	fmt.Fprintln(stdout, string(b))
	return 1
}

// execute loads, runs and waits for one execution.
func execute(ctx context.Context, o runOptions, stdin io.Reader) (asl.Result, []asl.Event, error) {
	if o.definition == "" {
		return asl.Result{}, nil, fmt.Errorf("--definition is required")
	}
	if (o.mockConfig == "") != (o.testCase == "") {
		return asl.Result{}, nil, fmt.Errorf("--mock-config and --test-case go together")
	}
	if o.stateMachine != "" && o.mockConfig == "" {
		return asl.Result{}, nil, fmt.Errorf("--state-machine names a state machine of --mock-config")
	}
	data, err := os.ReadFile(o.definition)
	if err != nil {
		return asl.Result{}, nil, fmt.Errorf("%v", err)
	}
	input, err := readInput(o.input, stdin)
	if err != nil {
		return asl.Result{}, nil, err
	}
	var clock asl.Clock
	if o.realTime {
		clock = asl.RealClock{}
	}

	typ, err := asl.ParseWorkflowType(o.typ)
	if err != nil {
		return asl.Result{}, nil, fmt.Errorf("--type: %v", err)
	}
	var engine *asl.Engine
	var machine *asl.StateMachine
	if isTemplate(data) {
		tpl, err := cfn.Parse(data)
		if err != nil {
			return asl.Result{}, nil, fmt.Errorf("%s: %v", o.definition, err)
		}
		sm, err := templateMachine(tpl, o.logicalID)
		if err != nil {
			return asl.Result{}, nil, fmt.Errorf("%s: %v", o.definition, err)
		}
		if typ, err = templateType(sm, o.typ); err != nil {
			return asl.Result{}, nil, fmt.Errorf("%s: %v", o.definition, err)
		}
		env, err := harness.NewEnv(tpl, sm.LogicalID, harness.Options{Clock: clock})
		if err != nil && o.mockConfig == "" {
			return asl.Result{}, nil, fmt.Errorf("%s: %v (give --mock-config for state machines whose tasks the project has no handler for)", o.definition, err)
		}
		if err == nil && o.mockConfig == "" {
			engine, machine = env.Engine, env.Machine
		} else {
			// Mocks answer what they mock; SDK integrations fall to the fakes.
			if machine, err = asl.ParseFor([]byte(sm.Definition), typ); err != nil {
				return asl.Result{}, nil, fmt.Errorf("%s: state machine %s: %v", o.definition, sm.LogicalID, err)
			}
			arn := cfn.Placeholders{Template: tpl}.GetAtt(sm.LogicalID, "Arn")
			if engine, err = mockedEngine(o, clock, arn, typ); err != nil {
				return asl.Result{}, nil, err
			}
		}
	} else {
		if machine, err = asl.ParseFor(data, typ); err != nil {
			return asl.Result{}, nil, fmt.Errorf("%s: %v", o.definition, err)
		}
		if engine, err = mockedEngine(o, clock, "", typ); err != nil {
			return asl.Result{}, nil, err
		}
	}
	x, err := engine.Start(ctx, machine, input, o.name)
	if err != nil {
		return asl.Result{}, nil, fmt.Errorf("%v", err)
	}
	res, err := x.Wait(ctx)
	return res, x.History(), err
}

// mockedEngine answers tasks from the mock file's test case, if any, then
// from in-memory fakes of the AWS services.
func mockedEngine(o runOptions, clock asl.Clock, arn string, typ asl.WorkflowType) (*asl.Engine, error) {
	aws := &fakes.AWS{}
	var tasks asl.Resolver = aws
	if o.mockConfig != "" {
		data, err := os.ReadFile(o.mockConfig)
		if err != nil {
			return nil, fmt.Errorf("%v", err)
		}
		cfg, err := asl.ParseMockConfig(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", o.mockConfig, err)
		}
		sm := o.stateMachine
		if names := cfg.StateMachineNames(); sm == "" && len(names) == 1 {
			sm = names[0]
		} else if sm == "" {
			return nil, fmt.Errorf("%s holds the state machines %s: name one with --state-machine", o.mockConfig, strings.Join(names, ", "))
		}
		mocks, err := cfg.TestCase(sm, o.testCase)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", o.mockConfig, err)
		}
		tasks = mocks.Fallback(aws)
	}
	return asl.NewEngine(asl.Options{Clock: clock, Tasks: tasks, Items: aws, Results: aws, StateMachineArn: arn, Type: typ}), nil
}

// templateMachine resolves the definition of a template's state machine
// (logicalID, or its only one).
func templateMachine(tpl *cfn.Template, logicalID string) (cfn.StateMachine, error) {
	machines, err := tpl.StateMachines(cfn.Placeholders{Template: tpl})
	if err != nil {
		return cfn.StateMachine{}, err
	}
	var ids []string
	for _, m := range machines {
		if m.LogicalID == logicalID || logicalID == "" && len(machines) == 1 {
			return m, nil
		}
		ids = append(ids, m.LogicalID)
	}
	if logicalID == "" {
		return cfn.StateMachine{}, fmt.Errorf("the template has the state machines %s: name one with --logical-id", strings.Join(ids, ", "))
	}
	return cfn.StateMachine{}, fmt.Errorf("the template has no state machine %q; it has %s", logicalID, strings.Join(ids, ", "))
}

// templateType is the type a template's state machine declares
// (StateMachineType, STANDARD when absent); a --type flag must agree.
func templateType(sm cfn.StateMachine, flag string) (asl.WorkflowType, error) {
	declared, err := asl.ParseWorkflowType(sm.Type)
	if err != nil {
		return "", fmt.Errorf("state machine %s: %v", sm.LogicalID, err)
	}
	if flag != "" && asl.WorkflowType(flag) != declared {
		return "", fmt.Errorf("state machine %s is %s (its StateMachineType); --type %s contradicts it: leave --type out for a template", sm.LogicalID, declared, flag)
	}
	return declared, nil
}

// isTemplate tells a CloudFormation template from ASL: templates have
// Resources, ASL has States.
func isTemplate(data []byte) bool {
	var probe struct {
		Resources json.RawMessage
		States    json.RawMessage
	}
	return json.Unmarshal(data, &probe) == nil && probe.Resources != nil && probe.States == nil
}

// readInput reads the execution input from a file or stdin ("-").
func readInput(name string, stdin io.Reader) ([]byte, error) {
	var data []byte
	var err error
	switch name {
	case "":
		return []byte("{}"), nil
	case "-":
		data, err = io.ReadAll(io.LimitReader(stdin, asl.MaxPayloadBytes+1))
	default:
		data, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, fmt.Errorf("--input: %v", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("--input %s is empty; give a JSON value such as {}", name)
	}
	if !json.Valid(data) {
		return nil, fmt.Errorf("--input %s is not valid JSON", name)
	}
	return data, nil
}
