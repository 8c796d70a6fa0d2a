package transform

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// DefaultMaxLineBytes bounds a line; a longer one is quarantined without
// ever being held whole in memory.
const DefaultMaxLineBytes = 1 << 20

// lineReader yields an object's lines, each at most max bytes. A line ends
// at LF, CRLF or a lone CR (old spreadsheet exports write those), as a
// person opening the file sees it. Blank lines are skipped but still
// numbered.
type lineReader struct {
	r      *bufio.Reader
	number int
}

func newLineReader(r io.Reader, max int) *lineReader {
	// crToLF also hides any bufio.Reader under r: NewReaderSize would reuse
	// it, buffer size and all, and the line limit would not hold.
	return &lineReader{r: bufio.NewReaderSize(&crToLF{r: r}, max)}
}

// crToLF turns every line end into LF as it streams: CRLF becomes LF and a
// lone CR becomes LF, so the line reader splits on one byte. It never
// lengthens its input, so it rewrites in place.
type crToLF struct {
	r io.Reader
	// afterCR is set when the last byte read was a CR: an LF that
	// follows, even in the next read, belongs to the same line end.
	afterCR bool
}

func (c *crToLF) Read(p []byte) (int, error) {
	for {
		n, err := c.r.Read(p)
		in := p[:n]
		if c.afterCR && len(in) > 0 {
			c.afterCR = false
			if in[0] == '\n' {
				in = in[1:]
			}
		}
		out := 0
		for len(in) > 0 {
			i := bytes.IndexByte(in, '\r')
			if i < 0 {
				out += copy(p[out:], in)
				break
			}
			out += copy(p[out:], in[:i])
			p[out] = '\n'
			out++
			in = in[i+1:]
			switch {
			case len(in) == 0:
				c.afterCR = true
			case in[0] == '\n':
				in = in[1:]
			}
		}
		// A read that held only the LF of a CRLF split across reads
		// yields nothing: read on rather than return 0, nil.
		if out > 0 || err != nil || n == 0 {
			return out, err
		}
	}
}

// line is one line of an object.
type line struct {
	number int
	text   []byte // valid until the next call to next
	// tooLong is set when the line exceeded the limit; text then holds its
	// first bytes only.
	tooLong bool
}

// next returns the next non-blank line, io.EOF at the end, or the error
// that stopped reading (corrupt compression, a failed read) with the number
// of the line it cut, if any.
func (lr *lineReader) next() (line, error) {
	for {
		text, err := lr.r.ReadSlice('\n')
		if len(text) == 0 && err != nil {
			return line{}, err
		}
		lr.number++
		l := line{number: lr.number}
		if errors.Is(err, bufio.ErrBufferFull) {
			l.tooLong = true
			l.text = append([]byte(nil), text[:min(len(text), maxRawSample)]...)
			if err := lr.skipRestOfLine(); err != nil && !errors.Is(err, io.EOF) {
				return l, err
			}
			return l, nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return line{number: lr.number}, err // the line the fault cut
		}
		l.text = bytes.TrimSuffix(text, []byte{'\n'})
		if len(bytes.TrimSpace(l.text)) == 0 {
			if err != nil {
				return line{}, err
			}
			continue
		}
		return l, nil
	}
}

// skipRestOfLine discards input up to and including the next newline.
func (lr *lineReader) skipRestOfLine() error {
	for {
		_, err := lr.r.ReadSlice('\n')
		if !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
	}
}

// errUnterminatedQuote is a CSV line whose quoted field does not close.
var errUnterminatedQuote = errors.New("a quoted field is not closed on its line")

// splitCSV splits one CSV line into fields (RFC 4180 quoting: "a ""b""",c),
// appending to fields[:0] to reuse its storage.
//
// encoding/csv reads a whole record, however long, into memory and may
// continue it over lines; splitting lines we have already bounded keeps the
// transform's memory constant. A field with an embedded newline is
// therefore rejected as an unterminated quote.
func splitCSV(fields [][]byte, text []byte) ([][]byte, error) {
	fields = fields[:0]
	for {
		if len(text) > 0 && text[0] == '"' {
			var field []byte
			i := 1
			for {
				j := bytes.IndexByte(text[i:], '"')
				if j < 0 {
					return fields, errUnterminatedQuote
				}
				field = append(field, text[i:i+j]...)
				i += j + 1
				if i < len(text) && text[i] == '"' { // an escaped quote
					field = append(field, '"')
					i++
					continue
				}
				break
			}
			fields = append(fields, field)
			text = text[i:]
			if len(text) == 0 {
				return fields, nil
			}
			if text[0] != ',' {
				return fields, errors.New("text follows a closing quote")
			}
			text = text[1:]
			continue
		}
		j := bytes.IndexByte(text, ',')
		if j < 0 {
			return append(fields, text), nil
		}
		fields = append(fields, text[:j])
		text = text[j+1:]
	}
}
