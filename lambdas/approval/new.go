package approval

import "errors"

// Clients are what the handler calls out to. The approval callback has no
// environment: the task token in each request names the execution.
type Clients struct {
	// StepFunctions answers task tokens: the SDK's client in Lambda.
	StepFunctions TaskResponder
}

// New builds the approval callback's handler.
func New(clients Clients) (*Handler, error) {
	if clients.StepFunctions == nil {
		return nil, errors.New("approval: Clients.StepFunctions is nil; give it the Step Functions client")
	}
	return &Handler{StepFunctions: clients.StepFunctions}, nil
}
