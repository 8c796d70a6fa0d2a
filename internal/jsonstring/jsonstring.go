// Package jsonstring quotes strings as JSON, appending to a byte slice.
// encoding/json has no append form, and its reflective Marshal per string
// dominated the profiles of both the ASL engine's encoder and the ETL
// transform's row writer, which share this one implementation. The output
// is byte for byte what encoding/json writes with HTML escaping off.
package jsonstring

import "unicode/utf8"

const hexDigits = "0123456789abcdef"

// Append appends s to b as a JSON string: control characters, quotes and
// backslashes escaped, invalid UTF-8 replaced by \ufffd, and U+2028 and
// U+2029 escaped as encoding/json escapes them.
func Append(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// Len is len(Append(nil, s)), without building it. The engine measures
// every payload against Step Functions' size limit, so Len runs over most
// strings an execution holds: ASCII bytes are counted through a table,
// without a branch per kind of byte.
func Len(s string) int {
	n := 2 + len(s)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			n += int(asciiExtra[c])
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			n += 6 - size // \ufffd, \u2028, \u2029
		}
		i += size
	}
	return n
}

// asciiExtra is how many bytes Append adds to an ASCII byte: 1 for the
// escapes \" \\ \b \f \n \r \t, 5 for other control bytes (\u00XX).
var asciiExtra = func() (t [utf8.RuneSelf]uint8) {
	for c := range t {
		switch {
		case c == '"', c == '\\', c == '\b', c == '\f', c == '\n', c == '\r', c == '\t':
			t[c] = 1
		case c < 0x20:
			t[c] = 5
		}
	}
	return t
}()
