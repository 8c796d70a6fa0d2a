package transform

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sfnkit/sfnkit/internal/jsonstring"
	"github.com/sfnkit/sfnkit/lambdas/objectstore"
	"github.com/sfnkit/sfnkit/workflows/etl/contract"
)

// Item is one object of a batch, as the Distributed Map's S3 ItemReader
// lists it.
type Item struct {
	Key  string `json:"Key"`
	Size int64  `json:"Size"`
	Etag string `json:"Etag,omitempty"`
}

// BatchInput is the batch-wide input the workflow's ItemBatcher adds.
type BatchInput struct {
	RunDate string `json:"runDate"`
	// RunID is the run's id (contract.RunID): the batch writes under
	// contract.RunPrefix, a place of the run's own.
	RunID string `json:"runId"`
}

// Batch is the Transform event: the ItemBatcher's {"Items", "BatchInput"}.
type Batch struct {
	Items      []Item     `json:"Items"`
	BatchInput BatchInput `json:"BatchInput"`
}

// Result is what Transform returns; the QualityGate totals them.
type Result struct {
	Objects         int    `json:"objects"`
	RowsIn          int64  `json:"rowsIn"`
	RowsCurated     int64  `json:"rowsCurated"`
	RowsQuarantined int64  `json:"rowsQuarantined"`
	CuratedKey      string `json:"curatedKey,omitempty"`
	QuarantineKey   string `json:"quarantineKey,omitempty"`
}

// InvalidBatch is a batch event the transform cannot act on; retrying it
// cannot help.
type InvalidBatch struct{ Reason string }

func (e *InvalidBatch) Error() string { return "invalid batch: " + e.Reason }

// StorageUnavailable is a transient failure reading or writing objects; the
// workflow retries the batch, whose outputs are written to the same keys.
type StorageUnavailable struct{ Cause error }

func (e *StorageUnavailable) Error() string { return "object storage unavailable: " + e.Cause.Error() }
func (e *StorageUnavailable) Unwrap() error { return e.Cause }

// maxRawSample is how much of a rejected line is kept in quarantine.
const maxRawSample = 4 << 10

var runDatePattern = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$`)

// Transformer is the Transform Lambda.
type Transformer struct {
	Schema     contract.Schema
	Raw        objectstore.Reader
	Curated    objectstore.Writer
	Quarantine objectstore.Writer
	// MaxLineBytes bounds a line. If zero, DefaultMaxLineBytes.
	MaxLineBytes int
}

// Handle transforms one batch. Data problems never fail it: they are
// quarantined. It fails only for an invalid event (*InvalidBatch) or when
// storage fails (*StorageUnavailable), and then writes nothing it would not
// write again identically on a retry.
func (t *Transformer) Handle(ctx context.Context, batch Batch) (Result, error) {
	if !runDatePattern.MatchString(batch.BatchInput.RunDate) {
		return Result{}, &InvalidBatch{Reason: fmt.Sprintf("BatchInput.runDate %.40q is not a YYYY-MM-DD date", batch.BatchInput.RunDate)}
	}
	if !contract.RunIDPattern.MatchString(batch.BatchInput.RunID) {
		return Result{}, &InvalidBatch{Reason: fmt.Sprintf("BatchInput.runId %.90q is not a run id (%s)", batch.BatchInput.RunID, contract.RunIDPattern)}
	}
	if len(batch.Items) == 0 || len(batch.Items) > contract.MaxBatchItems {
		return Result{}, &InvalidBatch{Reason: fmt.Sprintf("a batch holds 1 to %d items, got %d", contract.MaxBatchItems, len(batch.Items))}
	}
	keys := make([]string, len(batch.Items))
	for i, it := range batch.Items {
		if it.Key == "" || strings.HasSuffix(it.Key, "/") {
			return Result{}, &InvalidBatch{Reason: fmt.Sprintf("Items[%d].Key %q is not an object key", i, it.Key)}
		}
		keys[i] = it.Key
	}
	part := contract.RunPrefix(t.Schema.Name, batch.BatchInput.RunDate, batch.BatchInput.RunID) + partName(keys)
	out := &outputs{
		t:             t,
		ctx:           ctx,
		curatedKey:    part + ".jsonl.gz",
		quarantineKey: part + ".rejects.jsonl",
	}
	for _, it := range batch.Items {
		if err := t.processObject(ctx, it.Key, it.Size, out); err != nil {
			out.abort()
			return Result{}, err
		}
		out.result.Objects++
	}
	if err := out.close(); err != nil {
		return Result{}, &StorageUnavailable{Cause: err}
	}
	return out.result, nil
}

// partName names a batch's output after its keys, so a retried batch
// overwrites its own earlier output instead of adding to it. Another run
// writes under a prefix of its own, whatever the names of its objects.
func partName(keys []string) string {
	h := sha256.New()
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write([]byte{0})
	}
	return "part-" + hex.EncodeToString(h.Sum(nil)[:8])
}

// processObject streams one object into the outputs. size is the object's
// size as listed, or 0 if unknown.
func (t *Transformer) processObject(ctx context.Context, key string, size int64, out *outputs) error {
	rc, err := t.Raw.Open(ctx, key)
	if errors.Is(err, objectstore.ErrNotFound) {
		return out.quarantine(key, 0, "the object was listed but no longer exists")
	}
	if err != nil {
		return &StorageUnavailable{Cause: err}
	}
	defer rc.Close()

	counted := &countingReader{r: rc}
	body := bufio.NewReaderSize(counted, 64<<10)
	var r io.Reader = body
	name := key
	if magic, _ := body.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(body)
		if err != nil {
			return out.quarantine(key, 0, "the gzip header is corrupt: "+err.Error())
		}
		defer gz.Close()
		r = gz
		name = strings.TrimSuffix(name, ".gz")
	} else if strings.HasSuffix(name, ".gz") {
		return out.quarantine(key, 0, "the name ends in .gz but the content is not gzip")
	}

	lines := newLineReader(r, t.maxLine())
	var (
		parse func(l line) error
		csv   *csvObject
	)
	switch strings.ToLower(path.Ext(name)) {
	case ".csv":
		csv = &csvObject{schema: t.Schema, key: key, out: out}
		parse = csv.line
	case ".jsonl", ".ndjson", ".json":
		j := &jsonObject{schema: t.Schema, key: key, out: out}
		parse = j.line
	default:
		return out.quarantine(key, 0, fmt.Sprintf("unsupported format %q: name objects .csv or .jsonl, optionally .gz", path.Ext(name)))
	}
	for {
		l, err := lines.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return &StorageUnavailable{Cause: ctx.Err()}
			}
			if isCorruption(err, size == 0 || counted.n >= size) {
				// The rest starts after the last whole line; a long line
				// cut by the fault is part of it.
				from := lines.number + 1
				if l.number > 0 {
					from = l.number
				}
				return out.quarantine(key, from, fmt.Sprintf("the rest of the object from line %d cannot be read: %v", from, err))
			}
			return &StorageUnavailable{Cause: err}
		}
		switch {
		case csv != nil && csv.index == nil:
			// The first line is the header whatever is wrong with it: were
			// it quarantined as a row, the next line, a real row, would
			// become the header and vanish.
			csv.header(l, t.maxLine())
		case l.tooLong:
			err = out.quarantineLine(key, l, fmt.Sprintf("the line is longer than %d bytes", t.maxLine()))
		case !utf8.Valid(l.text):
			err = out.quarantineLine(key, l, fmt.Sprintf("the line is not valid UTF-8 (first bad byte at offset %d)", invalidUTF8At(l.text)))
		default:
			err = parse(l)
		}
		if err != nil {
			return err
		}
	}
}

// isCorruption tells compressed data that cannot be decoded from a failed
// read: only when every byte of the object arrived is a decoding error the
// data's fault rather than the connection's.
func isCorruption(err error, complete bool) bool {
	var corrupt flate.CorruptInputError
	switch {
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader), errors.As(err, &corrupt):
		return true
	case errors.Is(err, io.ErrUnexpectedEOF):
		return complete // a truncated stream, not a cut connection
	}
	return false
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (t *Transformer) maxLine() int {
	if t.MaxLineBytes > 0 {
		return t.MaxLineBytes
	}
	return DefaultMaxLineBytes
}

func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

// csvObject parses the lines of one CSV object; its first non-blank line is
// the header.
type csvObject struct {
	schema contract.Schema
	key    string
	out    *outputs
	// index maps schema column i to its field position, or -1.
	index     []int
	fields    int
	headerErr string
	scratch   [][]byte
}

func (c *csvObject) line(l line) error {
	if c.headerErr != "" {
		return c.out.quarantineLine(c.key, l, c.headerErr)
	}
	fields, err := splitCSV(c.scratch, l.text)
	c.scratch = fields
	if err != nil {
		return c.out.quarantineLine(c.key, l, "malformed CSV: "+err.Error())
	}
	if len(fields) != c.fields {
		return c.out.quarantineLine(c.key, l, fmt.Sprintf("the row has %d fields; the header has %d", len(fields), c.fields))
	}
	return c.out.row(c.key, l, func(i int) (string, bool) {
		if c.index[i] < 0 {
			return "", false
		}
		return string(fields[c.index[i]]), true
	})
}

// header reads the header line l. A header that cannot be read (longer than
// max, not UTF-8, malformed) is not a row: every row after it is
// quarantined with the header's fault as its reason, since no row can be
// matched to columns without it.
func (c *csvObject) header(l line, max int) {
	c.index = make([]int, len(c.schema.Columns))
	for i := range c.index {
		c.index[i] = -1
	}
	text := bytes.TrimPrefix(l.text, []byte("\xef\xbb\xbf")) // a UTF-8 byte-order mark
	switch {
	case l.tooLong:
		c.headerErr = fmt.Sprintf("the header line (line %d) is longer than %d bytes", l.number, max)
		return
	case !utf8.Valid(text):
		c.headerErr = fmt.Sprintf("the header line (line %d) is not valid UTF-8 (first bad byte at offset %d)", l.number, invalidUTF8At(text))
		return
	}
	names, err := splitCSV(nil, text)
	c.fields = len(names)
	if err != nil {
		c.headerErr = "the header line is malformed CSV: " + err.Error()
		return
	}
	seen := map[string]bool{}
	for pos, n := range names {
		name := strings.ToLower(strings.TrimSpace(string(n)))
		if seen[name] {
			c.headerErr = fmt.Sprintf("the header repeats column %q", name)
			return
		}
		seen[name] = true
		for i, col := range c.schema.Columns {
			if col.Name == name {
				c.index[i] = pos
			}
		}
	}
	var missing []string
	for i, col := range c.schema.Columns {
		if col.Required && c.index[i] < 0 {
			missing = append(missing, col.Name)
		}
	}
	if len(missing) > 0 {
		c.headerErr = "the header lacks required column(s) " + strings.Join(missing, ", ")
	}
}

// jsonObject parses the lines of one JSON Lines object.
type jsonObject struct {
	schema contract.Schema
	key    string
	out    *outputs
	// fields is reused from line to line: decoding into a cleared map
	// keeps its buckets.
	fields map[string]json.RawMessage
}

func (j *jsonObject) line(l line) error {
	if j.fields == nil {
		j.fields = make(map[string]json.RawMessage, len(j.schema.Columns)+4)
	}
	clear(j.fields)
	if err := json.Unmarshal(l.text, &j.fields); err != nil || j.fields == nil {
		return j.out.quarantineLine(j.key, l, "the line is not a JSON object")
	}
	fields := j.fields
	var typeErr string
	err := j.out.rowOrReject(j.key, l, func(i int) (string, bool) {
		raw, ok := fields[j.schema.Columns[i].Name]
		if !ok || string(raw) == "null" {
			return "", false
		}
		switch raw[0] {
		case '"':
			var s string
			if json.Unmarshal(raw, &s) != nil {
				typeErr = j.schema.Columns[i].Name + " is not a valid JSON string"
			}
			return s, true
		case '{', '[', 't', 'f':
			typeErr = j.schema.Columns[i].Name + " must be a string or a number"
			return "", true
		}
		return string(raw), true
	}, &typeErr)
	return err
}

// outputs writes a batch's curated and quarantined records, opening each
// output object on first use.
type outputs struct {
	t                         *Transformer
	ctx                       context.Context
	curatedKey, quarantineKey string
	result                    Result

	curated, quarantined io.WriteCloser
	curatedGzip          *gzip.Writer
	curatedBuf           *bufio.Writer
	rowBuf               []byte
	values               []value
}

func (o *outputs) row(key string, l line, get func(i int) (string, bool)) error {
	var none string
	return o.rowOrReject(key, l, get, &none)
}

// rowOrReject validates a row read through get and writes it to the
// curated output, or quarantines it with the first reason found. A reason
// the getter itself sets (a JSON type error) wins.
func (o *outputs) rowOrReject(key string, l line, get func(i int) (string, bool), getterErr *string) error {
	cols := o.t.Schema.Columns
	if cap(o.values) < len(cols) {
		o.values = make([]value, len(cols))
	}
	o.values = o.values[:len(cols)]
	for i, col := range cols {
		raw, present := get(i)
		if *getterErr != "" {
			return o.quarantineLine(key, l, *getterErr)
		}
		v, reason := normalize(col, raw, present)
		if reason != "" {
			return o.quarantineLine(key, l, reason)
		}
		o.values[i] = v
	}
	return o.writeCurated(key, l.number)
}

func (o *outputs) writeCurated(key string, lineNo int) error {
	if o.curated == nil {
		w, err := o.t.Curated.Create(o.ctx, o.curatedKey, "application/x-ndjson")
		if err != nil {
			return &StorageUnavailable{Cause: err}
		}
		o.curated = w
		o.curatedBuf = bufio.NewWriterSize(w, 256<<10)
		o.curatedGzip, _ = gzip.NewWriterLevel(o.curatedBuf, gzip.BestSpeed)
		o.result.CuratedKey = o.curatedKey
	}
	b := append(o.rowBuf[:0], '{')
	for i, col := range o.t.Schema.Columns {
		b = jsonstring.Append(b, col.Name)
		b = append(b, ':')
		switch v := o.values[i]; {
		case v.null:
			b = append(b, "null"...)
		case v.isNum:
			b = strconv.AppendInt(b, v.n, 10)
		default:
			b = jsonstring.Append(b, v.s)
		}
		b = append(b, ',')
	}
	b = jsonstring.Append(b, contract.ColumnSourceObject)
	b = append(b, ':')
	b = jsonstring.Append(b, key)
	b = append(b, ',')
	b = jsonstring.Append(b, contract.ColumnSourceLine)
	b = append(b, ':')
	b = strconv.AppendInt(b, int64(lineNo), 10)
	b = append(b, '}', '\n')
	o.rowBuf = b
	if _, err := o.curatedGzip.Write(b); err != nil {
		return &StorageUnavailable{Cause: err}
	}
	o.result.RowsIn++
	o.result.RowsCurated++
	return nil
}

// Rejection is one line of a quarantine object.
type Rejection struct {
	SourceObject string `json:"source_object"`
	Line         int    `json:"line"`
	Reason       string `json:"reason"`
	Raw          string `json:"raw,omitempty"`
	RawTruncated bool   `json:"raw_truncated,omitempty"`
}

// quarantineLine records a rejected line with its text.
func (o *outputs) quarantineLine(key string, l line, reason string) error {
	return o.reject(key, l.number, reason, l.text, l.tooLong)
}

// quarantine records a problem with an object rather than a line: a stretch
// that cannot be read counts as one record.
func (o *outputs) quarantine(key string, lineNo int, reason string) error {
	return o.reject(key, lineNo, reason, nil, false)
}

// reject writes one quarantine record; truncated says raw is only the
// beginning of the record.
func (o *outputs) reject(key string, lineNo int, reason string, raw []byte, truncated bool) error {
	if o.quarantined == nil {
		w, err := o.t.Quarantine.Create(o.ctx, o.quarantineKey, "application/x-ndjson")
		if err != nil {
			return &StorageUnavailable{Cause: err}
		}
		o.quarantined = w
		o.result.QuarantineKey = o.quarantineKey
	}
	rec := Rejection{SourceObject: key, Line: lineNo, Reason: reason, RawTruncated: truncated}
	if len(raw) > maxRawSample {
		raw, rec.RawTruncated = raw[:maxRawSample], true
	}
	rec.Raw = strings.ToValidUTF8(string(raw), "\uFFFD")
	b, _ := json.Marshal(rec)
	if _, err := o.quarantined.Write(append(b, '\n')); err != nil {
		return &StorageUnavailable{Cause: err}
	}
	o.result.RowsIn++
	o.result.RowsQuarantined++
	return nil
}

func (o *outputs) close() error {
	var errs []error
	if o.curated != nil {
		errs = append(errs, o.curatedGzip.Close(), o.curatedBuf.Flush(), o.curated.Close())
	}
	if o.quarantined != nil {
		errs = append(errs, o.quarantined.Close())
	}
	return errors.Join(errs...)
}

// abort releases the outputs after a failure; nothing partial is kept
// because the objects complete only on a successful close.
func (o *outputs) abort() {
	if a, ok := o.curated.(interface{ Abort() }); ok {
		a.Abort()
	}
	if a, ok := o.quarantined.(interface{ Abort() }); ok {
		a.Abort()
	}
}
