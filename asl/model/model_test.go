package model

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestWalkVisitsEveryStateWithItsPath(t *testing.T) {
	tests := []struct {
		name, def string
		want      []string // path and name of each visit
	}{
		{"flat, in definition order", `{"StartAt":"Z","States":{"Z":{"Type":"Pass","Next":"A"},"A":{"Type":"Succeed"}}}`,
			[]string{"/States/Z Z", "/States/A A"}},
		{"nested Parallel and Map", nested, []string{
			"/States/Fanout Fanout",
			"/States/Fanout/Branches/0/States/Work Work",
			"/States/Fanout/Branches/1/States/Each Each",
			"/States/Fanout/Branches/1/States/Each/ItemProcessor/States/Inner Inner",
			"/States/Old Old",
			"/States/Old/Iterator/States/Step Step",
			"/States/Failed Failed",
		}},
		{"names escaped as JSON Pointer tokens", `{"StartAt":"a/b","States":{"a/b":{"Type":"Pass","Next":"~x"},"~x":{"Type":"Succeed"}}}`,
			[]string{"/States/a~1b a/b", "/States/~0x ~x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Decode([]byte(tt.def))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			m.Walk(func(path, name string, s *State) {
				if s == nil {
					t.Errorf("%s: nil state", path)
				}
				got = append(got, path+" "+name)
			})
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Walk visited\n  %q\nwant\n  %q", got, tt.want)
			}
		})
	}
}

func TestOptionalString(t *testing.T) {
	tests := []struct {
		name, def string
		set       bool
		value     *string
		path      string
		pathOK    bool
	}{
		{"absent", `{}`, false, nil, "$", true},
		{"null", `{"ResultPath":null}`, true, nil, "", false},
		{"string", `{"ResultPath":"$.x"}`, true, ptr("$.x"), "$.x", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Catcher
			if err := json.Unmarshal([]byte(tt.def), &c); err != nil {
				t.Fatal(err)
			}
			o := c.ResultPath
			path, ok := o.Path()
			if o.IsSet() != tt.set || !reflect.DeepEqual(o.Value(), tt.value) || path != tt.path || ok != tt.pathOK {
				t.Errorf("IsSet %v, Value %v, Path %q %v", o.IsSet(), o.Value(), path, ok)
			}
		})
	}
	var c Catcher
	if err := json.Unmarshal([]byte(`{"ResultPath":5}`), &c); err == nil || !strings.Contains(err.Error(), "must be a string or null") {
		t.Errorf("a number as ResultPath: %v", err)
	}
}

func ptr(s string) *string { return &s }

func TestWalkWithoutOrderSortsNames(t *testing.T) {
	m := &Machine{States: map[string]*State{"B": {Type: TypeSucceed}, "A": {Type: TypePass}}}
	var got []string
	m.Walk(func(path, _ string, _ *State) { got = append(got, path) })
	if want := []string{"/States/A", "/States/B"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Walk visited %q, want %q", got, want)
	}
}
