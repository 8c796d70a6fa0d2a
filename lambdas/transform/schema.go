// Package transform is the ETL workflow's Transform step: it reads a batch of
// raw CSV or JSON Lines objects (optionally gzip-compressed), validates every
// row against the schema the workflow's contract declares (contract.Sales),
// writes the normalized rows as curated JSON Lines under the run's own
// prefix of the run date's partition (contract.RunPrefix), and writes every
// rejected row, with its reason, to the same prefix of the quarantine bucket.
//
// It streams: memory stays constant in the size of an object, and a line is
// never held beyond MaxLineBytes. No row vanishes: each delimited record is
// counted either curated or quarantined, and a stretch of an object that
// cannot be read at all (corrupt compression, an unsupported format) is
// quarantined as one record saying why and where.
package transform

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sfnkit/sfnkit/workflows/etl/contract"
)

// timestampLayouts are the forms a KindTimestamp value may arrive in; a value
// without a zone is taken as UTC.
var timestampLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04:05Z07:00"}

// value is a normalized cell: a string, or an int64 for KindInteger columns.
type value struct {
	s     string
	n     int64
	isNum bool
	null  bool
}

// normalize checks raw against the column c and returns its normalized value,
// or the reason it is rejected. present is false when the field is absent.
func normalize(c contract.Column, raw string, present bool) (value, string) {
	raw = strings.TrimSpace(raw)
	if !present || raw == "" {
		if c.Required {
			return value{}, c.Name + " is required"
		}
		return value{null: true}, ""
	}
	switch c.Kind {
	case contract.KindInteger:
		n, ok, inRange := parseDecimalInteger(raw)
		if !ok {
			return value{}, fmt.Sprintf("%s %s is not a decimal integer", c.Name, clip(raw))
		}
		if !inRange {
			return value{}, fmt.Sprintf("%s %s is outside %d..%d", c.Name, clip(raw), c.Min, c.Max)
		}
		if n < c.Min || n > c.Max {
			return value{}, fmt.Sprintf("%s %d is outside %d..%d", c.Name, n, c.Min, c.Max)
		}
		return value{n: n, isNum: true}, ""
	case contract.KindTimestamp:
		for _, layout := range timestampLayouts {
			if t, err := time.Parse(layout, raw); err == nil {
				return value{s: t.UTC().Format(time.RFC3339)}, ""
			}
		}
		return value{}, fmt.Sprintf("%s %s is not an ISO 8601 timestamp", c.Name, clip(raw))
	}
	if c.Upper {
		raw = strings.ToUpper(raw)
	}
	max := c.MaxLength
	if max == 0 {
		max = 256
	}
	if len(raw) > max {
		return value{}, fmt.Sprintf("%s is %d bytes; at most %d are allowed", c.Name, len(raw), max)
	}
	if !utf8.ValidString(raw) {
		return value{}, c.Name + " is not valid UTF-8"
	}
	if c.Pattern != nil && !c.Pattern.MatchString(raw) {
		return value{}, fmt.Sprintf("%s %s does not match %s", c.Name, clip(raw), c.Pattern)
	}
	return value{s: raw}, ""
}

// parseDecimalInteger reads an optionally signed run of decimal digits,
// optionally followed by a point and zeros: JSON writes 3 as 3, but a
// spreadsheet export may write 3.0. Anything strconv would also take (hex,
// binary, underscores, exponents, Inf) is not a decimal integer: "0x1p3"
// must not load as 8, nor "1_0" as 10. inRange is false when the digits do
// not fit an int64.
func parseDecimalInteger(s string) (n int64, ok, inRange bool) {
	sign := ""
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		sign, s = s[:1], s[1:]
	}
	if dot := strings.IndexByte(s, '.'); dot >= 0 {
		if strings.Trim(s[dot+1:], "0") != "" {
			return 0, false, false
		}
		s = s[:dot]
	}
	if s == "" {
		return 0, false, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false, false
		}
	}
	n, err := strconv.ParseInt(sign+s, 10, 64)
	return n, true, err == nil
}

// clip quotes a value for a reason, shortened.
func clip(s string) string {
	const max = 40
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "") + "…"
	}
	return strconv.Quote(s)
}
