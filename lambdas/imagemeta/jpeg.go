package imagemeta

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

// jpegInfo is what a walk over a JPEG file's segments finds.
type jpegInfo struct {
	width, height int
	components    int
	// exif is the APP1 Exif payload (a TIFF structure), if any.
	exif []byte
	// icc holds the APP2 ICC_PROFILE chunks by sequence number (1-based).
	icc map[byte][]byte
}

// scanChunk is how much of the entropy-coded data is read at a time.
const scanChunk = 1 << 20

// scanJPEG walks a JPEG file as Go's decoder does: every segment before
// the frame header is skipped by its length, however long, so megabytes
// of metadata cost a few small reads; the entropy-coded data of each scan
// is read to its next marker. The file is complete when the end-of-image
// marker is reached; whatever follows it (a motion photo's video) is
// ignored, as the decoder ignores it. A returned error is a reason to
// refuse the file.
func scanJPEG(r io.ReaderAt, size int64) (jpegInfo, error) {
	var info jpegInfo
	var b [9]byte
	if err := readAt(r, b[:2], 0, size); err != nil || b[0] != 0xff || b[1] != 0xd8 {
		return info, fmt.Errorf("no start-of-image marker")
	}
	off := int64(2)
	for {
		if err := readAt(r, b[:2], off, size); err != nil {
			return info, truncatedJPEG(info)
		}
		if b[0] != 0xff {
			return info, fmt.Errorf("expected a marker at byte %d, found 0x%02x", off, b[0])
		}
		marker := b[1]
		switch {
		case marker == 0xff: // fill byte before a marker
			off++
			continue
		case marker == 0xd9: // EOI
			if info.width == 0 {
				return info, fmt.Errorf("no frame header before the end-of-image marker")
			}
			return info, nil
		case marker == 0x01 || marker >= 0xd0 && marker <= 0xd7: // standalone
			off += 2
			continue
		}
		if err := readAt(r, b[:4], off, size); err != nil {
			return info, truncatedJPEG(info)
		}
		length := int64(binary.BigEndian.Uint16(b[2:4]))
		if length < 2 {
			return info, fmt.Errorf("segment 0x%02x at byte %d has length %d", marker, off, length)
		}
		body, end := off+4, off+2+length
		if end > size {
			return info, truncatedJPEG(info)
		}
		switch {
		case marker == 0xc0 || marker == 0xc1 || marker == 0xc2: // baseline, extended, progressive
			if info.width != 0 {
				return info, fmt.Errorf("a second frame header at byte %d", off)
			}
			if length < 8 || readAt(r, b[:6], body, size) != nil {
				return info, fmt.Errorf("frame header too short")
			}
			info.height = int(binary.BigEndian.Uint16(b[1:3]))
			info.width = int(binary.BigEndian.Uint16(b[3:5]))
			info.components = int(b[5])
			if c := info.components; c != 1 && c != 3 && c != 4 {
				return info, fmt.Errorf("%d colour components; 1, 3 or 4 are supported", c)
			}
		case marker >= 0xc3 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc:
			return info, fmt.Errorf("JPEG process 0x%02x (lossless, hierarchical or arithmetic coding) is not supported", marker)
		case marker == 0xe1 && info.exif == nil && length >= 8:
			seg := make([]byte, length-2)
			if readAt(r, seg, body, size) == nil && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
				info.exif = seg[6:]
			}
		case marker == 0xe2 && length > 16:
			seg := make([]byte, length-2)
			if readAt(r, seg, body, size) == nil && bytes.HasPrefix(seg, []byte("ICC_PROFILE\x00")) {
				if info.icc == nil {
					info.icc = map[byte][]byte{}
				}
				info.icc[seg[12]] = seg[14:]
			}
		case marker == 0xda: // SOS: entropy-coded data follows the header
			if info.width == 0 {
				return info, fmt.Errorf("scan before the frame header")
			}
			next, ok := nextMarker(r, end, size)
			if !ok {
				return info, truncatedJPEG(info)
			}
			off = next
			continue
		}
		off = end
	}
}

func truncatedJPEG(info jpegInfo) error {
	if info.width == 0 {
		return fmt.Errorf("the file ends before its frame header")
	}
	return errTruncated
}

var errTruncated = fmt.Errorf("the JPEG image data ends before its end-of-image marker: it is truncated")

// nextMarker finds the first marker at or after off that is not part of
// entropy-coded data (a stuffed 0xFF00, a restart marker or a fill byte).
func nextMarker(r io.ReaderAt, off, size int64) (int64, bool) {
	buf := make([]byte, min(scanChunk, max(size-off, 2)))
	for off < size {
		n := min(int64(len(buf)), size-off)
		if err := readAt(r, buf[:n], off, size); err != nil {
			return 0, false
		}
		chunk := buf[:n]
		for i := 0; i < len(chunk); {
			j := bytes.IndexByte(chunk[i:], 0xff)
			if j < 0 {
				break
			}
			i += j
			if i+1 >= len(chunk) {
				if off+int64(i)+1 >= size {
					return 0, false
				}
				break // read again from this 0xFF
			}
			switch m := chunk[i+1]; {
			case m == 0x00 || m >= 0xd0 && m <= 0xd7:
				i += 2
			case m == 0xff:
				i++
			default:
				return off + int64(i), true
			}
			if i >= len(chunk) {
				break
			}
		}
		if j := bytes.LastIndexByte(chunk, 0xff); j == len(chunk)-1 && n > 1 {
			off += n - 1
		} else {
			off += n
		}
	}
	return 0, false
}

// readAt fills p from off, or fails when the object is shorter.
func readAt(r io.ReaderAt, p []byte, off, size int64) error {
	if off < 0 || off+int64(len(p)) > size {
		return io.ErrUnexpectedEOF
	}
	n, err := r.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil {
		err = io.ErrUnexpectedEOF
	}
	return err
}
