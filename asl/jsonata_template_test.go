package asl

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/recolabs/gnata"
)

// TestDirectJSONataAgreesWithGnata: an expression in directExpr's shape,
// evaluated without gnata, gives what gnata gives on every input, and
// falls back to gnata wherever JSONata does more than look names up and
// copy keys; expressions outside the shape are never read as direct.
func TestDirectJSONataAgreesWithGnata(t *testing.T) {
	order := `{"order":{"id":"o-1","n":2,"items":[{"sku":"a"},{"sku":"b"}],"one":[7],"none":[],"nil":null,` +
		`"deep":{"x":{"y":true}},"payment":{"method":"card","token":"tok"}},"s":"text","o":{"a":1,"b":{"c":2}}}`
	inputs := []string{order, `[{"order":{"id":"x"}},{"order":{"id":"y"}}]`, `[]`, `"text"`, `3`, `null`, `{}`}
	results := []string{`{"charged":true,"id":"p-1"}`, `[1,2]`, `"ok"`, `null`}
	direct := []string{
		"$states.input.order.id", "$states.input.order.n", "$states.input.order.items", "$states.input.order.one",
		"$states.input.order.none", "$states.input.order.deep", "$states.input.order.deep.x.y",
		"$states.input.order.items.sku", "$states.input.order.nil", "$states.input.order.missing", "$states.input",
		"$states.result", "$states.result.id", "$states.errorOutput",
		`{}`, `{"a": 1, "b": "two", 'c': true, "d": false, "e": 1.5e2, "f": 0}`,
		`{"id": $states.input.order.id, "items": $states.input.order.items, "one": $states.input.order.one}`,
		`{"none": $states.input.order.none}`, `{"gone": $states.input.order.missing, "id": $states.input.order.id}`,
		`{"nil": $states.input.order.nil}`, `{"nested": {"deeper": {"y": $states.input.order.deep.x.y}}}`,
		`$merge([$states.input, {"payment": $states.result}])`,
		`$merge([$states.input, {"order": $merge([$states.input.order, {"payment": {"method": $states.input.order.payment.method}}]), "payment": $states.result}])`,
		`$merge([$states.input.o, $states.input.o.b, {"a": "over"}])`,
		`$merge([$states.input.order.items])`, `$merge([$states.input.s, {"a": 1}])`, `$merge([$states.input.missing, {"a": 1}])`,
		`$merge([$states.result])`, `$merge([{"a": 1}, {"a": 2}])`,
		" $merge( [ $states.input ,\n\t{ \"x\" : 1 } ] ) ",
	}
	notDirect := []string{
		"$states.input.order['id']", "$states.input.order.id & ''", "$states.input.`order`.id", "$states",
		"$states.input.order.items[0]", "$states.input.order.items.sku[0]", `{"a": 1, "a": 2}`, `{"a\"b": 1}`,
		`$merge($states.input)`, `$merge([])`, `$merge([$states.input]).order`, "$states.input . order", "-1", "01",
		"1.", "TRUE", "null", "$x.y", "$statesx.input", "$merge2([$states.input])", `{"a": $states.input /* c */}`,
		`{$states.input.s: 1}`, `{"a": 1,}`, "$states.input.order.n + 1", `"a" & "b"`, "$states.input.order.1a",
		// After a dot, JSONata reads true, false and null as values.
		"$states.input.true", `{"a": $states.input.null}`, `$merge([{"a": $states.input.false}])`,
	}
	for _, expr := range notDirect {
		c, _ := compileJSONata(expr)
		if c != nil && c.direct != nil {
			t.Errorf("%s is read as direct: %+v", expr, *c.direct)
		}
	}
	directly := 0
	for _, expr := range direct {
		c, err := compileJSONata(expr)
		if err != nil || c.direct == nil {
			t.Fatalf("%s is not direct: %v", expr, err)
		}
		for _, in := range inputs {
			for _, res := range results {
				input := jsonValue(t, in)
				sc := &scope{input: input, states: map[string]any{"input": input, "result": jsonValue(t, res), "errorOutput": jsonValue(t, `{"Error":"E","Cause":"c"}`)}}
				raw, gnataErr := c.expr.EvalWithVars(context.Background(), sc.jsonataInput(), sc.jsonataVars(nil, c.names))
				got, ok := c.direct.eval(sc)
				if !ok {
					continue // gnata evaluates it
				}
				directly++
				if gnataErr != nil || raw == nil {
					t.Errorf("%s on %s, result %s: direct gives %s; gnata gives %v (err %v)", expr, in, res, toJSON(got), raw, gnataErr)
					continue
				}
				want, err := evalJSONataThroughJSON(raw)
				if err != nil {
					t.Fatalf("%s: %v", expr, err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s on %s, result %s: direct gives %s; gnata gives %s", expr, in, res, toJSON(got), toJSON(want))
				}
				if via, err := evalJSONata("Output", "", expr, sc, nil); err != nil || !reflect.DeepEqual(via, want) {
					t.Errorf("%s on %s: evalJSONata gives %s (%v); gnata gives %s", expr, in, toJSON(via), err, toJSON(want))
				}
			}
		}
	}
	if directly < len(direct)*len(results) {
		t.Errorf("only %d evaluations were direct; every direct expression should be on the order input", directly)
	}
	// A variable named merge is gnata's to resolve.
	vars := &variables{values: map[string]any{"merge": "shadow"}}
	input := jsonValue(t, order)
	sc := &scope{input: input, states: map[string]any{"input": input}, vars: vars}
	if v, ok := parseDirect(`$merge([$states.input])`).eval(sc); ok {
		t.Errorf("$merge with a variable named merge was evaluated directly: %s", toJSON(v))
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
