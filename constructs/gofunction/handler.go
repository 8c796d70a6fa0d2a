package gofunction

import (
	"fmt"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/internal/gobuild"
)

// Handler is where the code of one step of a workflow comes from: a Go
// main package that the workflow builds with New (and then gives the
// environment and permissions the step needs), or a Lambda function that
// already exists, in any runtime. Set Entry or Function, not both. The
// zero Handler means "the workflow's default", which each workflow's
// Props documents.
type Handler struct {
	// Entry is the handler's Go main package: a directory of your module
	// ("./cmd/process-payment") or an import path in your module or one it
	// requires. The workflow builds it as it builds its own handlers, with
	// the same environment variables and permissions.
	Entry string

	// Environment adds variables to a function built from Entry, beside
	// the ones the workflow sets for the step (which it may not redefine):
	// your function's own settings, such as its payment service's URL. If
	// nil, only the step's.
	Environment map[string]string

	// Function is an existing function, invoked as it is: the workflow sets
	// none of its environment and grants its role nothing, so give it
	// what the step's contract needs yourself.
	Function awslambda.IFunction

	// Timeout is Function's timeout, so the task that invokes it waits at
	// least as long. Required with Function (an imported function's
	// timeout cannot be read); ignored with Entry, whose timeout the
	// workflow sets.
	Timeout time.Duration
}

// IsZero reports whether h chooses nothing, so the default applies.
func (h Handler) IsZero() bool { return h.Entry == "" && h.Function == nil }

// Or returns h, or a Handler that builds entry when h is zero: how a
// workflow fills in its default handlers.
func (h Handler) Or(entry string) Handler {
	if h.IsZero() {
		return Handler{Entry: entry}
	}
	return h
}

// Validate reports a Handler that names both kinds of code, or an existing
// function without its timeout; prop is the field's name in the caller's
// Props, for the message.
func (h Handler) Validate(prop string) error {
	switch {
	case h.Entry != "" && h.Function != nil:
		return fmt.Errorf("%s sets both Entry %q and Function: set Entry to build a Go main package, or Function to invoke an existing function", prop, h.Entry)
	case h.Function != nil && (h.Timeout < time.Second || h.Timeout > MaxTimeout || h.Timeout%time.Second != 0):
		return fmt.Errorf("%s.Timeout is %v; with an existing Function set it to that function's timeout (whole seconds from 1s to 15m), so its task waits long enough", prop, h.Timeout)
	case h.Function == nil && h.Timeout != 0:
		return fmt.Errorf("%s.Timeout is %v but Function is nil: Timeout describes an existing Function; the workflow sets the timeout of what it builds from Entry", prop, h.Timeout)
	case h.Function != nil && h.Environment != nil:
		return fmt.Errorf("%s.Environment is set with an existing Function, whose environment is its owner's: set it where that function is defined, or build it from Entry", prop)
	}
	return nil
}

// Use returns the function of h: the existing Function, under a construct
// of its own named id so the tree reads the same either way, or a Go
// function that New builds from h.Entry with props (whose Entry is
// replaced, and whose Environment gains h.Environment). h must be valid and
// not zero.
func Use(scope constructs.Construct, id string, h Handler, props Props) *Function {
	if h.Function == nil {
		props.Entry = h.Entry
		if len(h.Environment) > 0 {
			env := make(map[string]string, len(props.Environment)+len(h.Environment))
			for name, value := range h.Environment {
				env[name] = value
			}
			for name, value := range props.Environment {
				if _, clash := h.Environment[name]; clash {
					panic(fmt.Errorf("gofunction: Handler.Environment of %q sets %s, which the workflow sets for this step: choose another name", id, name))
				}
				env[name] = value
			}
			props.Environment = env
		}
		return New(scope, id, &props)
	}
	this := constructs.NewConstruct(scope, jsii.String(id))
	return &Function{Construct: this, Function: h.Function, Timeout: h.Timeout}
}

// Prepare builds the Go handlers among handlers together, before the
// workflow defines their functions one by one: the go tool then runs once
// for them all and compiles them in parallel, instead of twice per
// function. It is only a speed-up: a handler that does not resolve or
// compile is reported, with the prop that names it, by New.
func Prepare(handlers ...Handler) {
	var entries []string
	for _, h := range handlers {
		if h.Entry != "" {
			entries = append(entries, h.Entry)
		}
	}
	if len(entries) > 0 {
		gobuild.Prepare(entries, gobuild.Lambda)
	}
}
