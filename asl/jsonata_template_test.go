package asl

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/recolabs/gnata"
)

// TestStatesPathsReadAsGnataDoes: an expression that only reads a path
// into $states, read without gnata, gives what gnata gives, and falls
// back to gnata wherever JSONata does more than look names up.
func TestStatesPathsReadAsGnataDoes(t *testing.T) {
	input := jsonValue(t, `{"order":{"id":"o-1","n":2,"items":[{"sku":"a"},{"sku":"b"}],"one":[7],"none":[],"nil":null,"deep":{"x":{"y":true}}}}`)
	sc := &scope{input: input, states: map[string]any{"input": input}}
	for _, expr := range []string{
		"$states.input.order.id", "$states.input.order.n", "$states.input.order.items", "$states.input.order.one",
		"$states.input.order.none", "$states.input.order.deep", "$states.input.order.deep.x.y",
		"$states.input.order.items.sku", "$states.input.order.nil", "$states.input.order.missing", "$states.input",
	} {
		c, err := compileJSONata(expr)
		if err != nil || c.statesPath == nil {
			t.Fatalf("%s: %v, path %v", expr, err, c.statesPath)
		}
		raw, err := c.expr.EvalWithVars(context.Background(), sc.jsonataInput(), sc.jsonataVars(nil, c.names))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		got, gotErr := evalJSONata("Output", "", expr, sc, nil)
		if raw == nil { // undefined
			if gotErr == nil {
				t.Errorf("%s gave %s; gnata gives nothing", expr, toJSON(got))
			}
			continue
		}
		want, err := evalJSONataThroughJSON(raw)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		if gotErr != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s gave %s (%v); gnata gives %s", expr, toJSON(got), gotErr, toJSON(want))
		}
	}
	for _, expr := range []string{"$states.input.order['id']", "$states.input.order.id & ''", "$states.input.`order`.id"} {
		if c, _ := compileJSONata(expr); c.statesPath != nil {
			t.Errorf("%s is read as the path %q", expr, c.statesPath)
		}
	}
}

// evalJSONataThroughJSON is a gnata result as plain JSON values.
func evalJSONataThroughJSON(v any) (any, error) {
	b, err := json.Marshal(gnata.NormalizeValue(v))
	if err != nil {
		return nil, err
	}
	return decodeJSON(b)
}
