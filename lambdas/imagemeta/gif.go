package imagemeta

import (
	"encoding/binary"
	"fmt"
	"image"
	"io"
)

// GIFFirstFrame finds the canvas of a GIF file and the rectangle of its
// first frame, which is what a thumbnail shows. Go's decoder refuses a
// frame that reaches outside the canvas, though browsers clip it; the
// thumbnail step clips it too, and ExtractMetadata refuses only a first
// frame with nothing inside the canvas.
func GIFFirstFrame(r io.ReaderAt, size int64) (canvas, frame image.Rectangle, err error) {
	var b [10]byte
	if err := readAt(r, b[:7], 6, size); err != nil {
		return canvas, frame, fmt.Errorf("the GIF header is cut short")
	}
	canvas = image.Rect(0, 0, int(binary.LittleEndian.Uint16(b[0:2])), int(binary.LittleEndian.Uint16(b[2:4])))
	off := int64(13)
	if b[4]&0x80 != 0 {
		off += 3 << (b[4]&7 + 1)
	}
	for {
		if err := readAt(r, b[:1], off, size); err != nil {
			return canvas, frame, fmt.Errorf("the GIF file ends before its first frame")
		}
		switch b[0] {
		case 0x21: // extension: label, then sub-blocks
			off, err = skipSubBlocks(r, off+2, size)
			if err != nil {
				return canvas, frame, err
			}
		case 0x2c: // image descriptor
			if err := readAt(r, b[:9], off+1, size); err != nil {
				return canvas, frame, fmt.Errorf("the GIF image descriptor is cut short")
			}
			x, y := int(binary.LittleEndian.Uint16(b[0:2])), int(binary.LittleEndian.Uint16(b[2:4]))
			w, h := int(binary.LittleEndian.Uint16(b[4:6])), int(binary.LittleEndian.Uint16(b[6:8]))
			return canvas, image.Rect(x, y, x+w, y+h), nil
		default:
			return canvas, frame, fmt.Errorf("the GIF file has no frame")
		}
	}
}

// skipSubBlocks skips a chain of GIF data sub-blocks starting at off.
func skipSubBlocks(r io.ReaderAt, off, size int64) (int64, error) {
	var n [1]byte
	for {
		if readAt(r, n[:], off, size) != nil {
			return 0, fmt.Errorf("a GIF block is cut short at byte %d", off)
		}
		off += 1 + int64(n[0])
		if n[0] == 0 {
			return off, nil
		}
	}
}

// gifFrameReason explains why a GIF's first frame cannot be shown, or "".
func gifFrameReason(r io.ReaderAt, size int64) string {
	canvas, frame, err := GIFFirstFrame(r, size)
	if err != nil {
		return err.Error()
	}
	if frame.Intersect(canvas).Empty() {
		return fmt.Sprintf("the GIF's first frame %v lies outside its %d×%d canvas", frame, canvas.Dx(), canvas.Dy())
	}
	return ""
}
