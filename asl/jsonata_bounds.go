package asl

import (
	"fmt"
	"strconv"
	"strings"
)

// Bounds checked in an expression's source before it is compiled, so that
// validation reports them too.
const (
	// MaxJSONataRange is the most items a range written with literal bounds
	// ([1..n]) may produce. JSONata allows 10^7, which costs hundreds of MB
	// per evaluation; a state's payload is at most 256 KiB, so a larger
	// range can only be reduced ($count, $sum) and never passed on.
	MaxJSONataRange = 1_000_000
	// MaxJSONataNesting is how deeply an expression may nest brackets,
	// parentheses and braces: the parser recurses once per level.
	MaxJSONataNesting = 1000
)

// jsonataRangeError is a range past MaxJSONataRange. Validation lets it
// pass, as Step Functions accepts the definition: it fails the state that
// evaluates it, where a Catch can handle it.
type jsonataRangeError struct{ msg string }

func (e *jsonataRangeError) Error() string { return e.msg }

// checkJSONataSource enforces MaxJSONataRange and MaxJSONataNesting on an
// expression's text, skipping strings, quoted names and comments.
func checkJSONataSource(expr string) error {
	depth := 0
	for i := 0; i < len(expr); i++ {
		switch c := expr[i]; c {
		case '"', '\'', '`':
			i = skipQuoted(expr, i)
		case '/':
			if i+1 < len(expr) && expr[i+1] == '*' {
				end := strings.Index(expr[i+2:], "*/")
				if end < 0 {
					return nil // the parser reports the unterminated comment
				}
				i += end + 3
			}
		case '(', '[', '{':
			if depth++; depth > MaxJSONataNesting {
				return fmt.Errorf("the expression nests brackets more than %d deep", MaxJSONataNesting)
			}
		case ')', ']', '}':
			depth--
		case '.':
			if i+1 < len(expr) && expr[i+1] == '.' {
				if err := checkLiteralRange(expr[:i], expr[i+2:]); err != nil {
					return err
				}
				i++
			}
		}
	}
	return nil
}

// skipQuoted returns the index of the quote that closes the one at i.
func skipQuoted(s string, i int) int {
	q := s[i]
	for i++; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case q:
			return i
		}
	}
	return len(s)
}

// checkLiteralRange checks a range whose bounds, around "..", are both
// integer literals.
func checkLiteralRange(before, after string) error {
	before = strings.TrimRight(before, " \t\r\n")
	start := len(before)
	for start > 0 && before[start-1] >= '0' && before[start-1] <= '9' {
		start--
	}
	if start > 0 && before[start-1] == '-' {
		start--
	}
	// A name or a path right before the digits (a1..b) is no literal.
	if start > 0 && (isIdent(before[start-1]) || before[start-1] == '.' || before[start-1] == '$') {
		return nil
	}
	after = strings.TrimLeft(after, " \t\r\n")
	end := 0
	if end < len(after) && after[end] == '-' {
		end++
	}
	for end < len(after) && after[end] >= '0' && after[end] <= '9' {
		end++
	}
	if end < len(after) && (isIdent(after[end]) || after[end] == '.') {
		return nil
	}
	// Floats, so that no literal overflows: [0..99999999999999999999].
	lo, err1 := strconv.ParseFloat(before[start:], 64)
	hi, err2 := strconv.ParseFloat(after[:end], 64)
	if err1 != nil || err2 != nil || hi < lo {
		return nil
	}
	if n := hi - lo + 1; n > MaxJSONataRange {
		return &jsonataRangeError{fmt.Sprintf("the range %s..%s has %.0f items; the engine allows at most %d (MaxJSONataRange)", before[start:], after[:end], n, MaxJSONataRange)}
	}
	return nil
}
