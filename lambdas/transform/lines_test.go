package transform

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// readLines reads every line of data through a lineReader fed one byte at a
// time when oneByte is set, so a CRLF is split across reads.
func readLines(t *testing.T, data string, oneByte bool) []string {
	t.Helper()
	var r io.Reader = strings.NewReader(data)
	if oneByte {
		r = iotest.OneByteReader(r)
	}
	lr := newLineReader(r, 64)
	var out []string
	for {
		l, err := lr.next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(l.text))
	}
}

func TestLineEnds(t *testing.T) {
	tests := map[string][]string{
		"a\nb\n":          {"a", "b"},
		"a\r\nb\r\n":      {"a", "b"},
		"a\rb\rc":         {"a", "b", "c"},
		"a\rb\r":          {"a", "b"},
		"a\r\rb":          {"a", "b"}, // a blank line between
		"a\n\rb\r\n\nc\r": {"a", "b", "c"},
		"a,\"x\ry\",b\n":  {"a,\"x", "y\",b"},
		"\r\n\r\n":        nil,
	}
	for in, want := range tests {
		for _, oneByte := range []bool{false, true} {
			got := readLines(t, in, oneByte)
			if strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
				t.Errorf("lines of %q (one byte at a time: %v) = %q; want %q", in, oneByte, got, want)
			}
		}
	}
}

// TestCROnlyFileLosesNoRow: a file with lone CR line ends was read as one
// line, taken as the header, and every row vanished.
func TestCROnlyFileLosesNoRow(t *testing.T) {
	for name, eol := range map[string]string{"CR": "\r", "CRLF": "\r\n", "LF": "\n"} {
		f := newFixture()
		data := header + goodCSVRow(1) + goodCSVRow(2) + "ord-3,SKU-3,zero,1,USD,2026-11-21T00:00:00Z,s\n"
		f.raw.Put("mac.csv", []byte(strings.ReplaceAll(data, "\n", eol)))
		res := f.run(t, "mac.csv")
		if res.RowsIn != 3 || res.RowsCurated != 2 || res.RowsQuarantined != 1 {
			t.Errorf("%s line ends: in %d, curated %d, quarantined %d; want 3, 2, 1", name, res.RowsIn, res.RowsCurated, res.RowsQuarantined)
			continue
		}
		if r := f.rejections(t, res)[0]; r.Line != 4 {
			t.Errorf("%s line ends: the bad row is reported at line %d; want 4", name, r.Line)
		}
	}
}
