package imagemeta

import (
	"bytes"
	"fmt"
	"image"
	"io"
)

// Describe reads an image held in memory as ExtractMetadata reads an
// upload: format, stored and displayed size, orientation, and a reason to
// refuse it, or "". MakeThumbnails calls it so both steps accept exactly
// the same files.
func Describe(data []byte, limits Limits) (Image, string) {
	return describe(bytes.NewReader(data), int64(len(data)), limits)
}

// describe identifies the format from the first bytes, then reads only
// what the format needs: JPEG segments by length and its entropy-coded
// data to the end-of-image marker; PNG, GIF and WebP headers and their
// end; HEIC and AVIF boxes. It never decodes pixels.
func describe(r io.ReaderAt, size int64, limits Limits) (Image, string) {
	var img Image
	var head [16]byte
	n, _ := r.ReadAt(head[:], 0)
	switch {
	case size == 0:
		return img, "the object is empty"
	case size > limits.MaxBytes:
		return img, fmt.Sprintf("the object is %d bytes; at most %d are accepted", size, limits.MaxBytes)
	case bytes.HasPrefix(head[:n], []byte("\xff\xd8")):
		info, err := scanJPEG(r, size)
		if err == errTruncated {
			return img, err.Error()
		} else if err != nil {
			return img, "the jpeg header is invalid or truncated: " + err.Error()
		}
		img.Format = "jpeg"
		img.setSize(info.width, info.height, exifOrientation(info.exif))
	case isHEIF(head[:n]):
		info, err := scanHEIF(r, size)
		if err != nil {
			return img, "the HEIF container is invalid or truncated: " + err.Error()
		}
		img.Format = info.format
		img.setSize(info.width, info.height, info.orientation)
	default:
		cfg, format, err := image.DecodeConfig(io.NewSectionReader(r, 0, min(size, MaxHeaderBytes)))
		switch {
		case err == image.ErrFormat || format == "jpeg" || format == "heic" || format == "avif":
			return img, "the content is not a JPEG, PNG, GIF, WebP, HEIC or AVIF image"
		case err != nil:
			return img, fmt.Sprintf("the %s header is invalid or truncated: %v", format, err)
		}
		img.Format = format
		orientation := Orientation(1)
		switch format {
		case "png":
			orientation = exifOrientation(pngExif(r, size))
		case "webp":
			info := scanWebP(r, size)
			if info.animated {
				return img, "the WebP image is animated; animated WebP is not supported (upload a still image or a GIF)"
			}
			orientation = exifOrientation(info.exif)
		}
		if format == "gif" {
			if reason := gifFrameReason(r, size); reason != "" {
				return img, reason
			}
		}
		img.setSize(cfg.Width, cfg.Height, orientation)
		if reason := truncated(r, size, format); reason != "" {
			return img, reason
		}
	}
	img.ContentType = contentType[img.Format]
	if img.Width <= 0 || img.Height <= 0 {
		return img, fmt.Sprintf("the image claims %d×%d pixels", img.StoredWidth, img.StoredHeight)
	}
	if img.Pixels() > limits.MaxPixels {
		return img, fmt.Sprintf("the image claims %d×%d pixels; at most %d pixels are accepted", img.StoredWidth, img.StoredHeight, limits.MaxPixels)
	}
	return img, ""
}

// setSize records the stored size and the displayed one, which the
// orientation may turn on its side.
func (i *Image) setSize(w, h int, o Orientation) {
	i.StoredWidth, i.StoredHeight, i.Orientation = w, h, o
	i.Width, i.Height = w, h
	if o.SwapsAxes() {
		i.Width, i.Height = h, w
	}
}

// tailBytes is how much of the object's end is read for its end marker.
const tailBytes = 2 << 10

// truncated checks the end of a PNG, GIF or WebP file (JPEG and HEIF are
// checked as they are walked) and returns why it is truncated, or "".
func truncated(r io.ReaderAt, size int64, format string) string {
	if format == "webp" {
		var h [8]byte
		if readAt(r, h[:], 0, size) != nil {
			return "the WebP header is cut short"
		}
		riff := int64(h[4]) | int64(h[5])<<8 | int64(h[6])<<16 | int64(h[7])<<24
		if riff+8 > size {
			return fmt.Sprintf("the WebP file declares %d bytes but has %d: it is truncated", riff+8, size)
		}
		return ""
	}
	n := min(size, tailBytes)
	tail := make([]byte, n)
	if readAt(r, tail, size-n, size) != nil {
		return "the end of the file cannot be read"
	}
	switch format {
	case "png":
		if !bytes.HasSuffix(tail, []byte("\x00\x00\x00\x00IEND\xaeB`\x82")) {
			return "the PNG file has no IEND chunk at its end: it is truncated"
		}
	case "gif":
		if tail[len(tail)-1] != 0x3b {
			return "the GIF file has no trailer byte: it is truncated"
		}
	}
	return ""
}
