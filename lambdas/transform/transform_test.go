package transform

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/lambdas/objectstore"
	"github.com/sfnkit/sfnkit/workflows/etl/contract"
)

const header = "order_id,sku,quantity,unit_price_cents,currency,sold_at,store_id\n"

func goodCSVRow(i int) string {
	return fmt.Sprintf("ord-%d,SKU-%d,%d,%d,usd,2026-11-21T10:%02d:00+01:00,store-%d\n", i, i%50, 1+i%5, 100+i, i%60, i%7)
}

func gz(t testing.TB, data string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(data))
	w.Close()
	return b.Bytes()
}

type fixture struct {
	raw, curated, quarantine *objectstore.Memory
	tr                       *Transformer
}

func newFixture() *fixture {
	f := &fixture{raw: &objectstore.Memory{}, curated: &objectstore.Memory{}, quarantine: &objectstore.Memory{}}
	f.tr = &Transformer{Schema: contract.Sales, Raw: f.raw, Curated: f.curated, Quarantine: f.quarantine}
	return f
}

func (f *fixture) run(t testing.TB, keys ...string) Result {
	t.Helper()
	res, err := f.tr.Handle(context.Background(), f.batch(keys...))
	if err != nil {
		t.Fatalf("Handle: %v", err)
	}
	f.checkAccounting(t, res)
	return res
}

func (f *fixture) batch(keys ...string) Batch {
	b := Batch{BatchInput: BatchInput{RunDate: "2026-11-21", RunID: "run-1"}}
	for _, k := range keys {
		data, _ := f.raw.Get(k)
		b.Items = append(b.Items, Item{Key: k, Size: int64(len(data))})
	}
	return b
}

// checkAccounting proves that no row vanished: the counts add up, and the
// output objects hold exactly as many records as the counts say.
func (f *fixture) checkAccounting(t testing.TB, res Result) {
	t.Helper()
	if res.RowsIn != res.RowsCurated+res.RowsQuarantined {
		t.Fatalf("rows in %d != curated %d + quarantined %d", res.RowsIn, res.RowsCurated, res.RowsQuarantined)
	}
	if got := int64(len(f.curatedRows(t, res))); got != res.RowsCurated {
		t.Fatalf("curated output holds %d rows, result says %d", got, res.RowsCurated)
	}
	if got := int64(len(f.rejections(t, res))); got != res.RowsQuarantined {
		t.Fatalf("quarantine holds %d rows, result says %d", got, res.RowsQuarantined)
	}
}

func (f *fixture) curatedRows(t testing.TB, res Result) []map[string]any {
	t.Helper()
	if res.CuratedKey == "" {
		return nil
	}
	data, ok := f.curated.Get(res.CuratedKey)
	if !ok {
		t.Fatalf("curated object %s missing", res.CuratedKey)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		var row map[string]any
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatalf("curated line is not JSON: %v: %s", err, sc.Text())
		}
		rows = append(rows, row)
	}
	return rows
}

func (f *fixture) rejections(t testing.TB, res Result) []Rejection {
	t.Helper()
	if res.QuarantineKey == "" {
		return nil
	}
	data, _ := f.quarantine.Get(res.QuarantineKey)
	var out []Rejection
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var r Rejection
		if err := dec.Decode(&r); errors.Is(err, io.EOF) {
			return out
		} else if err != nil {
			t.Fatalf("quarantine line is not JSON: %v", err)
		}
		if r.Reason == "" || r.SourceObject == "" {
			t.Fatalf("rejection without reason or source: %+v", r)
		}
		out = append(out, r)
	}
}

func TestCSVRowsAreNormalized(t *testing.T) {
	f := newFixture()
	f.raw.Put("raw/2026-11-21/a.csv", []byte(header+goodCSVRow(1)+goodCSVRow(2)))
	res := f.run(t, "raw/2026-11-21/a.csv")
	if res.RowsCurated != 2 || res.RowsQuarantined != 0 || res.Objects != 1 {
		t.Fatalf("result = %+v", res)
	}
	if !strings.HasPrefix(res.CuratedKey, "sales/run_date=2026-11-21/run=run-1/part-") {
		t.Errorf("curated key %s is not under the run date's partition and the run's own prefix", res.CuratedKey)
	}
	row := f.curatedRows(t, res)[0]
	want := map[string]any{
		"order_id": "ord-1", "sku": "SKU-1", "quantity": 2.0, "unit_price_cents": 101.0, "currency": "USD",
		"sold_at": "2026-11-21T09:01:00Z", "store_id": "store-1", "source_object": "raw/2026-11-21/a.csv", "source_line": 2.0,
	}
	for k, v := range want {
		if row[k] != v {
			t.Errorf("%s = %v, want %v", k, row[k], v)
		}
	}
}

func TestJSONLinesWithNullsAndNumbersAsStrings(t *testing.T) {
	f := newFixture()
	f.raw.Put("a.jsonl", []byte(`{"order_id":"o1","sku":"A","quantity":"3","unit_price_cents":250,"currency":"EUR","sold_at":"2026-11-21 08:00:00","store_id":null}
{"order_id":"o2","sku":"B","quantity":1.0,"unit_price_cents":0,"currency":"eur","sold_at":"2026-11-21T08:00:00Z","extra":"ignored"}
`))
	res := f.run(t, "a.jsonl")
	if res.RowsCurated != 2 {
		t.Fatalf("result = %+v, rejections %+v", res, f.rejections(t, res))
	}
	rows := f.curatedRows(t, res)
	if rows[0]["quantity"] != 3.0 || rows[0]["store_id"] != nil || rows[1]["currency"] != "EUR" {
		t.Errorf("rows = %v", rows)
	}
}

// TestMalformedInput covers every malformed input the issue lists; each is
// quarantined with a reason and counted, never a failed batch.
func TestMalformedInput(t *testing.T) {
	longLine := "ord-9,SKU-9,1,1,USD,2026-11-21T00:00:00Z," + strings.Repeat("x", 3000) + "\n"
	corrupt := gz(t, header+goodCSVRow(1)+goodCSVRow(2)+goodCSVRow(3))
	corrupt = append(corrupt[:len(corrupt)-12:len(corrupt)-12], bytes.Repeat([]byte{0xff}, 12)...)
	truncated := gz(t, header+strings.Repeat(goodCSVRow(4), 200))
	truncated = truncated[:len(truncated)/2]

	tests := []struct {
		name                 string
		key                  string
		data                 []byte
		curated, quarantined int64
		reason               string // a reason some rejection gives
	}{
		{"empty object", "empty.csv", nil, 0, 0, ""},
		{"header only", "header.csv", []byte(header), 0, 0, ""},
		{"header only with CRLF and BOM", "bom.csv", []byte("\xef\xbb\xbf" + strings.ReplaceAll(header, "\n", "\r\n")), 0, 0, ""},
		{"blank lines are not rows", "blank.csv", []byte(header + "\n  \n" + goodCSVRow(1) + "\r\n\n"), 1, 0, ""},
		{"invalid UTF-8", "utf8.csv", []byte(header + goodCSVRow(1) + "ord-2,SKU-\xff,1,1,USD,2026-11-21T00:00:00Z,s\n"), 1, 1, "not valid UTF-8 (first bad byte at offset 10)"},
		{"ragged rows", "ragged.csv", []byte(header + "ord-1,SKU-1,1\n" + goodCSVRow(2) + "a,b,1,1,USD,2026-11-21T00:00:00Z,s,extra\n"), 1, 2, "the row has 3 fields; the header has 7"},
		{"unterminated quote", "quote.csv", []byte(header + "\"ord-1,SKU-1,1,1,USD,2026-11-21T00:00:00Z,s\n"), 0, 1, "a quoted field is not closed"},
		{"quoted fields", "quoted.csv", []byte(header + "\"ord-1\",\"SKU-1\",\"1\",\"1\",\"USD\",\"2026-11-21T00:00:00Z\",\"\"\n"), 1, 0, ""},
		{"huge line", "long.csv", []byte(header + goodCSVRow(1) + longLine + goodCSVRow(2)), 2, 1, "longer than 1024 bytes"},
		{"gzip CSV", "data.csv.gz", gz(t, header+goodCSVRow(1)+goodCSVRow(2)), 2, 0, ""},
		{"gzip JSON Lines", "data.jsonl.gz", gz(t, `{"order_id":"o","sku":"S","quantity":1,"unit_price_cents":1,"currency":"USD","sold_at":"2026-11-21T00:00:00Z"}`+"\n"), 1, 0, ""},
		{"corrupt gzip", "corrupt.csv.gz", corrupt, 3, 1, "cannot be read"},
		{"truncated gzip", "cut.csv.gz", truncated, -1, 1, "cannot be read"},
		{".gz that is not gzip", "fake.csv.gz", []byte(header + goodCSVRow(1)), 0, 1, "not gzip"},
		{"unsupported format", "data.xml", []byte("<rows/>"), 0, 1, `unsupported format ".xml"`},
		{"missing required column", "cols.csv", []byte("order_id,sku\nord-1,S\nord-2,S\n"), 0, 2, "lacks required column(s) quantity, unit_price_cents, currency, sold_at"},
		{"repeated column", "dup.csv", []byte("order_id,order_id\na,b\n"), 0, 1, `repeats column "order_id"`},
		{"bad values", "values.csv", []byte(header +
			"ord-1,SKU-1,0,1,USD,2026-11-21T00:00:00Z,s\n" +
			"ord-2,SKU-1,1,-5,USD,2026-11-21T00:00:00Z,s\n" +
			"ord-3,SKU-1,1,1,US,2026-11-21T00:00:00Z,s\n" +
			"ord-4,SKU-1,1,1,USD,yesterday,s\n" +
			"ord-5,SKU-1,1.5,1,USD,2026-11-21T00:00:00Z,s\n" +
			",SKU-1,1,1,USD,2026-11-21T00:00:00Z,s\n"), 0, 6, "quantity 0 is outside 1..10000"},
		{"JSON that is not an object", "bad.jsonl", []byte("[1,2]\nnull\n\"text\"\n{\n"), 0, 4, "not a JSON object"},
		{"JSON wrong types", "types.jsonl", []byte(`{"order_id":{"$ne":1},"sku":"S","quantity":1,"unit_price_cents":1,"currency":"USD","sold_at":"2026-11-21T00:00:00Z"}` + "\n" +
			`{"order_id":"o","sku":"S","quantity":true,"unit_price_cents":1,"currency":"USD","sold_at":"2026-11-21T00:00:00Z"}` + "\n"), 0, 2, "order_id must be a string or a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture()
			f.tr.MaxLineBytes = 1024
			f.raw.Put(tt.key, tt.data)
			res := f.run(t, tt.key)
			if (tt.curated >= 0 && res.RowsCurated != tt.curated) || res.RowsQuarantined != tt.quarantined {
				t.Errorf("curated %d, quarantined %d; want %d, %d (rejections %+v)", res.RowsCurated, res.RowsQuarantined, tt.curated, tt.quarantined, f.rejections(t, res))
			}
			if tt.reason != "" {
				found := false
				for _, r := range f.rejections(t, res) {
					found = found || strings.Contains(r.Reason, tt.reason)
				}
				if !found {
					t.Errorf("no rejection says %q: %+v", tt.reason, f.rejections(t, res))
				}
			}
		})
	}
}

func TestHugeLineIsNeverHeldWhole(t *testing.T) {
	f := newFixture()
	big := header + goodCSVRow(1) + "ord-2," + strings.Repeat("y", 8<<20) + "\n" + goodCSVRow(3)
	f.raw.Put("big.csv", []byte(big))
	res := f.run(t, "big.csv")
	if res.RowsCurated != 2 || res.RowsQuarantined != 1 {
		t.Fatalf("result = %+v", res)
	}
	r := f.rejections(t, res)[0]
	if !r.RawTruncated || len(r.Raw) > maxRawSample || r.Line != 3 {
		t.Errorf("rejection keeps %d bytes, truncated %v, line %d", len(r.Raw), r.RawTruncated, r.Line)
	}
}

func TestBatchOfManyObjectsAndMissingObject(t *testing.T) {
	f := newFixture()
	f.raw.Put("a.csv", []byte(header+goodCSVRow(1)))
	f.raw.Put("b.jsonl", []byte(`{"order_id":"o","sku":"S","quantity":1,"unit_price_cents":1,"currency":"USD","sold_at":"2026-11-21T00:00:00Z"}`+"\n"))
	b := f.batch("a.csv", "b.jsonl")
	b.Items = append(b.Items, Item{Key: "deleted.csv", Size: 10})
	res, err := f.tr.Handle(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	f.checkAccounting(t, res)
	if res.Objects != 3 || res.RowsCurated != 2 || res.RowsQuarantined != 1 {
		t.Errorf("result = %+v", res)
	}
}

// TestRunsWriteApart: a rerun whose raw objects have other names wrote new
// parts beside the failed run's in the same partition. Each run writes
// under its own prefix.
func TestRunsWriteApart(t *testing.T) {
	f := newFixture()
	f.raw.Put("first.csv", []byte(header+goodCSVRow(1)))
	f.raw.Put("second.csv", []byte(header+goodCSVRow(1)))
	first, err := f.tr.Handle(context.Background(), Batch{Items: []Item{{Key: "first.csv"}}, BatchInput: BatchInput{RunDate: "2026-11-21", RunID: "run-1"}})
	if err != nil {
		t.Fatal(err)
	}
	second, err := f.tr.Handle(context.Background(), Batch{Items: []Item{{Key: "second.csv"}}, BatchInput: BatchInput{RunDate: "2026-11-21", RunID: "run-2"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(first.CuratedKey, "sales/run_date=2026-11-21/run=run-1/") || !strings.HasPrefix(second.CuratedKey, "sales/run_date=2026-11-21/run=run-2/") {
		t.Errorf("curated keys %s and %s; want each under its run's prefix", first.CuratedKey, second.CuratedKey)
	}
}

func TestRetryOverwritesTheSameOutputs(t *testing.T) {
	f := newFixture()
	f.raw.Put("a.csv", []byte(header+goodCSVRow(1)+"bad\n"))
	first := f.run(t, "a.csv")
	second := f.run(t, "a.csv")
	if first != second || len(f.curated.Keys()) != 1 || len(f.quarantine.Keys()) != 1 {
		t.Errorf("a retry wrote new objects: %v %v", f.curated.Keys(), f.quarantine.Keys())
	}
}

// failingSource fails every read with a transient error.
type failingSource struct{}

func (failingSource) Open(context.Context, string) (io.ReadCloser, error) {
	return nil, errors.New("503 Slow Down")
}

// cutSource delivers half an object, then the connection drops.
type cutSource struct{ data []byte }

func (c cutSource) Open(context.Context, string) (io.ReadCloser, error) {
	return io.NopCloser(io.MultiReader(bytes.NewReader(c.data[:len(c.data)/2]), errReader{io.ErrUnexpectedEOF})), nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestStorageFailuresFailTheBatchForARetry(t *testing.T) {
	data := gz(t, header+strings.Repeat(goodCSVRow(1), 500))
	for name, src := range map[string]objectstore.Reader{"open fails": failingSource{}, "connection cut": cutSource{data}} {
		f := newFixture()
		f.tr.Raw = src
		_, err := f.tr.Handle(context.Background(), Batch{Items: []Item{{Key: "a.csv.gz", Size: int64(len(data))}}, BatchInput: BatchInput{RunDate: "2026-11-21", RunID: "run-1"}})
		var unavailable *StorageUnavailable
		if !errors.As(err, &unavailable) {
			t.Errorf("%s: err = %v, want *StorageUnavailable", name, err)
		}
		if len(f.curated.Keys())+len(f.quarantine.Keys()) != 0 {
			t.Errorf("%s: a failed batch left output", name)
		}
	}
}

func TestInvalidBatch(t *testing.T) {
	f := newFixture()
	tests := []Batch{
		{Items: []Item{{Key: "a"}}, BatchInput: BatchInput{RunDate: "2026-13-01", RunID: "run-1"}},
		{Items: []Item{{Key: "a"}}, BatchInput: BatchInput{RunDate: "'; DROP TABLE x; --"}},
		{Items: nil, BatchInput: BatchInput{RunDate: "2026-11-21", RunID: "run-1"}},
		{Items: []Item{{Key: "dir/"}}, BatchInput: BatchInput{RunDate: "2026-11-21", RunID: "run-1"}},
		{Items: []Item{{Key: "a"}}, BatchInput: BatchInput{RunDate: "2026-11-21"}},
		{Items: []Item{{Key: "a"}}, BatchInput: BatchInput{RunDate: "2026-11-21", RunID: "../run-0"}},
		{Items: []Item{{Key: "a"}}, BatchInput: BatchInput{RunDate: "2026-11-21", RunID: "x'; DROP TABLE sales; --"}},
		{Items: make([]Item, contract.MaxBatchItems+1), BatchInput: BatchInput{RunDate: "2026-11-21", RunID: "run-1"}},
	}
	for _, b := range tests {
		var invalid *InvalidBatch
		if _, err := f.tr.Handle(context.Background(), b); !errors.As(err, &invalid) {
			t.Errorf("Handle(%+v) = %v, want *InvalidBatch", b.BatchInput, err)
		}
	}
}

func TestSplitCSV(t *testing.T) {
	tests := map[string][]string{
		`a,b,c`:            {"a", "b", "c"},
		`a,,c,`:            {"a", "", "c", ""},
		`"a,1","b""q""",c`: {"a,1", `b"q"`, "c"},
		`""`:               {""},
		``:                 {""},
	}
	for in, want := range tests {
		got, err := splitCSV(nil, []byte(in))
		if err != nil {
			t.Errorf("splitCSV(%q): %v", in, err)
			continue
		}
		if len(got) != len(want) {
			t.Errorf("splitCSV(%q) = %q, want %q", in, got, want)
			continue
		}
		for i := range got {
			if string(got[i]) != want[i] {
				t.Errorf("splitCSV(%q)[%d] = %q, want %q", in, i, got[i], want[i])
			}
		}
	}
	for _, bad := range []string{`"open`, `"a"b,c`} {
		if _, err := splitCSV(nil, []byte(bad)); err == nil {
			t.Errorf("splitCSV(%q) accepted", bad)
		}
	}
}

// TestUnreadableHeaderQuarantinesEveryRow: a header line that is too long
// or not UTF-8 was quarantined as a row, and the next line, a real row,
// silently became the header. The header is the header whatever is wrong
// with it; every row is then quarantined with the header's fault.
func TestUnreadableHeaderQuarantinesEveryRow(t *testing.T) {
	rows := goodCSVRow(1) + goodCSVRow(2) + goodCSVRow(3)
	tests := map[string]struct{ header, reason string }{
		"too long":          {"order_id,sku," + strings.Repeat("x", 2000) + "\n", "the header line (line 1) is longer than 1024 bytes"},
		"not UTF-8":         {"order_id,sku,quantity,unit_price_cents,currency,sold_at,st\xf6re_id\n", "the header line (line 1) is not valid UTF-8 (first bad byte at offset 58)"},
		"after blank lines": {"\n\r\n" + "order_id,s\xffku\n", "the header line (line 3) is not valid UTF-8"},
	}
	for name, tt := range tests {
		f := newFixture()
		f.tr.MaxLineBytes = 1024
		f.raw.Put("h.csv", []byte(tt.header+rows))
		res := f.run(t, "h.csv")
		if res.RowsIn != 3 || res.RowsCurated != 0 || res.RowsQuarantined != 3 {
			t.Errorf("%s: in %d, curated %d, quarantined %d; want the 3 rows quarantined", name, res.RowsIn, res.RowsCurated, res.RowsQuarantined)
			continue
		}
		for _, r := range f.rejections(t, res) {
			if !strings.Contains(r.Reason, tt.reason) || !strings.HasPrefix(r.Raw, "ord-") {
				t.Errorf("%s: rejection %+v; want a row quarantined because %s", name, r, tt.reason)
			}
		}
	}
}
