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
	Format      string `json:"format"` // jpeg, png, gif, webp, heic or avif
	ContentType string `json:"contentType"`
	// Width and Height are the displayed size: the stored size turned by
	// Orientation.
	Width  int `json:"width"`
	Height int `json:"height"`
	// StoredWidth and StoredHeight are the size of the pixels as stored.
	StoredWidth  int `json:"storedWidth"`
	StoredHeight int `json:"storedHeight"`
	// Orientation is the file's own EXIF orientation, 1 (upright) when it
	// has none.
	Orientation Orientation `json:"orientation"`
	Bytes       int64       `json:"bytes"`
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

// MaxHeaderBytes is the most of a PNG, GIF or WebP object read to find its
// dimensions. JPEG segments are skipped by their length instead, so any
// amount of metadata before the frame header is accepted.
const MaxHeaderBytes = 1 << 20

// headerChunk is the size of each ranged GET of the header.
const headerChunk = 64 << 10

var (
	// uploadKey allows only S3's "safe characters" in names, so the
	// workflow can use a key in a copy source without URL-encoding it.
	uploadKey   = regexp.MustCompile(`^uploads/([A-Za-z0-9_-]{1,64})/([A-Za-z0-9!_.*'()/-]+)$`)
	contentType = map[string]string{"jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp", "heic": "image/heic", "avif": "image/avif"}
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

	src := &rangeSource{ctx: ctx, objects: x.Objects, key: img.Key, size: size, buf: head}
	d, reason := describe(src, size, x.Limits)
	if src.err != nil {
		return Image{}, src.err // storage failed, not the image
	}
	if reason != "" {
		return Image{}, &UnsupportedImage{Key: img.Key, Reason: reason}
	}
	img.Format, img.ContentType = d.Format, d.ContentType
	img.Width, img.Height, img.StoredWidth, img.StoredHeight, img.Orientation = d.Width, d.Height, d.StoredWidth, d.StoredHeight, d.Orientation
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

// rangeSource serves an object at random offsets through ranged GETs of at
// least headerChunk bytes, keeping the last one; it starts with the
// object's first chunk. A storage failure is kept in err, so a parser
// treating it as the end of the data is not mistaken for a bad image.
type rangeSource struct {
	ctx     context.Context
	objects objectstore.RangeReader
	key     string
	size    int64
	buf     []byte
	bufOff  int64
	err     error
}

// ReadAt implements io.ReaderAt.
func (s *rangeSource) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off >= s.size {
		return 0, io.EOF
	}
	if off < s.bufOff || off+int64(len(p)) > s.bufOff+int64(len(s.buf)) {
		if s.err != nil {
			return 0, s.err
		}
		chunk, _, err := s.objects.ReadRange(s.ctx, s.key, off, max(int64(len(p)), headerChunk))
		if err != nil {
			s.err = err
			return 0, err
		}
		s.buf, s.bufOff = chunk, off
	}
	n := copy(p, s.buf[off-s.bufOff:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
