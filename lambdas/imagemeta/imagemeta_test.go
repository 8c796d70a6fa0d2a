package imagemeta

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/HugoSmits86/nativewebp"

	"github.com/sfnkit/sfnkit/lambdas/objectstore"
)

// picture draws a w×h gradient, so encoders produce realistic files. No
// channel is constant: the WebP encoder used in tests panics on a channel
// with a single value.
func picture(w, h int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y + 1), uint8(x + y), uint8(255 - (x+y)%2)})
		}
	}
	return img
}

func encode(t testing.TB, format string, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	var err error
	switch format {
	case "jpeg":
		err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 80})
	case "png":
		err = png.Encode(&b, img)
	case "gif":
		err = gif.Encode(&b, img, nil)
	case "webp":
		err = nativewebp.Encode(&b, img, nil)
	}
	if err != nil {
		t.Fatalf("encoding %s: %v", format, err)
	}
	return b.Bytes()
}

// pngClaiming is a PNG whose header claims w×h pixels (and nothing else).
func pngClaiming(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

// jpegWithMetadata puts n bytes of APP1 segments before the frame header,
// as cameras do with EXIF and embedded previews.
func jpegWithMetadata(t testing.TB, n int) []byte {
	t.Helper()
	plain := encode(t, "jpeg", picture(64, 48))
	var b bytes.Buffer
	b.Write(plain[:2]) // SOI
	for n > 0 {
		size := min(n, 65533)
		b.Write([]byte{0xff, 0xe1, byte((size + 2) >> 8), byte(size + 2)})
		b.Write(bytes.Repeat([]byte{'x'}, size))
		n -= size
	}
	b.Write(plain[2:])
	return b.Bytes()
}

const bucket = "images"

func event(key string) Event {
	var ev Event
	ev.Source, ev.DetailType = "aws.s3", "Object Created"
	ev.Detail.Bucket.Name = bucket
	ev.Detail.Object.Key = key
	ev.Detail.Object.ETag = `"abc123"`
	return ev
}

func extract(t testing.TB, key string, data []byte) (Image, error) {
	t.Helper()
	store := &objectstore.Memory{}
	store.Put(key, data)
	x := &Extractor{Bucket: bucket, Objects: store, Limits: DefaultLimits}
	return x.Handle(context.Background(), event(key))
}

func TestFourFormatsTinyAndLarge(t *testing.T) {
	for _, format := range []string{"jpeg", "png", "gif", "webp"} {
		for _, size := range [][2]int{{2, 2}, {1600, 1200}} {
			data := encode(t, format, picture(size[0], size[1]))
			img, err := extract(t, "uploads/user-1/holiday/photo."+format, data)
			if err != nil {
				t.Errorf("%s %dx%d: %v", format, size[0], size[1], err)
				continue
			}
			want := Image{Bucket: bucket, Key: "uploads/user-1/holiday/photo." + format, UserID: "user-1", Name: "photo." + format, ETag: "abc123",
				Format: format, ContentType: "image/" + format, Width: size[0], Height: size[1],
				StoredWidth: size[0], StoredHeight: size[1], Orientation: 1, Bytes: int64(len(data))}
			if img != want {
				t.Errorf("%s: got %+v, want %+v", format, img, want)
			}
		}
	}
}

func TestHeaderBeyondTheFirstChunkIsFetchedInRanges(t *testing.T) {
	img, err := extract(t, "uploads/u/exif.jpg", jpegWithMetadata(t, 300<<10))
	if err != nil || img.Width != 64 {
		t.Fatalf("%+v, %v", img, err)
	}
	// Segments are skipped by their length, however much metadata there is.
	img, err = extract(t, "uploads/u/huge-exif.jpg", jpegWithMetadata(t, 3<<20))
	if err != nil || img.Width != 64 || img.Height != 48 {
		t.Fatalf("%+v, %v", img, err)
	}
}

func assertUnsupported(t *testing.T, err error, reason string) {
	t.Helper()
	var unsupported *UnsupportedImage
	if !errors.As(err, &unsupported) || !strings.Contains(unsupported.Reason, reason) {
		t.Errorf("err = %v, want UnsupportedImage saying %q", err, reason)
	}
}

func TestRejectsWhatIsNotAnAcceptableImage(t *testing.T) {
	jpegData := encode(t, "jpeg", picture(300, 200))
	pngData := encode(t, "png", picture(300, 200))
	gifData := encode(t, "gif", picture(300, 200))
	webpData := encode(t, "webp", picture(300, 200))
	tests := []struct {
		name   string
		data   []byte
		reason string
	}{
		{"zero bytes", nil, "the object is empty"},
		{"renamed text file", []byte("Dear diary, today I renamed a text file to photo.jpg.\n"), "not a JPEG, PNG, GIF, WebP, HEIC or AVIF"},
		{"PNG claiming 100000x100000", pngClaiming(100000, 100000), "claims 100000×100000 pixels; at most 50000000"},
		{"PNG claiming 0 pixels", pngClaiming(0, 10), "header is invalid or truncated"},
		{"corrupt PNG header", append(append([]byte{}, pngData[:16]...), bytes.Repeat([]byte{0xee}, 64)...), "header is invalid or truncated"},
		{"truncated JPEG", jpegData[:len(jpegData)/2], "ends before its end-of-image marker: it is truncated"},
		{"truncated PNG", pngData[:len(pngData)-20], "no IEND chunk"},
		{"truncated GIF", gifData[:len(gifData)-1], "no trailer byte"},
		{"truncated WebP", webpData[:len(webpData)-10], "declares"},
		{"header only JPEG", jpegData[:20], "header is invalid or truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := extract(t, "uploads/u/photo.jpg", tt.data)
			assertUnsupported(t, err, tt.reason)
		})
	}
}

func TestByteLimit(t *testing.T) {
	store := &objectstore.Memory{}
	store.Put("uploads/u/big.png", encode(t, "png", picture(200, 200)))
	x := &Extractor{Bucket: bucket, Objects: store, Limits: Limits{MaxPixels: 1 << 30, MaxBytes: 100}}
	_, err := x.Handle(context.Background(), event("uploads/u/big.png"))
	assertUnsupported(t, err, "at most 100 are accepted")
}

func TestRejectsEventsThatAreNotUploads(t *testing.T) {
	x := &Extractor{Bucket: bucket, Objects: &objectstore.Memory{}, Limits: DefaultLimits}
	otherBucket := event("uploads/u/a.jpg")
	otherBucket.Detail.Bucket.Name = "someone-else"
	notCreated := event("uploads/u/a.jpg")
	notCreated.DetailType = "Object Deleted"
	tests := map[string]Event{
		"another bucket":     otherBucket,
		"not Object Created": notCreated,
		"outside uploads/":   event("processed/u/a.jpg"),
		"no user":            event("uploads/a.jpg"),
		"bad user id":        event("uploads/u$er/a.jpg"),
		"directory marker":   event("uploads/u/folder/"),
		"dot-dot segment":    event("uploads/u/../../etc/passwd"),
		"empty":              {},
		"key of 2000 bytes":  event("uploads/u/" + strings.Repeat("a", 2000)),
		"double slash":       event("uploads/u//a.jpg"),
	}
	for name, ev := range tests {
		var invalid *InvalidImageEvent
		if _, err := x.Handle(context.Background(), ev); !errors.As(err, &invalid) {
			t.Errorf("%s: err = %v, want InvalidImageEvent", name, err)
		}
	}
}

func TestDeletedObjectIsGone(t *testing.T) {
	x := &Extractor{Bucket: bucket, Objects: &objectstore.Memory{}, Limits: DefaultLimits}
	var gone *ImageGone
	if _, err := x.Handle(context.Background(), event("uploads/u/deleted.jpg")); !errors.As(err, &gone) {
		t.Errorf("err = %v, want ImageGone", err)
	}
}

// FuzzExtract feeds arbitrary object content: the decoder answers with an
// image or a typed error, never panics, and never reads past its limits.
func FuzzExtract(f *testing.F) {
	f.Add(encode(f, "png", picture(4, 4)))
	f.Add(encode(f, "jpeg", picture(4, 4)))
	f.Add(encode(f, "gif", picture(4, 4)))
	f.Add(encode(f, "webp", picture(4, 4)))
	f.Add(pngClaiming(1<<31-1, 1<<31-1))
	// The real photos: EXIF in JPEG, PNG and WebP, HEIF containers with
	// irot, a motion photo, an animated WebP and GIF.
	for _, name := range []string{"orient6.jpg", "orient8.png", "orient6.webp", "orient8.avif", "upright.heic", "motion.jpg", "animated.webp", "animated.gif", "cmyk.jpg", "adobergb.jpg"} {
		f.Add(photo(f, name))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := extract(t, "uploads/u/fuzz.bin", data)
		if err != nil {
			var unsupported *UnsupportedImage
			if !errors.As(err, &unsupported) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		if img.Pixels() > DefaultLimits.MaxPixels || img.Width <= 0 || img.Height <= 0 {
			t.Fatalf("accepted %+v", img)
		}
	})
}
