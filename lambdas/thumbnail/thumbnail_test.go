package thumbnail

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"reflect"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/HugoSmits86/nativewebp"

	"github.com/sfnkit/sfnkit/lambdas/imagemeta"
	"github.com/sfnkit/sfnkit/lambdas/objectstore"
)

func picture(w, h int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y + 1), uint8(x * y), uint8(255 - (x+y)%2)})
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
		err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
	case "png":
		err = png.Encode(&b, img)
	case "gif":
		err = gif.Encode(&b, img, nil)
	case "webp":
		err = nativewebp.Encode(&b, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func maker(store *objectstore.Memory) *Maker {
	return &Maker{Images: store, Sizes: []int{128, 512}, Limits: imagemeta.DefaultLimits}
}

func upload(key, format string, w, h int) imagemeta.Image {
	return imagemeta.Image{Bucket: "images", Key: key, UserID: "u1", Format: format, Width: w, Height: h}
}

func TestThumbnailsKeepAspectRatioAndContentType(t *testing.T) {
	tests := []struct {
		format, contentType, ext string
		w, h                     int
		want                     [][2]int // per size, largest first
	}{
		{"jpeg", "image/jpeg", "jpg", 1200, 800, [][2]int{{512, 341}, {128, 85}}},
		// picture has translucent pixels: WebP and PNG keep them, so their
		// thumbnails are PNG; JPEG and this GIF are opaque, so theirs are JPEG.
		{"webp", "image/png", "png", 600, 900, [][2]int{{341, 512}, {85, 128}}},
		{"png", "image/png", "png", 640, 640, [][2]int{{512, 512}, {128, 128}}},
		{"gif", "image/jpeg", "jpg", 300, 100, [][2]int{{300, 100}, {128, 42}}}, // never enlarged
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			store := &objectstore.Memory{}
			key := "uploads/u1/album/pic." + tt.format
			store.Put(key, encode(t, tt.format, picture(tt.w, tt.h)))
			res, err := maker(store).Handle(context.Background(), upload(key, tt.format, tt.w, tt.h))
			if err != nil {
				t.Fatal(err)
			}
			for i, th := range res.Thumbnails {
				wantKey := "processed/u1/album/pic." + tt.format + "/" + []string{"512", "128"}[i] + "." + tt.ext
				if th.Key != wantKey || th.ContentType != tt.contentType || [2]int{th.Width, th.Height} != tt.want[i] {
					t.Errorf("thumbnail %d = %+v; want key %s, %s, %v", i, th, wantKey, tt.contentType, tt.want[i])
				}
				data, ok := store.Get(th.Key)
				if !ok || len(data) != th.Bytes {
					t.Fatalf("%s not written", th.Key)
				}
				cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
				if err != nil || "image/"+format != th.ContentType || cfg.Width != th.Width || cfg.Height != th.Height {
					t.Errorf("%s decodes as %s %dx%d (%v)", th.Key, format, cfg.Width, cfg.Height, err)
				}
			}
		})
	}
}

func TestRepeatedEventRewritesTheSameObjects(t *testing.T) {
	store := &objectstore.Memory{}
	key := "uploads/u1/a.jpg"
	store.Put(key, encode(t, "jpeg", picture(300, 200)))
	first, err := maker(store).Handle(context.Background(), upload(key, "jpeg", 300, 200))
	if err != nil {
		t.Fatal(err)
	}
	second, _ := maker(store).Handle(context.Background(), upload(key, "jpeg", 300, 200))
	if !reflect.DeepEqual(first, second) || len(store.Keys()) != 3 {
		t.Errorf("a repeat changed the output: %v", store.Keys())
	}
}

func TestRefusesBadImagesBeforeDecoding(t *testing.T) {
	jpegData := encode(t, "jpeg", picture(400, 300))
	big := image.NewGray(image.Rect(0, 0, 8000, 7000)) // 56 MP, over the default limit
	var bigPNG bytes.Buffer
	(&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&bigPNG, big)
	tests := map[string][]byte{
		"truncated pixel data": jpegData[:len(jpegData)*2/3],
		"not an image":         []byte("just text"),
		"over the pixel limit": bigPNG.Bytes(),
	}
	for name, data := range tests {
		store := &objectstore.Memory{}
		store.Put("uploads/u1/x.jpg", data)
		_, err := maker(store).Handle(context.Background(), upload("uploads/u1/x.jpg", "jpeg", 400, 300))
		var unsupported *imagemeta.UnsupportedImage
		if !errors.As(err, &unsupported) {
			t.Errorf("%s: err = %v, want UnsupportedImage", name, err)
		}
		if len(store.Keys()) != 1 {
			t.Errorf("%s: thumbnails were written for a bad image", name)
		}
	}
	var gone *imagemeta.ImageGone
	if _, err := maker(&objectstore.Memory{}).Handle(context.Background(), upload("uploads/u1/x.jpg", "jpeg", 1, 1)); !errors.As(err, &gone) {
		t.Errorf("missing upload: %v", err)
	}
	var invalid *imagemeta.InvalidImageEvent
	if _, err := maker(&objectstore.Memory{}).Handle(context.Background(), upload("processed/u1/x.jpg", "jpeg", 1, 1)); !errors.As(err, &invalid) {
		t.Errorf("key outside uploads/: %v", err)
	}
}

func TestParseSizes(t *testing.T) {
	if got, err := ParseSizes("128, 512,1024"); err != nil || !reflect.DeepEqual(got, []int{128, 512, 1024}) {
		t.Errorf("ParseSizes = %v, %v", got, err)
	}
	for _, bad := range []string{"", "0", "-5", "big", "128,,512"} {
		if _, err := ParseSizes(bad); err == nil {
			t.Errorf("ParseSizes(%q) accepted", bad)
		}
	}
}

// BenchmarkThumbnail12MP measures thumbnailing a 12-megapixel JPEG to the
// default sizes: time per image, bytes allocated, and the peak heap.
func BenchmarkThumbnail12MP(b *testing.B) {
	store := &objectstore.Memory{}
	key := "uploads/u1/camera.jpg"
	store.Put(key, encode(b, "jpeg", picture(4000, 3000)))
	m := maker(store)
	in := upload(key, "jpeg", 4000, 3000)

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() { // sample the heap while the benchmark runs
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > peak.Load() {
					peak.Store(ms.HeapAlloc)
				}
			}
		}
	}()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Handle(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	close(stop)
	b.ReportMetric(float64(peak.Load()-min(peak.Load(), base.HeapAlloc))/(1<<20), "peak-heap-MiB")
}
