package thumbnail

import (
	"image"
	"testing"
)

func TestFitKeepsThumbnailsThickEnough(t *testing.T) {
	tests := []struct {
		w, h, size, min int
		crop            image.Rectangle
		tw, th          int
	}{
		{1200, 800, 128, 32, image.Rect(0, 0, 1200, 800), 128, 85},
		{300, 100, 512, 32, image.Rect(0, 0, 300, 100), 300, 100}, // never enlarged
		{20000, 10, 512, 32, image.Rect(9920, 0, 10080, 10), 512, 32},
		{10, 20000, 512, 32, image.Rect(0, 9920, 10, 10080), 32, 512},
		{20000, 1000, 512, 32, image.Rect(2000, 0, 18000, 1000), 512, 32},
		{8000, 1000, 512, 32, image.Rect(0, 0, 8000, 1000), 512, 64},
		{100, 10, 512, 32, image.Rect(0, 0, 100, 10), 320, 32},
		{4000, 100, 64, 100, image.Rect(1950, 0, 2050, 100), 64, 64}, // the minimum is at most the box
	}
	for _, tt := range tests {
		crop, tw, th := fit(tt.w, tt.h, tt.size, tt.min)
		if crop != tt.crop || tw != tt.tw || th != tt.th {
			t.Errorf("fit(%d×%d in %d, min %d) = %v %d×%d; want %v %d×%d", tt.w, tt.h, tt.size, tt.min, crop, tw, th, tt.crop, tt.tw, tt.th)
		}
	}
}

func TestPanoramaThumbnail(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 20000, 10))
	for i := range src.Pix {
		src.Pix[i] = 200
	}
	got := resize(src, 512, DefaultMinThickness)
	if b := got.Bounds(); b.Dx() != 512 || b.Dy() != 32 {
		t.Fatalf("20000×10 in 512: %v; want 512×32 of its centre", b)
	}
}
