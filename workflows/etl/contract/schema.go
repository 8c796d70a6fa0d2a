package contract

import "regexp"

// Kind is a column's type.
type Kind int

// Column kinds. Their Glue types are given by Column.GlueType.
const (
	KindString Kind = iota
	KindInteger
	KindTimestamp
)

// Column declares one column of a Schema: its name and type, and the
// rules the Transform step checks every value against.
type Column struct {
	Name     string
	Kind     Kind
	Required bool
	// Pattern, if set, must match a KindString value after trimming.
	Pattern *regexp.Regexp
	// Upper upper-cases a KindString value before it is checked.
	Upper bool
	// Min and Max bound a KindInteger value (inclusive).
	Min, Max int64
	// MaxLength bounds a KindString value in bytes; zero means 256.
	MaxLength int
}

// GlueType is the column's type in the Glue Data Catalog.
func (c Column) GlueType() string {
	switch c.Kind {
	case KindInteger:
		return "bigint"
	case KindTimestamp:
		return "string" // ISO 8601 in UTC, which Athena's from_iso8601_timestamp reads
	}
	return "string"
}

// Schema is the declared shape of a dataset's rows. The Transform step
// validates rows against it and the ETL construct declares the Glue table
// from it, so the two cannot disagree.
type Schema struct {
	// Name is the dataset's name: the Glue table's name and the first
	// segment of its curated and quarantine keys.
	Name    string
	Columns []Column
}

// Lineage columns the Transform step adds to every curated row, after the
// schema's columns.
const (
	ColumnSourceObject = "source_object" // string: the raw object's key
	ColumnSourceLine   = "source_line"   // bigint: the row's line in it
)

// Sales is the dataset the shipped workflow loads: one row per sold line.
var Sales = Schema{
	Name: "sales",
	Columns: []Column{
		{Name: "order_id", Kind: KindString, Required: true, Pattern: regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)},
		{Name: "sku", Kind: KindString, Required: true, Pattern: regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)},
		{Name: "quantity", Kind: KindInteger, Required: true, Min: 1, Max: 10_000},
		{Name: "unit_price_cents", Kind: KindInteger, Required: true, Min: 0, Max: 100_000_000},
		{Name: "currency", Kind: KindString, Required: true, Upper: true, Pattern: regexp.MustCompile(`^[A-Z]{3}$`)},
		{Name: "sold_at", Kind: KindTimestamp, Required: true},
		{Name: "store_id", Kind: KindString, Required: false, Pattern: regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)},
	},
}

// MaxBatchItems bounds a Transform batch: the Transform step refuses a
// larger one, and the construct's ItemBatcher stays at or below it.
const MaxBatchItems = 1000

// Run ledger statuses. StartRun claims a date LedgerRunning; the state
// machine's FinishRun and MarkRunFailed states record the outcome.
const (
	LedgerRunning   = "RUNNING"
	LedgerSucceeded = "SUCCEEDED"
	LedgerFailed    = "FAILED"
)
