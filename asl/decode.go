package asl

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/sfnkit/sfnkit/internal/jsonstring"
)

// decodeJSON reads JSON into plain Go values (float64 numbers), as
// encoding/json decodes into an any. Every execution decodes its input,
// and encoding/json's reflection was a tenth of an execution's cost, so
// well-formed JSON is read by fastDecoder; anything it does not accept
// (malformed JSON, a string with escapes, a number out of range) is left
// to encoding/json, which gives the same value or the same error.
func decodeJSON(data []byte) (any, error) {
	v, _, err := decodeJSONSized(data)
	return v, err
}

// decodeJSONSized is decodeJSON and an upper bound on the value's
// encoded size (exact but for repeated keys), counted while decoding, or
// -1: an execution's first state need not measure its input again.
func decodeJSONSized(data []byte) (any, int, error) {
	d := fastDecoder{data: data, text: string(data)}
	if v, ok := d.value(); ok {
		d.space()
		if d.pos == len(data) {
			return v, d.size, nil
		}
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, -1, err
	}
	return v, -1, nil
}

// fastDecoder is a strict JSON reader for the common case. It reports
// false, never a wrong value, on what it does not handle.
type fastDecoder struct {
	data []byte
	// text is data as one string, made once: the strings a document
	// holds are slices of it, not an allocation each (a third of what
	// decoding an execution's input allocated). A string kept from the
	// document keeps the document's text alive, which is at most a
	// payload.
	text string
	// size is the encoding's size of what was read, as the engine
	// encodes it (see jsonLen).
	size  int
	pos   int
	depth int
}

// maxFastDepth bounds fastDecoder's recursion; deeper documents go to
// encoding/json, which has its own limit.
const maxFastDepth = 1000

func (d *fastDecoder) space() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *fastDecoder) value() (any, bool) {
	d.space()
	if d.pos >= len(d.data) {
		return nil, false
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object()
	case c == '[':
		return d.array()
	case c == '"':
		s, ok := d.str()
		return s, ok
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	default:
		return d.number()
	}
}

func (d *fastDecoder) literal(word string) bool {
	if len(d.data)-d.pos < len(word) || string(d.data[d.pos:d.pos+len(word)]) != word {
		return false
	}
	d.pos += len(word)
	d.size += len(word)
	return true
}

func (d *fastDecoder) object() (any, bool) {
	if d.depth++; d.depth > maxFastDepth {
		return nil, false
	}
	defer func() { d.depth-- }()
	d.pos++ // {
	d.size += 2
	m := map[string]any{}
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return m, true
	}
	for {
		d.space()
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return nil, false
		}
		k, ok := d.str()
		if !ok {
			return nil, false
		}
		d.space()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, false
		}
		d.pos++
		d.size++
		v, ok := d.value()
		if !ok {
			return nil, false
		}
		m[k] = v // a repeated key keeps its last value, as in encoding/json
		d.space()
		if d.pos >= len(d.data) {
			return nil, false
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
			d.size++
		case '}':
			d.pos++
			return m, true
		default:
			return nil, false
		}
	}
}

func (d *fastDecoder) array() (any, bool) {
	if d.depth++; d.depth > maxFastDepth {
		return nil, false
	}
	defer func() { d.depth-- }()
	d.pos++ // [
	d.size += 2
	a := []any{}
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return a, true
	}
	for {
		v, ok := d.value()
		if !ok {
			return nil, false
		}
		a = append(a, v)
		d.space()
		if d.pos >= len(d.data) {
			return nil, false
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
			d.size++
		case ']':
			d.pos++
			return a, true
		default:
			return nil, false
		}
	}
}

// str reads a string without escapes, valid UTF-8 and without control
// characters; encoding/json reads the others.
func (d *fastDecoder) str() (string, bool) {
	start := d.pos + 1
	ascii := true
	for i := start; i < len(d.data); i++ {
		switch c := d.data[i]; {
		case c == '"':
			if ascii {
				d.size += i - start + 2
			} else {
				if !utf8.Valid(d.data[start:i]) {
					return "", false
				}
				d.size += jsonstring.Len(d.text[start:i])
			}
			d.pos = i + 1
			return d.text[start:i], true
		case c == '\\' || c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return "", false
}

// number reads a number of JSON's grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *fastDecoder) number() (any, bool) {
	b, i := d.data, d.pos
	digits := func() bool {
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > start
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case !digits():
		return nil, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return nil, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return nil, false
		}
	}
	f, err := strconv.ParseFloat(string(b[d.pos:i]), 64)
	if err != nil {
		return nil, false
	}
	n, _ := jsonLen(f)
	d.pos, d.size = i, d.size+n
	return f, true
}
