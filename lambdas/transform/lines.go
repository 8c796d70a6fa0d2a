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

// lineReader yields an object's lines, each at most max bytes, with CR/LF
// trimmed. Blank lines are skipped but still numbered.
type lineReader struct {
	r      *bufio.Reader
	number int
}

func newLineReader(r io.Reader, max int) *lineReader {
	// Hide any bufio.Reader under r: NewReaderSize would reuse it, buffer
	// size and all, and the line limit would not hold.
	return &lineReader{r: bufio.NewReaderSize(struct{ io.Reader }{r}, max)}
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
// that stopped reading (corrupt compression, a failed read).
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
			return line{}, err
		}
		l.text = bytes.TrimRight(text, "\r\n")
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
