package asl

import (
	"strconv"
	"strings"

	"github.com/sfnkit/sfnkit/internal/jsonstring"
)

// directExpr is a JSONata expression the engine evaluates without gnata:
// the shapes workflows write most, which only read $states and build
// objects from what they read. The order workflow's Output,
//
//	$merge([$states.input, {"order": $merge([$states.input.order, {...}]), "payment": $states.result}])
//
// was a third of an execution's time through gnata, most of it building
// and normalizing maps the engine then copied again.
//
// The grammar is
//
//	expr   = path | object | merge | literal
//	path   = "$states" ("." name)+
//	object = "{" [string ":" expr ("," string ":" expr)*] "}"
//	merge  = "$merge" "(" "[" expr ("," expr)* "]" ")"
//
// with string, number and boolean literals; any other expression is not
// direct. Where JSONata would do more than look names up and copy keys
// (an array on a path, which it maps over; null or nothing, which
// objects drop; a $merge of something other than objects), eval reports
// false and gnata evaluates the whole expression, so the two never
// disagree (TestDirectJSONataAgreesWithGnata).
type directExpr struct {
	kind    directKind
	literal any          // directLiteral
	names   []string     // directPath: the names after $states
	keys    []string     // directObject
	elems   []directExpr // directObject's values, directMerge's objects
}

type directKind uint8

const (
	directLiteral directKind = iota
	directPath
	directObject
	directMerge
)

// eval evaluates d, or reports false where gnata must. Its values share
// the state's data: nothing in the engine modifies a value in place.
func (d *directExpr) eval(s *scope) (any, bool) {
	switch d.kind {
	case directLiteral:
		return d.literal, true
	case directPath:
		return s.readStatesPath(d.names)
	case directObject:
		out := make(map[string]any, len(d.keys))
		for i := range d.elems {
			v, ok := d.elems[i].eval(s)
			if !ok {
				return nil, false
			}
			out[d.keys[i]] = v
		}
		return out, true
	}
	if _, shadowed := s.vars.get("merge"); shadowed {
		return nil, false // a variable named merge: gnata decides what $merge is
	}
	objects := make([]map[string]any, len(d.elems))
	size := 0
	for i := range d.elems {
		v, ok := d.elems[i].eval(s)
		m, isObject := v.(map[string]any)
		if !ok || !isObject {
			return nil, false
		}
		objects[i], size = m, size+len(m)
	}
	out := make(map[string]any, size)
	for _, m := range objects {
		for k, v := range m {
			out[k] = v
		}
	}
	return out, true
}

// bound is an upper bound on the encoded size of what eval gave, from
// sizes the frame already knows, or -1: $states.input is within the
// state's input, whose size runState knows; $states.result is the task
// result taskResult measured; an object is at most its keys and its
// values' bounds; a $merge is at most its objects together. runState
// measures exactly where a bound passes the payload limit.
func (d *directExpr) bound(s *scope) int {
	switch d.kind {
	case directLiteral:
		n, _ := jsonLen(d.literal)
		return n
	case directPath:
		if s.lazy == nil {
			return -1
		}
		f := s.lazy.f
		switch d.names[0] {
		case "input":
			// A part of the input is no larger than it, when this is the
			// input whose size runState noted.
			if f.stateInputLen > 0 && sameValue(s.states["input"], f.stateInput) {
				return f.stateInputLen
			}
		case "result":
			if f.measuredLen > 0 && sameValue(s.states["result"], f.measured) {
				return f.measuredLen
			}
		}
		return -1
	case directObject:
		n := 2 + max(len(d.keys)-1, 0)
		for i, k := range d.keys {
			b := d.elems[i].bound(s)
			if b < 0 {
				return -1
			}
			n += jsonstring.Len(k) + 1 + b
		}
		return n
	}
	n := 0
	for i := range d.elems {
		b := d.elems[i].bound(s)
		if b < 0 {
			return -1
		}
		n += b
	}
	return n
}

// parseDirect returns expr as a directExpr, or nil if it is not one.
func parseDirect(expr string) *directExpr {
	p := directParser{src: expr}
	d, ok := p.expr()
	if !ok || p.skipSpace() != len(p.src) {
		return nil
	}
	return &d
}

// directParser reads the grammar of directExpr; every method reports
// false at the first thing outside it.
type directParser struct {
	src string
	at  int
}

func (p *directParser) skipSpace() int {
	for p.at < len(p.src) && strings.IndexByte(" \t\r\n", p.src[p.at]) >= 0 {
		p.at++
	}
	return p.at
}

// eat consumes tok, after any space, if it is next.
func (p *directParser) eat(tok string) bool {
	p.skipSpace()
	if strings.HasPrefix(p.src[p.at:], tok) {
		p.at += len(tok)
		return true
	}
	return false
}

func (p *directParser) expr() (directExpr, bool) {
	p.skipSpace()
	if p.at >= len(p.src) {
		return directExpr{}, false
	}
	switch c := p.src[p.at]; {
	case c == '{':
		return p.object()
	case c == '$':
		p.at++
		name := p.name()
		if name == "merge" {
			return p.merge()
		}
		if name != "states" {
			return directExpr{}, false
		}
		d := directExpr{kind: directPath}
		for p.at < len(p.src) && p.src[p.at] == '.' {
			p.at++
			n := p.name()
			if n == "" || n == "true" || n == "false" || n == "null" { // JSONata reads these as values, not names
				return directExpr{}, false
			}
			d.names = append(d.names, n)
		}
		return d, len(d.names) > 0
	case c == '"' || c == '\'':
		s, ok := p.str()
		return directExpr{kind: directLiteral, literal: s}, ok
	default:
		return p.scalar()
	}
}

// name reads a name of letters, digits and underscores that does not
// start with a digit; a name JSONata reads differently (a backquoted
// one, or one with other characters) ends the direct grammar.
func (p *directParser) name() string {
	start := p.at
	for p.at < len(p.src) {
		c := p.src[p.at]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || p.at > start && c >= '0' && c <= '9' {
			p.at++
			continue
		}
		break
	}
	return p.src[start:p.at]
}

// str reads a quoted string without escapes.
func (p *directParser) str() (string, bool) {
	quote := p.src[p.at]
	end := strings.IndexByte(p.src[p.at+1:], quote)
	if end < 0 {
		return "", false
	}
	s := p.src[p.at+1 : p.at+1+end]
	if strings.IndexByte(s, '\\') >= 0 {
		return "", false
	}
	p.at += end + 2
	return s, true
}

// scalar reads true, false or a JSON number.
func (p *directParser) scalar() (directExpr, bool) {
	start := p.at
	for p.at < len(p.src) && strings.IndexByte("0123456789.eE+-truefalsTRUEFALS", p.src[p.at]) >= 0 {
		p.at++
	}
	switch word := p.src[start:p.at]; word {
	case "true", "false":
		return directExpr{kind: directLiteral, literal: word == "true"}, true
	case "":
		return directExpr{}, false
	default:
		if !isJSONNumber(word) {
			return directExpr{}, false
		}
		f, err := strconv.ParseFloat(word, 64)
		return directExpr{kind: directLiteral, literal: f}, err == nil
	}
}

// isJSONNumber is JSON's number grammar, which JSONata's number literals
// share (a leading minus is JSONata's negation, left to gnata).
func isJSONNumber(s string) bool {
	i := 0
	digits := func() bool {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i > start
	}
	if i < len(s) && s[i] == '0' {
		i++
	} else if !digits() {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	return i == len(s)
}

func (p *directParser) object() (directExpr, bool) {
	p.at++ // {
	d := directExpr{kind: directObject}
	if p.eat("}") {
		return d, true
	}
	for {
		p.skipSpace()
		if p.at >= len(p.src) || p.src[p.at] != '"' && p.src[p.at] != '\'' {
			return directExpr{}, false
		}
		key, ok := p.str()
		if !ok || !p.eat(":") {
			return directExpr{}, false
		}
		for _, k := range d.keys {
			if k == key { // JSONata's D1009, which gnata reports
				return directExpr{}, false
			}
		}
		v, ok := p.expr()
		if !ok {
			return directExpr{}, false
		}
		d.keys, d.elems = append(d.keys, key), append(d.elems, v)
		if p.eat("}") {
			return d, true
		}
		if !p.eat(",") {
			return directExpr{}, false
		}
	}
}

func (p *directParser) merge() (directExpr, bool) {
	if !p.eat("(") || !p.eat("[") {
		return directExpr{}, false
	}
	d := directExpr{kind: directMerge}
	for {
		v, ok := p.expr()
		if !ok {
			return directExpr{}, false
		}
		d.elems = append(d.elems, v)
		if p.eat("]") {
			return d, p.eat(")")
		}
		if !p.eat(",") {
			return directExpr{}, false
		}
	}
}
