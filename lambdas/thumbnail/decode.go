package thumbnail

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/gen2brain/avif" // libavif compiled to WebAssembly, run by wazero: no cgo
	"github.com/gen2brain/heic" // libheif and libde265 compiled to WebAssembly
	"golang.org/x/image/webp"

	"github.com/sfnkit/sfnkit/lambdas/imagemeta"
	"github.com/sfnkit/sfnkit/lambdas/objectstore"
)

// decode reads the upload, refusing it before decoding when it exceeds
// the byte or pixel limits (imagemeta.Describe, as ExtractMetadata does),
// so no image can make the function allocate more than those limits
// allow. It returns the stored pixels, the orientation that still turns
// them upright and the conversion of their colours to sRGB (nil when they
// are sRGB or their profile is not a matrix/TRC RGB one).
func (m *Maker) decode(ctx context.Context, key string) (image.Image, imagemeta.Orientation, *colorTransform, error) {
	rc, err := m.Images.Open(ctx, key)
	if errors.Is(err, objectstore.ErrNotFound) {
		return nil, 0, nil, &imagemeta.ImageGone{Key: key}
	}
	if err != nil {
		return nil, 0, nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, m.Limits.MaxBytes+1))
	if err != nil {
		return nil, 0, nil, err
	}
	if int64(len(data)) > m.Limits.MaxBytes {
		return nil, 0, nil, &imagemeta.UnsupportedImage{Key: key, Reason: fmt.Sprintf("the object is larger than %d bytes", m.Limits.MaxBytes)}
	}
	desc, reason := imagemeta.Describe(data, m.Limits)
	if reason != "" {
		return nil, 0, nil, &imagemeta.UnsupportedImage{Key: key, Reason: reason}
	}
	img, err := decodePixels(desc.Format, data)
	if err != nil {
		return nil, 0, nil, &imagemeta.UnsupportedImage{Key: key, Reason: "the image data cannot be decoded (truncated or corrupt): " + err.Error()}
	}
	orientation := desc.Orientation
	if desc.Format == "heic" {
		orientation = 1 // libheif applies the container's irot and imir itself
	}
	return img, orientation, parseICC(imagemeta.ICCProfile(desc.Format, data)), nil
}

// decodePixels decodes data in the format Describe found.
func decodePixels(format string, data []byte) (image.Image, error) {
	r := bytes.NewReader(data)
	switch format {
	case "jpeg":
		return jpeg.Decode(r)
	case "png":
		return png.Decode(r)
	case "webp":
		return webp.Decode(r)
	case "gif":
		return decodeGIF(data)
	case "heic":
		return heic.Decode(r)
	case "avif":
		return avif.Decode(r)
	}
	return nil, fmt.Errorf("no decoder for %q", format)
}

// decodeGIF decodes the first frame, clipped to the canvas as browsers
// show it. Go's decoder refuses a frame that reaches outside the canvas,
// so the canvas in a copy of the header is first widened to hold it.
func decodeGIF(data []byte) (image.Image, error) {
	canvas, frame, err := imagemeta.GIFFirstFrame(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	if !frame.In(canvas) {
		if frame.Max.X > 0xffff || frame.Max.Y > 0xffff {
			return nil, fmt.Errorf("the first frame %v reaches past 65535 pixels", frame)
		}
		data = append([]byte(nil), data...)
		binary.LittleEndian.PutUint16(data[6:], uint16(max(canvas.Max.X, frame.Max.X)))
		binary.LittleEndian.PutUint16(data[8:], uint16(max(canvas.Max.Y, frame.Max.Y)))
	}
	img, err := gif.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	clipped := img.Bounds().Intersect(canvas)
	if clipped.Empty() {
		return nil, fmt.Errorf("the first frame lies outside the canvas")
	}
	sub, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	})
	if !ok {
		return nil, fmt.Errorf("the GIF decoder returned a %T", img)
	}
	return sub.SubImage(clipped), nil
}
