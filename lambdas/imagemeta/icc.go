package imagemeta

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"io"
)

// maxICCBytes bounds an embedded colour profile; real ones are a few
// kilobytes, large LUT-based ones a few hundred.
const maxICCBytes = 4 << 20

// ICCProfile returns the colour profile embedded in a JPEG (APP2
// ICC_PROFILE segments, in sequence), PNG (iCCP, inflated) or WebP (ICCP)
// file held in memory, or nil.
func ICCProfile(format string, data []byte) []byte {
	r, size := bytes.NewReader(data), int64(len(data))
	switch format {
	case "jpeg":
		info, err := scanJPEG(r, size)
		if err != nil || len(info.icc) == 0 {
			return nil
		}
		var out []byte
		for seq := byte(1); int(seq) <= len(info.icc); seq++ {
			chunk, ok := info.icc[seq]
			if !ok {
				return nil // a missing chunk: no usable profile
			}
			out = append(out, chunk...)
		}
		return out
	case "png":
		chunk := pngChunk(r, size, "iCCP")
		name := bytes.IndexByte(chunk, 0)
		if name < 0 || name+2 > len(chunk) {
			return nil
		}
		z, err := zlib.NewReader(bytes.NewReader(chunk[name+2:]))
		if err != nil {
			return nil
		}
		out, err := io.ReadAll(io.LimitReader(z, maxICCBytes))
		if err != nil {
			return nil
		}
		return out
	case "webp":
		return scanWebP(r, size).icc
	}
	return nil
}

// pngChunk returns the first chunk of a type before the image data.
func pngChunk(r io.ReaderAt, size int64, want string) []byte {
	var h [8]byte
	off := int64(8)
	for hop := 0; hop < maxChunkHops; hop++ {
		if readAt(r, h[:], off, size) != nil {
			return nil
		}
		n, typ := int64(binary.BigEndian.Uint32(h[:4])), string(h[4:8])
		switch typ {
		case "IDAT", "IEND":
			return nil
		case want:
			if n > maxICCBytes {
				return nil
			}
			data := make([]byte, n)
			if readAt(r, data, off+8, size) != nil {
				return nil
			}
			return data
		}
		off += 12 + n
	}
	return nil
}
