package asl

import (
	"fmt"
)

// Predefined error names of the States Language, raised where AWS raises
// them.
const (
	ErrALL                    = "States.ALL"
	ErrHeartbeatTimeout       = "States.HeartbeatTimeout"
	ErrTimeout                = "States.Timeout"
	ErrTaskFailed             = "States.TaskFailed"
	ErrPermissions            = "States.Permissions"
	ErrResultPathMatchFailure = "States.ResultPathMatchFailure"
	ErrParameterPathFailure   = "States.ParameterPathFailure"
	ErrQueryEvaluationError   = "States.QueryEvaluationError"
	ErrBranchFailed           = "States.BranchFailed"
	ErrNoChoiceMatched        = "States.NoChoiceMatched"
	ErrIntrinsicFailure       = "States.IntrinsicFailure"
	ErrExceedToleratedFailure = "States.ExceedToleratedFailureThreshold"
	ErrItemReaderFailed       = "States.ItemReaderFailed"
	ErrResultWriterFailed     = "States.ResultWriterFailed"
	ErrRuntime                = "States.Runtime"
	ErrDataLimitExceeded      = "States.DataLimitExceeded"
)

// MaxPayloadBytes is Step Functions' limit on a state's input or output and
// on an execution's input, 256 KiB
// (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
const MaxPayloadBytes = 256 * 1024

// Failure is an error as the States Language carries it: a name, matched by
// ErrorEquals, and a cause. Task handlers return one to fail with a chosen
// name; any other error fails the task with States.TaskFailed.
type Failure struct {
	Name  string `json:"Error"`
	Cause string `json:"Cause"`
}

func (f *Failure) Error() string {
	if f.Cause == "" {
		return f.Name
	}
	return f.Name + ": " + f.Cause
}

func failf(name, format string, args ...any) *Failure {
	return &Failure{Name: name, Cause: fmt.Sprintf(format, args...)}
}

// matches reports whether the error name is matched by ErrorEquals, by the
// Step Functions rules: a name matches itself; States.ALL matches every
// error but the terminal States.Runtime and States.DataLimitExceeded;
// States.TaskFailed matches every error but States.Timeout and those two.
func matches(errorEquals []string, name string) bool {
	terminal := name == ErrRuntime || name == ErrDataLimitExceeded
	for _, e := range errorEquals {
		switch {
		case e == name:
			return true
		case e == ErrALL && !terminal:
			return true
		case e == ErrTaskFailed && !terminal && name != ErrTimeout:
			return true
		}
	}
	return false
}
