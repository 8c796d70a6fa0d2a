// Package imagemeta is the image workflow's ExtractMetadata step: from the
// S3 "Object Created" event of an upload it reads only the object's header
// (ranged GETs) and its last bytes, and reports format, dimensions and size,
// or rejects the object with UnsupportedImage and a reason: not an image,
// too many pixels (a decompression bomb), too many bytes, or truncated.
package imagemeta

import (
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // registers GIF with image.DecodeConfig
	_ "image/jpeg"
	_ "image/png"
	"io"
	"path"
	"regexp"
	"strings"

	_ "golang.org/x/image/webp" // the Go team's WebP decoder; the standard library has none

	"github.com/sfnkit/sfnkit/lambdas/objectstore"
	"github.com/sfnkit/sfnkit/workflows/imageprocessing/contract"
)

// Event is the EventBridge "Object Created" event of an upload.
type Event struct {
	Source     string `json:"source"`
	DetailType string `json:"detail-type"`
	Detail     struct {
		Bucket struct {
			Name string `json:"name"`
		} `json:"bucket"`
		Object struct {
			Key  string `json:"key"`
			Size int64  `json:"size"`
			ETag string `json:"etag"`
		} `json:"object"`
	} `json:"detail"`
}

// Image is what ExtractMetadata returns.
type Image struct {
	Bucket      string `json:"bucket"`
	Key         string `json:"key"`
	UserID      string `json:"userId"`
	Name        string `json:"name"`
	ETag        string `json:"etag"`
	Format      string `json:"format"` // jpeg, png, gif or webp
	ContentType string `json:"contentType"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	Bytes       int64  `json:"bytes"`
}

// Pixels is the image's pixel count.
func (i Image) Pixels() int64 { return int64(i.Width) * int64(i.Height) }

// UnsupportedImage is an upload the workflow will not process; the
// workflow catches it by this type name and quarantines the object.
type UnsupportedImage struct {
	Key    string
	Reason string
}

func (e *UnsupportedImage) Error() string {
	return fmt.Sprintf("unsupported image %s: %s", e.Key, e.Reason)
}

// InvalidImageEvent is an event that is not an upload of this workflow:
// another bucket, a key outside uploads/{userId}/, not an Object Created.
type InvalidImageEvent struct{ Reason string }

func (e *InvalidImageEvent) Error() string { return "invalid image event: " + e.Reason }

// ImageGone is an upload deleted before it was processed, typically a
// repeated event for an object already quarantined; there is nothing to do.
type ImageGone struct{ Key string }

func (e *ImageGone) Error() string { return "image " + e.Key + " no longer exists" }

// Limits bound what the workflow accepts.
type Limits struct {
	// MaxPixels refuses images with more pixels (width × height).
	MaxPixels int64
	// MaxBytes refuses larger objects.
	MaxBytes int64
}

// DefaultLimits accept a 50-megapixel photo of up to 50 MiB.
var DefaultLimits = Limits{MaxPixels: contract.DefaultMaxPixels, MaxBytes: contract.DefaultMaxBytes}

// MaxHeaderBytes is the most of an object read to find its dimensions;
// JPEG metadata segments (EXIF with an embedded preview) can push the frame
// header well past the first kilobytes.
const MaxHeaderBytes = 1 << 20

// headerChunk is the size of each ranged GET of the header.
const headerChunk = 64 << 10

var (
	// uploadKey allows only S3's "safe characters" in names, so the
	// workflow can use a key in a copy source without URL-encoding it.
	uploadKey   = regexp.MustCompile(`^uploads/([A-Za-z0-9_-]{1,64})/([A-Za-z0-9!_.*'()/-]+)$`)
	contentType = map[string]string{"jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}
)

// Extractor is the ExtractMetadata Lambda.
type Extractor struct {
	// Bucket is the images bucket; events for any other are refused.
	Bucket  string
	Objects objectstore.RangeReader
	Limits  Limits
}

// Handle inspects one upload.
func (x *Extractor) Handle(ctx context.Context, ev Event) (Image, error) {
	img, err := x.validateEvent(ev)
	if err != nil {
		return Image{}, err
	}
	head, size, err := x.Objects.ReadRange(ctx, img.Key, 0, headerChunk)
	if errors.Is(err, objectstore.ErrNotFound) {
		return Image{}, &ImageGone{Key: img.Key}
	}
	if err != nil {
		return Image{}, err
	}
	img.Bytes = size
	switch {
	case size == 0:
		return Image{}, &UnsupportedImage{Key: img.Key, Reason: "the object is empty"}
	case size > x.Limits.MaxBytes:
		return Image{}, &UnsupportedImage{Key: img.Key, Reason: fmt.Sprintf("the object is %d bytes; at most %d are accepted", size, x.Limits.MaxBytes)}
	}

	r := &headerReader{ctx: ctx, objects: x.Objects, key: img.Key, size: size, buf: head, next: int64(len(head))}
	cfg, format, err := image.DecodeConfig(r)
	switch {
	case r.err != nil && !errors.Is(r.err, errHeaderLimit):
		return Image{}, r.err // storage failed, not the image
	case errors.Is(err, image.ErrFormat):
		return Image{}, &UnsupportedImage{Key: img.Key, Reason: "the content is not a JPEG, PNG, GIF or WebP image"}
	case err != nil && errors.Is(r.err, errHeaderLimit):
		return Image{}, &UnsupportedImage{Key: img.Key, Reason: fmt.Sprintf("no image dimensions in the first %d bytes", MaxHeaderBytes)}
	case err != nil:
		return Image{}, &UnsupportedImage{Key: img.Key, Reason: fmt.Sprintf("the %s header is invalid or truncated: %v", format, err)}
	}
	img.Format, img.ContentType, img.Width, img.Height = format, contentType[format], cfg.Width, cfg.Height
	if img.Width <= 0 || img.Height <= 0 {
		return Image{}, &UnsupportedImage{Key: img.Key, Reason: fmt.Sprintf("the image claims %d×%d pixels", img.Width, img.Height)}
	}
	if img.Pixels() > x.Limits.MaxPixels {
		return Image{}, &UnsupportedImage{Key: img.Key, Reason: fmt.Sprintf("the image claims %d×%d pixels; at most %d pixels are accepted", img.Width, img.Height, x.Limits.MaxPixels)}
	}
	if reason, err := x.truncated(ctx, img, head); err != nil {
		return Image{}, err
	} else if reason != "" {
		return Image{}, &UnsupportedImage{Key: img.Key, Reason: reason}
	}
	return img, nil
}

func (x *Extractor) validateEvent(ev Event) (Image, error) {
	if ev.Source != "" && ev.Source != "aws.s3" || ev.DetailType != "" && ev.DetailType != "Object Created" {
		return Image{}, &InvalidImageEvent{Reason: fmt.Sprintf("a %.40q event from %.40q is not an S3 Object Created event", ev.DetailType, ev.Source)}
	}
	bucket, key := ev.Detail.Bucket.Name, ev.Detail.Object.Key
	if bucket != x.Bucket {
		return Image{}, &InvalidImageEvent{Reason: fmt.Sprintf("bucket %.70q is not the images bucket", bucket)}
	}
	m := uploadKey.FindStringSubmatch(key)
	if m == nil || len(key) > 1024 || strings.Contains(key, "//") || hasDotSegment(key) || strings.HasSuffix(key, "/") {
		return Image{}, &InvalidImageEvent{Reason: fmt.Sprintf("key %.100q is not uploads/{userId}/{name} with letters, digits and !_.*'()- only", key)}
	}
	return Image{Bucket: bucket, Key: key, UserID: m[1], Name: path.Base(m[2]), ETag: strings.Trim(ev.Detail.Object.ETag, `"`)}, nil
}

func hasDotSegment(key string) bool {
	for _, seg := range strings.Split(key, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// tailBytes is how much of the object's end is read for the end marker;
// some JPEG writers append a little data after the end-of-image marker.
const tailBytes = 2 << 10

// truncated checks the format's end marker, or for WebP the RIFF length,
// and returns why the object is truncated, or "".
func (x *Extractor) truncated(ctx context.Context, img Image, head []byte) (string, error) {
	if img.Format == "webp" {
		if len(head) < 12 {
			return "the WebP header is cut short", nil
		}
		riff := int64(head[4]) | int64(head[5])<<8 | int64(head[6])<<16 | int64(head[7])<<24
		if riff+8 > img.Bytes {
			return fmt.Sprintf("the WebP file declares %d bytes but has %d: it is truncated", riff+8, img.Bytes), nil
		}
		return "", nil
	}
	tail, _, err := x.Objects.ReadRange(ctx, img.Key, -tailBytes, tailBytes)
	if err != nil {
		return "", err
	}
	switch img.Format {
	case "png":
		if !strings.HasSuffix(string(tail), "\x00\x00\x00\x00IEND\xaeB`\x82") {
			return "the PNG file has no IEND chunk at its end: it is truncated", nil
		}
	case "jpeg":
		if !strings.Contains(string(tail), "\xff\xd9") {
			return "the JPEG file has no end-of-image marker: it is truncated", nil
		}
	case "gif":
		if len(tail) == 0 || tail[len(tail)-1] != 0x3b {
			return "the GIF file has no trailer byte: it is truncated", nil
		}
	}
	return "", nil
}

var errHeaderLimit = errors.New("header read limit reached")

// headerReader serves an object's beginning, fetching it in ranged chunks
// as the decoder asks for more, up to MaxHeaderBytes.
type headerReader struct {
	ctx     context.Context
	objects objectstore.RangeReader
	key     string
	size    int64
	buf     []byte
	next    int64 // offset of the byte after buf
	err     error
}

func (r *headerReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.next >= r.size {
			return 0, io.EOF
		}
		if r.next >= MaxHeaderBytes {
			r.err = errHeaderLimit
			return 0, r.err
		}
		chunk, _, err := r.objects.ReadRange(r.ctx, r.key, r.next, headerChunk)
		if err != nil {
			r.err = err
			return 0, err
		}
		if len(chunk) == 0 {
			return 0, io.EOF
		}
		r.buf, r.next = chunk, r.next+int64(len(chunk))
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}
