// Package strictjson decodes one JSON document into a Go value the way the
// engine reads what a person wrote (a definition, a mock file): an unknown
// field or trailing data is an error, and every error is worded for that
// person ("field Seconds must be a number, not string"), not for a Go
// programmer.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Unmarshal decodes data into v, refusing unknown fields and anything after
// the value. embedded is the prefix encoding/json puts before the names of
// fields promoted from an embedded struct ("State."), which the message
// leaves out; pass "" when v embeds none.
func Unmarshal(data []byte, v any, embedded string) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return friendly(err, embedded)
	}
	if dec.More() {
		return errors.New("unexpected data after the object")
	}
	return nil
}

func friendly(err error, embedded string) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		field := strings.TrimPrefix(typeErr.Field, embedded)
		return fmt.Errorf("field %s must be %s, not %s", field, kind(typeErr.Type.Kind().String()), typeErr.Value)
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "json: unknown field ") {
		return fmt.Errorf("unknown field %s", strings.TrimPrefix(msg, "json: unknown field "))
	}
	return errors.New(strings.TrimPrefix(msg, "json: "))
}

// kind names a Go kind as JSON calls it.
func kind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "slice":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	}
	return "a number"
}
