package transform

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// personRows is the oracle of FuzzTransform: the line numbers of the rows of
// an object, counted as a person opening the file would count them, by code
// that shares nothing with the transform's reader. A line ends at LF, CRLF
// or a lone CR; a line of white space is not a row; a CSV's first non-blank
// line is its header. The transform reads one record per line, so every
// other non-blank line is a row and must come out curated or quarantined,
// once.
//
// Where the transform's documented policy is to quarantine a stretch of the
// object as one record (an object it cannot decode, an unsupported format,
// the rest of a stream after a decoding fault), the oracle expects that one
// record, at line 0 for the whole object or at the first line not read
// whole.
func personRows(key string, data []byte) []int {
	name := key
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return []int{0}
		}
		text, err := io.ReadAll(zr)
		name = strings.TrimSuffix(name, ".gz")
		if err != nil {
			if !formatKnown(name) {
				return []int{0}
			}
			// Only the lines ended before the fault were read whole.
			whole := text[:bytes.LastIndexAny(text, "\r\n")+1]
			lines := splitLines(whole)
			return append(rowsOf(name, lines), len(lines)+1)
		}
		data = text
	} else if strings.HasSuffix(name, ".gz") {
		return []int{0}
	}
	if !formatKnown(name) {
		return []int{0}
	}
	return rowsOf(name, splitLines(data))
}

func formatKnown(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".csv", ".jsonl", ".ndjson", ".json":
		return true
	}
	return false
}

// splitLines splits text at every LF, CRLF and lone CR, as an editor
// shows it. A last line without an end is a line.
func splitLines(text []byte) [][]byte {
	var lines [][]byte
	start := 0
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			lines = append(lines, text[start:i])
			start = i + 1
		case '\r':
			lines = append(lines, text[start:i])
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			start = i + 1
		}
	}
	if start < len(text) {
		lines = append(lines, text[start:])
	}
	return lines
}

// rowsOf numbers the rows among lines: the non-blank ones, less a CSV's
// header.
func rowsOf(name string, lines [][]byte) []int {
	var rows []int
	headerSeen := strings.ToLower(path.Ext(name)) != ".csv"
	for i, l := range lines {
		if len(bytes.TrimSpace(l)) == 0 {
			continue
		}
		if !headerSeen {
			headerSeen = true
			continue
		}
		rows = append(rows, i+1)
	}
	return rows
}

// FuzzTransform feeds arbitrary objects: no panic, the outputs hold what
// the counts say, and the rows out (curated and quarantined, by line) are
// exactly the rows in as personRows counts them.
//
// Run it for ten minutes with
//
//	go test ./lambdas/transform/ -run '^$' -fuzz FuzzTransform -fuzztime 10m
func FuzzTransform(f *testing.F) {
	f.Add("a.csv", []byte(header+goodCSVRow(1)+"x,y\n"))
	f.Add("a.jsonl", []byte(`{"order_id":"o","sku":"S","quantity":1}`+"\n[]\n"))
	f.Add("a.csv.gz", gz(f, header+goodCSVRow(2)))
	f.Add("cr.csv", []byte(strings.ReplaceAll(header+goodCSVRow(1)+goodCSVRow(2), "\n", "\r")))
	f.Add("crlf.csv", []byte(strings.ReplaceAll(header+"\n"+goodCSVRow(1)+"bad\n", "\n", "\r\n")))
	f.Add("latin1.csv", []byte("order_id,sku,st\xf6re\n"+goodCSVRow(1)+goodCSVRow(2)))
	f.Add("wide.csv", []byte(strings.Repeat("h", 300)+"\n"+goodCSVRow(1)))
	f.Add("cut.csv.gz", gz(f, header+goodCSVRow(1)+goodCSVRow(2))[:40])
	f.Fuzz(func(t *testing.T, key string, data []byte) {
		if key == "" || strings.HasSuffix(key, "/") || !utf8.ValidString(key) {
			return // not an S3 object key
		}
		fx := newFixture()
		fx.tr.MaxLineBytes = 256
		fx.raw.Put(key, data)
		res, err := fx.tr.Handle(context.Background(), fx.batch(key))
		if err != nil {
			t.Fatalf("Handle: %v", err)
		}
		fx.checkAccounting(t, res)
		var out []int
		for _, row := range fx.curatedRows(t, res) {
			if row["source_object"] != key {
				t.Fatalf("a curated row of %q names %v", key, row["source_object"])
			}
			out = append(out, int(row["source_line"].(float64)))
		}
		for _, r := range fx.rejections(t, res) {
			out = append(out, r.Line)
		}
		slices.Sort(out)
		if want := personRows(key, data); !slices.Equal(out, want) {
			t.Fatalf("rows in at lines %v; rows out (curated and quarantined) at lines %v\n%s", want, out, describe(fx, res))
		}
	})
}

// describe lists a result's rejections for a failure message.
func describe(fx *fixture, res Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "result %+v\n", res)
	data, _ := fx.quarantine.Get(res.QuarantineKey)
	b.Write(data)
	return b.String()
}
