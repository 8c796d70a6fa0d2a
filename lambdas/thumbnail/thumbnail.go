// Package thumbnail is the image workflow's Thumbnails step: it resizes an
// upload to the configured sizes, keeping its aspect ratio, with a
// Catmull-Rom filter, and writes each under processed/ with the right
// content type. Memory is bounded: the object is read only up to the byte
// limit, and decoded only after its header shows it within the pixel limit.
package thumbnail

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"sort"
	"strconv"
	"strings"

	"github.com/sfnkit/sfnkit/lambdas/imagemeta"
	"github.com/sfnkit/sfnkit/lambdas/objectstore"
)

// Thumbnail is one written thumbnail.
type Thumbnail struct {
	Size        int    `json:"size"`
	Key         string `json:"key"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	ContentType string `json:"contentType"`
	Bytes       int    `json:"bytes"`
}

// Result is what Thumbnails returns.
type Result struct {
	Thumbnails []Thumbnail `json:"thumbnails"`
}

// JPEGQuality is the quality of JPEG thumbnails.
const JPEGQuality = 82

// Maker is the Thumbnails Lambda.
type Maker struct {
	// Images reads uploads and writes thumbnails (the images bucket).
	Images objectstore.Store
	// Sizes are the bounding boxes (pixels per side) to fit thumbnails in.
	Sizes  []int
	Limits imagemeta.Limits
	// MinThickness is the fewest pixels a thumbnail's short side may have:
	// a panorama is cropped to its centre rather than scaled to a sliver.
	// If zero, DefaultMinThickness.
	MinThickness int
}

// ParseSizes reads a comma-separated list of sizes, as the function's
// environment carries them.
func ParseSizes(s string) ([]int, error) {
	var sizes []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("thumbnail size %q is not a positive integer", f)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}

// Handle makes every thumbnail of one upload, described by ExtractMetadata.
// Keys derive from the upload's key, so a repeated event rewrites the same
// objects.
func (m *Maker) Handle(ctx context.Context, in imagemeta.Image) (Result, error) {
	rel, ok := strings.CutPrefix(in.Key, "uploads/")
	if !ok || in.UserID == "" || !strings.HasPrefix(rel, in.UserID+"/") {
		return Result{}, &imagemeta.InvalidImageEvent{Reason: fmt.Sprintf("key %.100q is not an upload of user %q", in.Key, in.UserID)}
	}
	src, orientation, colors, err := m.decode(ctx, in.Key)
	if err != nil {
		return Result{}, err
	}
	transparent := !opaque(src)
	sizes := append([]int(nil), m.Sizes...)
	sort.Sort(sort.Reverse(sort.IntSlice(sizes)))
	var out Result
	for i, size := range sizes {
		// Each smaller thumbnail is scaled from the previous one: the filter
		// then reads a few hundred thousand pixels instead of millions. The
		// bounding box is square, so the largest can be turned upright
		// after scaling.
		thumb := resize(src, size, m.minThickness())
		if i == 0 {
			if nrgba, ok := thumb.(*image.NRGBA); ok && colors != nil {
				colors.apply(nrgba)
			}
			thumb = orient(thumb, orientation)
		}
		src = thumb
		data, contentType, ext, err := encodeThumbnail(thumb, transparent)
		if err != nil {
			return Result{}, err
		}
		key := fmt.Sprintf("processed/%s/%d.%s", rel, size, ext)
		w, err := m.Images.Create(ctx, key, contentType)
		if err != nil {
			return Result{}, err
		}
		if _, err := w.Write(data); err != nil {
			return Result{}, err
		}
		if err := w.Close(); err != nil {
			return Result{}, err
		}
		b := thumb.Bounds()
		out.Thumbnails = append(out.Thumbnails, Thumbnail{Size: size, Key: key, Width: b.Dx(), Height: b.Dy(), ContentType: contentType, Bytes: len(data)})
	}
	return out, nil
}

// encodeThumbnail writes images with any transparent pixel as PNG, keeping
// their transparency, and opaque ones as JPEG; the key's extension and the
// content type follow, so nothing downstream guesses them.
func encodeThumbnail(img image.Image, transparent bool) ([]byte, string, string, error) {
	var b bytes.Buffer
	if transparent {
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		err := enc.Encode(&b, img)
		return b.Bytes(), "image/png", "png", err
	}
	err := jpeg.Encode(&b, img, &jpeg.Options{Quality: JPEGQuality})
	return b.Bytes(), "image/jpeg", "jpg", err
}
