package thumbnail

import (
	"image"
	"testing"

	"github.com/sfnkit/sfnkit/lambdas/imagemeta"
)

func TestICCProfiles(t *testing.T) {
	if parseICC(nil) != nil || parseICC([]byte("not a profile")) != nil {
		t.Error("a missing or malformed profile must give no transform")
	}
	// White stays white; a colour gets more saturated in sRGB, whose gamut
	// is smaller.
	tr := parseICC(imagemeta.ICCProfile("jpeg", photo(t, "adobergb.jpg")))
	if tr == nil {
		t.Fatal("the A98 profile was not read")
	}
	img := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	copy(img.Pix, []uint8{255, 255, 255, 255, 128, 64, 32, 255})
	tr.apply(img)
	if w := img.Pix[:3]; w[0] < 250 || w[1] < 250 || w[2] < 250 {
		t.Errorf("white became %v", w)
	}
	if p := img.Pix[4:7]; p[0] <= 128 || p[1] >= 64 {
		t.Errorf("Adobe RGB (128, 64, 32) became %v; in sRGB it is more saturated", p)
	}
}
