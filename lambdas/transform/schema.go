// Package transform is the ETL workflow's Transform step: it reads a batch of
// raw CSV or JSON Lines objects (optionally gzip-compressed), validates every
// row against a declared Schema, writes the normalized rows as curated JSON
// Lines partitioned by run date, and writes every rejected row, with its
// reason, to a quarantine prefix.
//
// It streams: memory stays constant in the size of an object, and a line is
// never held beyond MaxLineBytes. No row vanishes: each delimited record is
// counted either curated or quarantined, and a stretch of an object that
// cannot be read at all (corrupt compression, an unsupported format) is
// quarantined as one record saying why and where.
package transform

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind is a column's type.
type Kind int

// Column kinds. Their Glue types are given by GlueType.
const (
	String Kind = iota
	Integer
	Timestamp
)

// Column declares one column of a Schema.
type Column struct {
	Name     string
	Kind     Kind
	Required bool
	// Pattern, if set, must match a String after trimming.
	Pattern *regexp.Regexp
	// Upper upper-cases a String before it is checked.
	Upper bool
	// Min and Max bound an Integer (inclusive).
	Min, Max int64
	// MaxLength bounds a String in bytes; zero means 256.
	MaxLength int
}

// GlueType is the column's type in the Glue Data Catalog.
func (c Column) GlueType() string {
	switch c.Kind {
	case Integer:
		return "bigint"
	case Timestamp:
		return "string" // ISO 8601 in UTC, which Athena's from_iso8601_timestamp reads
	}
	return "string"
}

// Schema is the declared shape of a dataset's rows.
type Schema struct {
	// Name is the dataset's name, used in curated and quarantine keys.
	Name    string
	Columns []Column
}

// Lineage columns added to every curated row.
const (
	ColumnSourceObject = "source_object"
	ColumnSourceLine   = "source_line"
)

// Sales is the dataset the shipped workflow loads: one row per sold line.
var Sales = Schema{
	Name: "sales",
	Columns: []Column{
		{Name: "order_id", Kind: String, Required: true, Pattern: regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)},
		{Name: "sku", Kind: String, Required: true, Pattern: regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)},
		{Name: "quantity", Kind: Integer, Required: true, Min: 1, Max: 10_000},
		{Name: "unit_price_cents", Kind: Integer, Required: true, Min: 0, Max: 100_000_000},
		{Name: "currency", Kind: String, Required: true, Upper: true, Pattern: regexp.MustCompile(`^[A-Z]{3}$`)},
		{Name: "sold_at", Kind: Timestamp, Required: true},
		{Name: "store_id", Kind: String, Required: false, Pattern: regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)},
	},
}

// timestampLayouts are the forms a Timestamp may arrive in; a value
// without a zone is taken as UTC.
var timestampLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04:05Z07:00"}

// value is a normalized cell: a string, or an int64 for Integer columns.
type value struct {
	s     string
	n     int64
	isNum bool
	null  bool
}

// normalize checks raw against the column and returns its normalized value,
// or the reason it is rejected. present is false when the field is absent.
func (c Column) normalize(raw string, present bool) (value, string) {
	raw = strings.TrimSpace(raw)
	if !present || raw == "" {
		if c.Required {
			return value{}, c.Name + " is required"
		}
		return value{null: true}, ""
	}
	switch c.Kind {
	case Integer:
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			// JSON writes 3 as 3 but a spreadsheet export may write 3.0.
			f, ferr := strconv.ParseFloat(raw, 64)
			if ferr != nil || f != float64(int64(f)) {
				return value{}, fmt.Sprintf("%s %s is not an integer", c.Name, clip(raw))
			}
			n = int64(f)
		}
		if n < c.Min || n > c.Max {
			return value{}, fmt.Sprintf("%s %d is outside %d..%d", c.Name, n, c.Min, c.Max)
		}
		return value{n: n, isNum: true}, ""
	case Timestamp:
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

// clip quotes a value for a reason, shortened.
func clip(s string) string {
	const max = 40
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "") + "…"
	}
	return strconv.Quote(s)
}
