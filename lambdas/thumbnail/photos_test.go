package thumbnail

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/draw"
	"os"
	"path/filepath"
	"testing"

	"github.com/sfnkit/sfnkit/lambdas/imagemeta"
	"github.com/sfnkit/sfnkit/lambdas/objectstore"
)

// photo reads a test photo made by ../imagemeta/testdata/make.sh.
func photo(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "imagemeta", "testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// rgba decodes an encoded image into RGBA pixels.
func rgba(tb testing.TB, data []byte) *image.NRGBA {
	tb.Helper()
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	out := image.NewNRGBA(image.Rect(0, 0, img.Bounds().Dx(), img.Bounds().Dy()))
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Src)
	return out
}

// meanDifference is the mean absolute difference of the colour channels,
// 0 to 255; a picture turned the wrong way scores far above re-encoding
// noise.
func meanDifference(a, b *image.NRGBA) float64 {
	var sum, n float64
	for i := 0; i < len(a.Pix); i += 4 {
		for c := 0; c < 3; c++ {
			d := float64(a.Pix[i+c]) - float64(b.Pix[i+c])
			if d < 0 {
				d = -d
			}
			sum += d
			n++
		}
	}
	return sum / n
}

// thumbnailOf runs the Thumbnails step on one file with a single box
// larger than the test photos, so the thumbnail is the photo, upright.
func thumbnailOf(tb testing.TB, name string, data []byte) (Thumbnail, []byte) {
	tb.Helper()
	store := &objectstore.Memory{}
	key := "uploads/u1/" + name
	store.Put(key, data)
	m := &Maker{Images: store, Sizes: []int{512}, Limits: imagemeta.DefaultLimits}
	res, err := m.Handle(context.Background(), imagemeta.Image{Key: key, UserID: "u1"})
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	th := res.Thumbnails[0]
	out, _ := store.Get(th.Key)
	return th, out
}

func TestRealPhotosGiveUprightThumbnails(t *testing.T) {
	upright := rgba(t, photo(t, "upright.jpg"))
	quarter := orient(upright, 6).(*image.NRGBA) // the upright photo turned a quarter clockwise
	tests := []struct {
		file string
		want *image.NRGBA
		max  float64 // mean difference allowed: lossy re-encoding
	}{
		{"orient2.jpg", upright, 6}, {"orient3.jpg", upright, 6}, {"orient4.jpg", upright, 6},
		{"orient5.jpg", upright, 6}, {"orient6.jpg", upright, 6}, {"orient7.jpg", upright, 6},
		{"orient8.jpg", upright, 6}, {"orient6.webp", upright, 10}, {"orient8.png", upright, 6},
		{"motion.jpg", upright, 3}, {"cmyk.jpg", upright, 8},
		{"adobergb.jpg", upright, 4}, // Adobe RGB pixels, converted with their profile
		{"upright.heic", upright, 10}, {"upright.avif", upright, 10},
		{"orient8.avif", upright, 10}, // irot turns it; its EXIF tag must not turn it again
		// heif-enc 1.15 writes no irot: HEIF readers ignore the EXIF tag,
		// so the stored pixels, a quarter turn clockwise, are what is shown.
		{"orient8.heic", quarter, 10},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			th, data := thumbnailOf(t, tt.file, photo(t, tt.file))
			wb := tt.want.Bounds()
			if th.Width != wb.Dx() || th.Height != wb.Dy() || th.ContentType != "image/jpeg" || filepath.Ext(th.Key) != ".jpg" {
				t.Fatalf("thumbnail %+v; want %dx%d image/jpeg .jpg", th, wb.Dx(), wb.Dy())
			}
			if d := meanDifference(rgba(t, data), tt.want); d > tt.max {
				t.Errorf("mean difference from the upright reference %.1f > %.1f", d, tt.max)
			}
		})
	}
}

func TestTransparentWebPGivesPNGThumbnails(t *testing.T) {
	th, data := thumbnailOf(t, "transparent.webp", photo(t, "transparent.webp"))
	if th.ContentType != "image/png" || filepath.Ext(th.Key) != ".png" {
		t.Fatalf("thumbnail %+v; want a PNG", th)
	}
	img := rgba(t, data)
	transparent := 0
	for i := 3; i < len(img.Pix); i += 4 {
		if img.Pix[i] < 128 {
			transparent++
		}
	}
	if transparent < len(img.Pix)/4/10 {
		t.Errorf("%d transparent pixels of %d: the background was lost", transparent, len(img.Pix)/4)
	}
}

func TestGIFFrameLargerThanItsCanvasIsClipped(t *testing.T) {
	gif := append([]byte(nil), photo(t, "animated.gif")...)
	binary.LittleEndian.PutUint16(gif[6:], 40) // a 40×32 canvas under a 48×32 frame
	th, data := thumbnailOf(t, "overflow.gif", gif)
	if th.Width != 40 || th.Height != 32 {
		t.Fatalf("thumbnail %+v; want the 40×32 canvas", th)
	}
	want := image.NewNRGBA(image.Rect(0, 0, 40, 32))
	first := rgba(t, photo(t, "animated.gif"))
	draw.Draw(want, want.Bounds(), first, image.Point{}, draw.Src)
	if d := meanDifference(rgba(t, data), want); d > 12 { // a palette image through JPEG
		t.Errorf("mean difference from the clipped first frame %.1f > 12", d)
	}
}
