package imagemeta

import (
	"bytes"
	"encoding/binary"
	"io"

	"github.com/rwcarlsen/goexif/exif"
)

// Orientation is an EXIF orientation, 1 to 8: how the stored pixels must
// be transformed to be seen upright. 1 is upright; 2 mirrors; 3 turns half
// a turn; 4 flips; 5 transposes; 6 turns a quarter clockwise; 7
// transverses; 8 turns a quarter anticlockwise. 5 to 8 swap width and
// height.
type Orientation int

// SwapsAxes reports whether the displayed image is the stored one on its
// side.
func (o Orientation) SwapsAxes() bool { return o >= 5 && o <= 8 }

// exifOrientation reads the orientation tag of a TIFF structure (an EXIF
// payload); anything unreadable or out of range is upright.
func exifOrientation(tiff []byte) (o Orientation) {
	defer func() {
		if recover() != nil { // a malformed payload must not stop the upload
			o = 1
		}
	}()
	tiff = firstIFDOnly(tiff)
	if tiff == nil {
		return 1
	}
	x, err := exif.Decode(bytes.NewReader(tiff))
	if x == nil || err != nil && exif.IsCriticalError(err) {
		return 1
	}
	tag, err := x.Get(exif.Orientation)
	if err != nil {
		return 1
	}
	v, err := tag.Int(0)
	if err != nil || v < 1 || v > 8 {
		return 1
	}
	return Orientation(v)
}

// firstIFDOnly returns a copy of a TIFF structure reduced to what goexif
// can read safely: its first directory (IFD0, which holds the
// orientation), linking to no next one and to no sub-directory, every
// entry claiming at most as many values as the payload has bytes. goexif
// follows the directory chain detecting only a directory that links to
// itself, and allocates a slice of the claimed count before reading, so a
// crafted payload could otherwise make it loop for ever or allocate
// gigabytes. It returns nil when the structure is too short to hold a
// directory.
func firstIFDOnly(tiff []byte) []byte {
	if len(tiff) < 8 {
		return nil
	}
	var order binary.ByteOrder = binary.LittleEndian
	if tiff[0] == 'M' {
		order = binary.BigEndian
	}
	ifd := int64(order.Uint32(tiff[4:8]))
	if ifd+2 > int64(len(tiff)) {
		return nil
	}
	entries := int64(order.Uint16(tiff[ifd:]))
	next := ifd + 2 + 12*entries
	if next+4 > int64(len(tiff)) {
		return nil
	}
	out := append([]byte(nil), tiff...)
	order.PutUint32(out[next:], 0)
	for e := ifd + 2; e < next; e += 12 {
		switch order.Uint16(out[e:]) {
		case 0x8769, 0x8825, 0xa005: // Exif, GPS and Interoperability sub-directories
			order.PutUint16(out[e:], 0xffff)
		}
		if order.Uint32(out[e+4:]) > uint32(len(out)) {
			order.PutUint16(out[e+2:], 1) // one byte: the value is ignored
			order.PutUint32(out[e+4:], 1)
		}
	}
	return out
}

// maxChunkHops bounds the chunks walked in a PNG or WebP file to find its
// EXIF payload, so a file of many tiny chunks costs no more than that
// many small reads.
const maxChunkHops = 64

// maxExifBytes bounds an EXIF payload read from a PNG or WebP chunk.
const maxExifBytes = 1 << 20

// pngExif finds the eXIf chunk, which precedes the image data.
func pngExif(r io.ReaderAt, size int64) []byte { return pngChunk(r, size, "eXIf") }

// webpInfo is what a walk over a WebP file's RIFF chunks finds.
type webpInfo struct {
	exif     []byte
	icc      []byte
	animated bool
	alpha    bool
}

// scanWebP walks the RIFF chunks of an extended (VP8X) WebP file, whose
// EXIF chunk follows the image data.
func scanWebP(r io.ReaderAt, size int64) webpInfo {
	var info webpInfo
	var h [8]byte
	off := int64(12)
	for hop := 0; hop < maxChunkHops; hop++ {
		if readAt(r, h[:], off, size) != nil {
			return info
		}
		typ, n := string(h[:4]), int64(binary.LittleEndian.Uint32(h[4:]))
		switch typ {
		case "VP8X":
			var flags [1]byte
			if readAt(r, flags[:], off+8, size) == nil {
				info.animated = flags[0]&0x02 != 0
				info.alpha = flags[0]&0x10 != 0
			}
		case "ICCP":
			if n <= maxICCBytes {
				data := make([]byte, n)
				if readAt(r, data, off+8, size) == nil {
					info.icc = data
				}
			}
		case "EXIF":
			if n <= maxExifBytes {
				data := make([]byte, n)
				if readAt(r, data, off+8, size) == nil {
					// Some writers keep JPEG's "Exif\0\0" prefix.
					info.exif = bytes.TrimPrefix(data, []byte("Exif\x00\x00"))
				}
			}
			return info
		}
		off += 8 + n + n&1
	}
	return info
}
