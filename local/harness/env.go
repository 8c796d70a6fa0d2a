// Package local runs the project's synthesized state machines on the asl
// engine, offline: every Lambda task runs the project's real Go handler,
// wired the way its main package wires it but to in-memory AWS fakes (or,
// with Runtime Processes, the function's own main package as a process
// behind the Lambda Runtime API), and every direct service integration
// runs against the same fakes. A test, the
// sfnkit CLI or a local endpoint gets exactly what `cdk synth` produced, with
// the production code paths of the handlers.
package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/internal/gobuild"
	"github.com/sfnkit/sfnkit/lambdas/payments"
	"github.com/sfnkit/sfnkit/local/fakes"
)

// Env is one synthesized state machine ready to run.
type Env struct {
	// LogicalID is the state machine's id in the template.
	LogicalID string
	Template  *cfn.Template
	Machine   *asl.StateMachine
	Engine    *asl.Engine
	Clock     *asl.VirtualClock
	// AWS holds the fake services, with a table for each of the template's
	// DynamoDB tables and a bucket for each S3 bucket, named as the
	// definition names them.
	AWS *fakes.AWS
	// Tasks serves the Lambda tasks; entries can be replaced to inject
	// failures. What it lacks goes to the AWS fakes.
	Tasks *asl.Registry
	// Functions maps each Lambda task state to the environment of the
	// function it invokes.
	Functions map[string]map[string]string

	provider *payments.Simulator
	onToken  atomic.Pointer[func(asl.PendingTask)]
	procs    *functionProcesses // with Runtime Processes

	mu                 sync.Mutex
	labels, moderation map[string][]any // what Rekognition finds, by object key
}

// Recognize sets what Rekognition's fake finds in the object key: its
// labels and its moderation labels, in Rekognition's JSON.
func (env *Env) Recognize(key string, labels, moderation []any) {
	env.mu.Lock()
	defer env.mu.Unlock()
	if env.labels == nil {
		env.labels, env.moderation = map[string][]any{}, map[string][]any{}
	}
	env.labels[key], env.moderation[key] = labels, moderation
}

func (env *Env) recognized(which func(env *Env) map[string][]any) func(bucket, key string) ([]any, error) {
	return func(_, key string) ([]any, error) {
		env.mu.Lock()
		defer env.mu.Unlock()
		return which(env)[key], nil
	}
}

// OnTaskToken sets what is called, on the execution's goroutine, each time
// a task starts waiting for its token (see asl.Options.OnTaskToken).
func (env *Env) OnTaskToken(f func(asl.PendingTask)) {
	env.onToken.Store(&f)
}

// Options configure an Env.
type Options struct {
	// Start is when virtual time begins. If zero, 2026-11-22T00:00:00Z.
	Start time.Time
	// Seed makes jitter and UUIDs repeatable. If zero, 1.
	Seed int64
	// Clock replaces the virtual clock (for real-time runs).
	Clock asl.Clock
	// StateMachineArn is the machine's ARN in executions and the context
	// object. If empty, the template's placeholder ARN.
	StateMachineArn string
	// Runtime says how Lambda tasks run. If zero, InProcess. With
	// Processes, call Env.Close when done.
	Runtime Runtime
	// FunctionLogs receives what function processes write, each line
	// prefixed with the function's logical id. If nil, it is discarded.
	FunctionLogs io.Writer
	// Mocks answer the Lambda tasks whose function cannot run here: one
	// not in the template (imported by ARN) or, with Processes, one with no
	// Go package to build. A task whose function has no mock fails with
	// Lambda.ResourceNotFoundException saying so.
	Mocks Mocks
	// EndpointURL is where function processes reach AWS (such as sfnkit
	// serve's edge port, over the same fakes as AWS). If empty, the Env
	// serves its fakes to them on a port of its own.
	EndpointURL string
	// StepFunctionsURL, if set, is where function processes reach Step
	// Functions (AWS_ENDPOINT_URL_SFN).
	StepFunctionsURL string
	// AWS are the fakes the machine runs against, shared with whoever else
	// holds them (the other machines of an app, the edge port). If nil, the
	// Env gets fakes of its own.
	AWS *fakes.AWS
}

// NewEnv prepares the state machine logicalID of tpl ("" if it has only
// one).
func NewEnv(tpl *cfn.Template, logicalID string, opts Options) (*Env, error) {
	machines, err := tpl.StateMachines(cfn.Placeholders{Template: tpl})
	if err != nil {
		return nil, err
	}
	var chosen *cfn.StateMachine
	for i := range machines {
		if logicalID == "" && len(machines) == 1 || machines[i].LogicalID == logicalID {
			chosen = &machines[i]
		}
	}
	if chosen == nil {
		return nil, fmt.Errorf("the template has %d state machines and none is %q", len(machines), logicalID)
	}
	typ, err := asl.ParseWorkflowType(chosen.Type)
	if err != nil {
		return nil, fmt.Errorf("state machine %s: %w", chosen.LogicalID, err)
	}
	sm, err := asl.ParseFor([]byte(chosen.Definition), typ)
	if err != nil {
		return nil, fmt.Errorf("state machine %s: %w", chosen.LogicalID, err)
	}
	if opts.Start.IsZero() {
		opts.Start = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	}
	aws := opts.AWS
	if aws == nil {
		aws = &fakes.AWS{}
	}
	env := &Env{LogicalID: chosen.LogicalID, Template: tpl, Machine: sm, AWS: aws, Tasks: &asl.Registry{}, Functions: map[string]map[string]string{}}
	if aws.Labels == nil { // shared fakes answer with the first Env's
		env.AWS.Labels = env.recognized(func(env *Env) map[string][]any { return env.labels })
		env.AWS.Moderation = env.recognized(func(env *Env) map[string][]any { return env.moderation })
	}
	DefineResources(aws, tpl)
	clock := opts.Clock
	if clock == nil {
		env.Clock = asl.NewVirtualClock(opts.Start)
		clock = env.Clock
	}
	arn := opts.StateMachineArn
	if arn == "" {
		arn = cfn.Placeholders{Template: tpl}.GetAtt(chosen.LogicalID, "Arn")
	}
	env.Engine = asl.NewEngine(asl.Options{
		Clock: clock, Tasks: env.Tasks.Fallback(env.AWS), Items: env.AWS, Results: env.AWS, Seed: opts.Seed,
		StateMachineArn: arn, Type: typ,
		OnTaskToken: func(p asl.PendingTask) {
			if f := env.onToken.Load(); f != nil && *f != nil {
				(*f)(p)
			}
		},
	})
	if err := env.wireHandlers(sm, clock, opts); err != nil {
		env.Close()
		return nil, err
	}
	return env, nil
}

// DefineResources gives the fakes a table for each of the template's
// DynamoDB tables, a bucket for each S3 bucket, a queue for each SQS queue
// (with its visibility timeout and redrive policy) and a topic for each
// SNS topic, named as cfn.Placeholders resolves their references.
func DefineResources(aws *fakes.AWS, tpl *cfn.Template) {
	names := cfn.Placeholders{Template: tpl}
	for _, id := range tpl.LogicalIDs("AWS::DynamoDB::Table") {
		pk, sk := keySchema(tpl.Resources[id].Properties)
		aws.Table(names.Ref(id), pk, sk)
	}
	for _, id := range tpl.LogicalIDs("AWS::S3::Bucket") {
		aws.Bucket(names.Ref(id))
	}
	for _, id := range tpl.LogicalIDs("AWS::SQS::Queue") {
		props := tpl.Resources[id].Properties
		var opts fakes.QueueOptions
		if seconds, ok := props["VisibilityTimeout"].(float64); ok {
			opts.VisibilityTimeout = time.Duration(seconds) * time.Second
		}
		if redrive, ok := props["RedrivePolicy"].(map[string]any); ok {
			opts.DeadLetterQueue, _ = cfn.Resolve(redrive["deadLetterTargetArn"], names)
			count, _ := redrive["maxReceiveCount"].(float64)
			opts.MaxReceiveCount = int(count)
		}
		aws.Queue(id, opts)
	}
	for _, id := range tpl.LogicalIDs("AWS::SNS::Topic") {
		aws.Topic(names.Ref(id))
	}
}

// keySchema reads a table's partition and sort key names.
func keySchema(props map[string]any) (string, string) {
	var pk, sk string
	schema, _ := props["KeySchema"].([]any)
	for _, k := range schema {
		m, _ := k.(map[string]any)
		name, _ := m["AttributeName"].(string)
		if m["KeyType"] == "HASH" {
			pk = name
		} else {
			sk = name
		}
	}
	return pk, sk
}

// wireHandlers serves every Lambda task state (top level and nested) with
// the project's handler for that state, configured from the invoked
// function's environment in the template: in this process, or as the
// function's own processes (opts.Runtime).
func (env *Env) wireHandlers(sm *asl.StateMachine, clock asl.Clock, opts Options) error {
	for _, name := range stateNames(sm) {
		st := findState(sm, name)
		if st == nil || st.Type != asl.TypeTask {
			continue
		}
		fn := invokedFunction(st)
		if fn == "" {
			continue
		}
		res, ok := env.Template.Resources[fn]
		_, isGo := res.Metadata[gobuild.PackageMetadataKey].(string)
		if mock, mocked := opts.Mocks.Answer(fn, st.Resource); mocked && (!ok || opts.Runtime == Processes && !isGo) {
			env.Tasks.HandleState(name, asl.LambdaInvoker(func(context.Context, []byte) ([]byte, error) { return mock, nil }))
			continue
		}
		if !ok || res.Type != "AWS::Lambda::Function" || opts.Runtime == Processes && !isGo {
			// Reported at start-up (Unrunnable); the task fails as Lambda
			// fails for a function it cannot find.
			cause := fmt.Sprintf("the function %s that state %q invokes cannot run locally (not a Go function of the template with %s metadata); give its answer in a mocks file (sfnkit serve --mocks FILE)", fn, name, gobuild.PackageMetadataKey)
			env.Tasks.HandleState(name, asl.TaskFunc(func(context.Context, asl.TaskRequest) (any, error) {
				return nil, &asl.Failure{Name: "Lambda.ResourceNotFoundException", Cause: cause}
			}))
			continue
		}
		vars := environment(env.Template, res.Properties)
		env.Functions[name] = vars
		if opts.Runtime == Processes {
			f, err := env.processFunction(fn, res, vars, opts)
			if err != nil {
				return fmt.Errorf("state %q: %w", name, err)
			}
			env.Tasks.HandleState(name, f.Handler())
			continue
		}
		make, ok := handlers[name]
		if !ok && functionOf(st.Resource) == "" {
			continue // lambda:invoke of a function this package has no handler for: as before, left to Tasks
		}
		if !ok {
			return fmt.Errorf("no local handler is known for the Lambda task %q: add it to local/harness", name)
		}
		h, err := make(func(name string) string { return vars[name] }, env, clock)
		if err != nil {
			return fmt.Errorf("state %q: %w", name, err)
		}
		env.Tasks.HandleState(name, h)
	}
	return nil
}

// stateNames lists every state name of sm, nested ones included, sorted.
func stateNames(sm *asl.StateMachine) []string {
	var names []string
	var walk func(m *asl.StateMachine)
	walk = func(m *asl.StateMachine) {
		for n, st := range m.States {
			names = append(names, n)
			for _, b := range st.Branches {
				walk(b)
			}
			if st.ItemProcessor != nil {
				walk(st.ItemProcessor)
			}
		}
	}
	walk(sm)
	sort.Strings(names)
	return names
}

// State finds a state of the machine by name, nested ones included, or
// returns nil.
func (env *Env) State(name string) *asl.State { return findState(env.Machine, name) }

func findState(sm *asl.StateMachine, name string) *asl.State {
	if st, ok := sm.States[name]; ok {
		return st
	}
	for _, st := range sm.States {
		for _, b := range st.Branches {
			if found := findState(b, name); found != nil {
				return found
			}
		}
		if st.ItemProcessor != nil {
			if found := findState(st.ItemProcessor, name); found != nil {
				return found
			}
		}
	}
	return nil
}

// invokedFunction is the logical id (or, for a function not in the
// template, the name) of the function a Lambda task invokes: by its
// Resource ARN, or the FunctionName of lambda:invoke when it is a
// constant.
func invokedFunction(st *asl.State) string {
	if fn := functionOf(st.Resource); fn != "" {
		return fn
	}
	if !strings.HasPrefix(st.Resource, "arn:aws:states:::lambda:invoke") {
		return ""
	}
	var params struct{ FunctionName string }
	_ = json.Unmarshal(st.Parameters, &params)
	if params.FunctionName == "" {
		_ = json.Unmarshal(st.Arguments, &params)
	}
	name := params.FunctionName
	if i := strings.Index(name, ":function:"); i >= 0 {
		name = name[i+len(":function:"):]
	}
	name, _, _ = strings.Cut(name, ":") // a version or alias
	return name
}

// functionOf is the logical id of the function a Lambda task invokes.
func functionOf(resource string) string {
	if i := strings.Index(resource, ":function:"); i >= 0 && strings.Contains(resource, ":lambda:") {
		return resource[i+len(":function:"):]
	}
	return ""
}

// environment resolves a function's Environment.Variables.
func environment(tpl *cfn.Template, props map[string]any) map[string]string {
	out := map[string]string{}
	env, _ := props["Environment"].(map[string]any)
	vars, _ := env["Variables"].(map[string]any)
	for k, v := range vars {
		s, err := cfn.Resolve(v, cfn.Placeholders{Template: tpl})
		if err == nil {
			out[k] = s
		}
	}
	return out
}

// Run starts an execution with input and waits for it.
func (env *Env) Run(ctx context.Context, input []byte) (asl.Result, []asl.Event, error) {
	x, err := env.Engine.Start(ctx, env.Machine, input, "")
	if err != nil {
		return asl.Result{}, nil, err
	}
	res, err := x.Wait(ctx)
	return res, x.History(), err
}

// Path lists the states an execution entered, in order: the path it took.
func Path(events []asl.Event) []string {
	var path []string
	for _, e := range events {
		if e.StateEnteredEventDetails != nil {
			path = append(path, e.StateEnteredEventDetails.Name)
		}
	}
	return path
}

// Attempts counts how many times an execution invoked the Task state
// name: its Lambda or service calls, retries included, across every time
// the state was entered. Each call is traced back through the events'
// previousEventId to the state that made it, so the branches of a
// Parallel state are told apart.
func Attempts(events []asl.Event, name string) int {
	byID := make(map[int64]*asl.Event, len(events))
	for i := range events {
		byID[events[i].ID] = &events[i]
	}
	owner := func(e *asl.Event) string {
		for e != nil {
			if e.StateEnteredEventDetails != nil {
				return e.StateEnteredEventDetails.Name
			}
			e = byID[e.PreviousEventID]
		}
		return ""
	}
	n := 0
	for i := range events {
		e := &events[i]
		if (e.Type == "LambdaFunctionScheduled" || e.Type == "TaskScheduled") && owner(e) == name {
			n++
		}
	}
	return n
}
