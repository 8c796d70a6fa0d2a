package thumbnail

import (
	"image"
	"image/draw"

	xdraw "golang.org/x/image/draw" // the Go team's resampling kernels; the standard library only has nearest-neighbour
)

// DefaultMinThickness is the short side, in pixels, below which a
// thumbnail is not made thinner: a 20000×10 panorama in a 512 box becomes
// 512×32 of its centre, not 512×1 of everything.
const DefaultMinThickness = 32

func (m *Maker) minThickness() int {
	if m.MinThickness > 0 {
		return m.MinThickness
	}
	return DefaultMinThickness
}

// resize fits src in a size×size box, keeping its aspect ratio and never
// enlarging it, with one exception for extreme aspect ratios: the short
// side is never below minThickness (or size, if smaller). An image longer
// than size/minThickness times its short side is first cropped to that
// ratio around its centre, and enlarged if even its short side is thinner.
func resize(src image.Image, size, minThickness int) image.Image {
	b := src.Bounds()
	crop, w, h := fit(b.Dx(), b.Dy(), size, minThickness)
	crop = crop.Add(b.Min)
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	if w == crop.Dx() && h == crop.Dy() {
		draw.Draw(dst, dst.Bounds(), src, crop.Min, draw.Src)
		return dst
	}
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, crop, xdraw.Src, nil)
	return dst
}

// fit returns the part of a w×h image a thumbnail shows (its centre,
// relative to the image's origin) and the thumbnail's size.
func fit(w, h, size, minThickness int) (image.Rectangle, int, int) {
	minThickness = max(1, min(minThickness, size))
	long, short := max(w, h), min(w, h)
	// The longest a thumbnail may be for its short side: size/minThickness.
	if maxLong := short * size / minThickness; long > maxLong {
		long = max(1, maxLong)
	}
	tl, ts := long, short // the thumbnail's long and short sides: never enlarged
	if long > size {
		tl, ts = size, max(1, short*size/long)
	}
	if ts < minThickness { // only for a crop thinner than minThickness itself
		tl, ts = min(size, long*minThickness/short), minThickness
	}
	crop := image.Rect(0, 0, long, short)
	if w >= h {
		crop = crop.Add(image.Pt((w-long)/2, 0))
		return crop, tl, ts
	}
	crop = image.Rect(0, 0, short, long).Add(image.Pt(0, (h-long)/2))
	return crop, ts, tl
}
