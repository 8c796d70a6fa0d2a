package imagemeta

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

func photo(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func TestRealPhotosReportTheirDisplayedSize(t *testing.T) {
	tests := []struct {
		file             string
		format           string
		width, height    int // displayed
		storedW, storedH int
		orientation      Orientation
	}{
		{"upright.jpg", "jpeg", 240, 160, 240, 160, 1},
		{"orient2.jpg", "jpeg", 240, 160, 240, 160, 2},
		{"orient3.jpg", "jpeg", 240, 160, 240, 160, 3},
		{"orient4.jpg", "jpeg", 240, 160, 240, 160, 4},
		{"orient5.jpg", "jpeg", 240, 160, 160, 240, 5},
		{"orient6.jpg", "jpeg", 240, 160, 160, 240, 6},
		{"orient7.jpg", "jpeg", 240, 160, 160, 240, 7},
		{"orient8.jpg", "jpeg", 240, 160, 160, 240, 8},
		{"orient6.webp", "webp", 240, 160, 160, 240, 6},
		{"orient8.png", "png", 240, 160, 160, 240, 8},
		{"motion.jpg", "jpeg", 240, 160, 240, 160, 1},
		{"cmyk.jpg", "jpeg", 240, 160, 240, 160, 1},
		{"transparent.webp", "webp", 214, 120, 214, 120, 1},
		{"animated.gif", "gif", 48, 32, 48, 32, 1},
		{"upright.heic", "heic", 240, 160, 240, 160, 1},
		{"upright.avif", "avif", 240, 160, 240, 160, 1},
		// The container's irot, not the EXIF tag, turns HEIF images.
		{"orient8.avif", "avif", 240, 160, 160, 240, 8},
		{"orient8.heic", "heic", 160, 240, 160, 240, 1},
	}
	for _, tt := range tests {
		img, err := extract(t, "uploads/u/"+tt.file, photo(t, tt.file))
		if err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		got := [5]int{img.Width, img.Height, img.StoredWidth, img.StoredHeight, int(img.Orientation)}
		want := [5]int{tt.width, tt.height, tt.storedW, tt.storedH, int(tt.orientation)}
		if img.Format != tt.format || got != want || img.ContentType != "image/"+tt.format {
			t.Errorf("%s: %s %s %v; want %s %v", tt.file, img.Format, img.ContentType, got, tt.format, want)
		}
	}
}

// withMetadata puts n bytes of APP1 segments after a JPEG's start marker.
func withMetadata(jpg []byte, n int) []byte {
	var b bytes.Buffer
	b.Write(jpg[:2])
	for n > 0 {
		size := min(n, 65533)
		b.Write([]byte{0xff, 0xe1, byte((size + 2) >> 8), byte(size + 2)})
		b.Write(bytes.Repeat([]byte{'x'}, size))
		n -= size
	}
	b.Write(jpg[2:])
	return b.Bytes()
}

func TestRealJPEGsAreCheckedAsTheDecoderReadsThem(t *testing.T) {
	upright := photo(t, "upright.jpg")
	img, err := extract(t, "uploads/u/big-exif.jpg", withMetadata(photo(t, "orient6.jpg"), 3<<20))
	if err != nil || img.Width != 240 || img.Height != 160 || img.Orientation != 6 {
		t.Errorf("3 MiB of metadata: %+v, %v", img, err)
	}
	eoi := bytes.LastIndex(upright, []byte{0xff, 0xd9})
	motion := append(append([]byte(nil), upright...), bytes.Repeat([]byte{0xff, 0xd9, 0x00}, 1000)...)
	if _, err := extract(t, "uploads/u/motion.jpg", motion); err != nil {
		t.Errorf("data after the end-of-image marker: %v", err)
	}
	// Cut inside the entropy-coded data.
	cut := upright[:eoi-2000]
	_, err = extract(t, "uploads/u/cut.jpg", cut)
	assertUnsupported(t, err, "ends before its end-of-image marker: it is truncated")
}

func TestAnimationsAreRefusedOrRenderable(t *testing.T) {
	_, err := extract(t, "uploads/u/animated.webp", photo(t, "animated.webp"))
	assertUnsupported(t, err, "animated WebP is not supported")

	// A GIF whose first frame reaches past its canvas is accepted (the
	// thumbnail clips it); one whose first frame misses the canvas is not.
	gif := append([]byte(nil), photo(t, "animated.gif")...)
	binary.LittleEndian.PutUint16(gif[6:], 40) // the canvas shrinks under the 48×32 frame
	if img, err := extract(t, "uploads/u/overflow.gif", gif); err != nil || img.Width != 40 {
		t.Errorf("frame past the canvas: %+v, %v", img, err)
	}
	_, frame, err := GIFFirstFrame(bytes.NewReader(gif), int64(len(gif)))
	if err != nil || frame.Dx() != 48 {
		t.Fatalf("first frame %v, %v", frame, err)
	}
}
