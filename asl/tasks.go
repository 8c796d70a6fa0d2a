package asl

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/aws/aws-lambda-go/lambda"
)

// TaskRequest is what a Task state asks of its resource.
type TaskRequest struct {
	// StateName is the Task state's name.
	StateName string
	// Resource is the state's Resource ARN.
	Resource string
	// Input is the effective input: Parameters (JSONPath) or Arguments
	// (JSONata) evaluated, or the state's input without them, as decoded
	// JSON (map[string]any, []any, string, float64, bool, nil).
	//
	// Input is read-only. The engine passes it without a copy: its parts
	// are shared with the state's input and output, other tasks' inputs
	// and the history, which renders it only when read. A handler that
	// keeps a part of it beyond the call, or changes one, must copy that
	// part first.
	Input any
	// TaskToken is set for .waitForTaskToken integrations; the task's
	// answer comes from Engine.SendTaskSuccess or SendTaskFailure.
	TaskToken string
	// ExecutionArn identifies the execution.
	ExecutionArn string
	// Attempt counts retries of this state (0 on the first try).
	Attempt int
}

// Integration returns the service and action of an optimized or AWS SDK
// integration ("sqs", "sendMessage"), and the pattern suffix ("sync",
// "waitForTaskToken" or ""). For a Lambda function ARN it returns
// ("lambda", "function", "").
func (r TaskRequest) Integration() (service, action, pattern string) {
	return parseResource(r.Resource)
}

func parseResource(resource string) (service, action, pattern string) {
	if strings.Contains(resource, ":lambda:") && strings.Contains(resource, ":function:") {
		return "lambda", "function", ""
	}
	i := strings.Index(resource, ":states:::")
	if i < 0 {
		return "", "", ""
	}
	rest := resource[i+len(":states:::"):]
	if sdk, ok := strings.CutPrefix(rest, "aws-sdk:"); ok {
		rest = sdk
	}
	service, action, _ = strings.Cut(rest, ":")
	if a, p, ok := strings.Cut(action, "."); ok {
		action, pattern = a, p
	}
	return service, action, pattern
}

// TaskHandler performs a Task. It returns the task's result, or an error:
// a *Failure fails the task with its name and cause; any other error fails
// it with States.TaskFailed.
//
// Invoke must not modify req.Input (see TaskRequest). A result made of
// decoded JSON's types is kept without a copy, so the handler gives it
// up: it must not modify it, or return something it will modify later
// (a fake returns a copy of the state it keeps). A result of other types
// passes through encoding/json.
//
// On a VirtualClock the engine calls Invoke on the execution's goroutine;
// a handler that takes time does so on ClockFrom(ctx), whose waits end
// when the task times out.
type TaskHandler interface {
	Invoke(ctx context.Context, req TaskRequest) (any, error)
}

// TaskFunc adapts a function to TaskHandler.
type TaskFunc func(ctx context.Context, req TaskRequest) (any, error)

// Invoke implements TaskHandler.
func (f TaskFunc) Invoke(ctx context.Context, req TaskRequest) (any, error) { return f(ctx, req) }

// Resolver finds the handler of a Task state.
type Resolver interface {
	Resolve(stateName, resource string, input any) (TaskHandler, bool)
}

// Registry resolves tasks by state name first, then by resource ARN, then
// by Lambda function (the FunctionName of lambda:invoke, or a function ARN).
// The zero value is empty and ready; it is safe for concurrent use.
type Registry struct {
	mu         sync.RWMutex
	byState    map[string]TaskHandler
	byResource map[string]TaskHandler
	functions  map[string]TaskHandler
	fallback   Resolver
}

var _ Resolver = (*Registry)(nil)

// HandleState serves the Task state with this name.
func (r *Registry) HandleState(name string, h TaskHandler) *Registry {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byState == nil {
		r.byState = map[string]TaskHandler{}
	}
	r.byState[name] = h
	return r
}

// HandleResource serves every Task with this Resource ARN.
func (r *Registry) HandleResource(resource string, h TaskHandler) *Registry {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byResource == nil {
		r.byResource = map[string]TaskHandler{}
	}
	r.byResource[resource] = h
	return r
}

// HandleFunction serves the Lambda function with this name or ARN, called
// directly (Resource is its ARN) or through lambda:invoke (FunctionName).
func (r *Registry) HandleFunction(nameOrArn string, h TaskHandler) *Registry {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.functions == nil {
		r.functions = map[string]TaskHandler{}
	}
	r.functions[functionName(nameOrArn)] = h
	return r
}

// Fallback consults another resolver for what this one lacks.
func (r *Registry) Fallback(next Resolver) *Registry {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fallback = next
	return r
}

// Resolve implements Resolver.
func (r *Registry) Resolve(stateName, resource string, input any) (TaskHandler, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if h, ok := r.byState[stateName]; ok {
		return h, true
	}
	if h, ok := r.byResource[resource]; ok {
		return h, true
	}
	if fn := lambdaTarget(resource, input); fn != "" {
		if h, ok := r.functions[functionName(fn)]; ok {
			return h, true
		}
	}
	if r.fallback != nil {
		return r.fallback.Resolve(stateName, resource, input)
	}
	return nil, false
}

// lambdaTarget is the function a Task invokes, or "".
func lambdaTarget(resource string, input any) string {
	service, action, _ := parseResource(resource)
	switch {
	case service == "lambda" && action == "function":
		return resource
	case service == "lambda" && action == "invoke":
		if m, ok := input.(map[string]any); ok {
			fn, _ := m["FunctionName"].(string)
			return fn
		}
	}
	return ""
}

// functionName reduces a function ARN (with or without a qualifier) to its
// name.
func functionName(nameOrArn string) string {
	if i := strings.Index(nameOrArn, ":function:"); i >= 0 {
		name := nameOrArn[i+len(":function:"):]
		name, _, _ = strings.Cut(name, ":")
		return name
	}
	return nameOrArn
}

// LambdaFunction adapts a Go Lambda handler function (any signature
// lambda.Start accepts) into a TaskHandler, so the engine runs a project's
// real handler in-process with the JSON Lambda would deliver. Like the Lambda
// runtime, it reports a returned error under its Go type name, with a cause
// of {"errorMessage", "errorType"}; a panic is reported the same way.
func LambdaFunction(handler any) TaskHandler {
	h := lambda.NewHandler(handler)
	return LambdaInvoker(func(ctx context.Context, payload []byte) (raw []byte, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = LambdaFailure(typeName(reflect.TypeOf(r)), fmt.Sprint(r))
			}
		}()
		raw, err = h.Invoke(ctx, payload)
		if err != nil {
			return nil, LambdaFailure(typeName(reflect.TypeOf(err)), err.Error())
		}
		return raw, nil
	})
}

// LambdaInvoker serves Lambda tasks with invoke, which runs the function on
// the JSON payload Lambda would deliver and returns its JSON response: a
// handler in this process (LambdaFunction) or a function's own process
// behind the Lambda Runtime API (package lambdart). invoke reports a
// function error as a *Failure (see LambdaFailure); any other error fails
// the task as States.TaskFailed. For the optimized lambda:invoke
// integration the function gets the task's Payload and the task gets
// Lambda's Invoke response around the function's result.
func LambdaInvoker(invoke func(ctx context.Context, payload []byte) ([]byte, error)) TaskHandler {
	return TaskFunc(func(ctx context.Context, req TaskRequest) (any, error) {
		payload := req.Input
		_, action, _ := parseResource(req.Resource)
		if action == "invoke" { // lambda:invoke: the function gets Payload
			if m, ok := req.Input.(map[string]any); ok {
				payload = m["Payload"]
			}
		}
		in, err := marshal(payload)
		if err != nil {
			return nil, err
		}
		raw, err := invoke(ctx, in)
		if err != nil {
			return nil, err
		}
		result, err := decodeJSON(raw)
		if err != nil {
			return nil, fmt.Errorf("the function returned invalid JSON: %v", err)
		}
		if action == "invoke" {
			return map[string]any{"ExecutedVersion": "$LATEST", "Payload": result, "StatusCode": 200.0}, nil
		}
		return result, nil
	})
}

// LambdaFailure is a function error as a Lambda task reports it: the error
// named by its errorType, with the runtime's {"errorMessage", "errorType"}
// as the cause.
func LambdaFailure(errorType, errorMessage string) *Failure {
	cause, _ := json.Marshal(map[string]string{"errorMessage": errorMessage, "errorType": errorType})
	return &Failure{Name: errorType, Cause: string(cause)}
}

// typeName names a Go type as the Lambda Go runtime names an error: the
// type name, without package or pointer.
func typeName(t reflect.Type) string {
	if t == nil {
		return "errorString"
	}
	if t.Kind() == reflect.Ptr {
		t = t.Elem()
	}
	return t.Name()
}

// ResolverFunc adapts a function to Resolver.
type ResolverFunc func(stateName, resource string, input any) (TaskHandler, bool)

// Resolve implements Resolver.
func (f ResolverFunc) Resolve(stateName, resource string, input any) (TaskHandler, bool) {
	return f(stateName, resource, input)
}
