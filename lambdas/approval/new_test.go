package approval

import (
	"strings"
	"testing"
)

func TestNewAnswersThroughTheGivenClient(t *testing.T) {
	client := &recordingSFN{}
	h, err := New(Clients{StepFunctions: client})
	if err != nil {
		t.Fatal(err)
	}
	if h.StepFunctions != TaskResponder(client) {
		t.Errorf("the handler answers through %#v; want the client it was given", h.StepFunctions)
	}
	if _, err := New(Clients{}); err == nil || !strings.Contains(err.Error(), "Clients.StepFunctions") {
		t.Errorf("New without a client = %v; want an error naming Clients.StepFunctions", err)
	}
}
