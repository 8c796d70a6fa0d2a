package sfnapi

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sfn"
)

// TestEveryOperationOfTheSDKIsServed holds the server to the service model
// the AWS SDKs are generated from: every operation method of the Go SDK's
// client (Op(ctx, *OpInput, ...) (*OpOutput, error)) has an action.
func TestEveryOperationOfTheSDKIsServed(t *testing.T) {
	served := New(Options{}).actions()
	client := reflect.TypeOf(&sfn.Client{})
	var operations int
	for i := 0; i < client.NumMethod(); i++ {
		m := client.Method(i)
		if m.Type.NumIn() < 3 || m.Type.NumOut() != 2 {
			continue
		}
		in := m.Type.In(2)
		if in.Kind() != reflect.Pointer || in.Elem().Name() != m.Name+"Input" || !strings.HasSuffix(m.Type.Out(0).String(), m.Name+"Output") {
			continue
		}
		operations++
		if _, ok := served[m.Name]; !ok {
			t.Errorf("the SDK's %s has no action in the server", m.Name)
		}
	}
	if operations < 37 {
		t.Errorf("found %d operations on the SDK's client; the Step Functions API has 37", operations)
	}
}
