package imageprocessing

import (
	"fmt"
	"math"
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"

	"github.com/sfnkit/sfnkit/workflows/imageprocessing/contract"

	"github.com/sfnkit/sfnkit/constructs/gofunction"
)

// Defaults and limits of the image workflow.
const (
	DefaultModerationMinConfidence = 80.0
	MaxThumbnailSize               = 4096
	MaxThumbnailSizes              = 8
	// MaxImageBytes is the largest object the Lambdas can hold with their
	// memory; beyond it, MaxBytes is refused.
	MaxImageBytes = 200 << 20
	// MaxImagePixels bounds MaxPixels.
	MaxImagePixels = 100_000_000
	// MaxFunctionMemoryMiB is Lambda's largest memory setting.
	MaxFunctionMemoryMiB = 10240
	// WorstCaseBytesPerPixel is the thumbnail function's peak memory per
	// pixel of the pixel limit, measured by bench/images.sh on its worst
	// format, HEIC: 1,573 MiB resident at 50 megapixels (the WebAssembly
	// decoder's memory holds the file, the decoded planes and the output,
	// which is then copied into Go), 33 bytes a pixel. A progressive CMYK
	// JPEG comes next at 1,290 MiB: Go's decoder keeps every DCT
	// coefficient (4 bytes a sample) and the CMYK image at once.
	WorstCaseBytesPerPixel = 34
	// functionBaseMiB is the runtime, the code and the WebAssembly
	// decoders' compiled modules, with a margin.
	functionBaseMiB = 192
)

// ThumbnailMemoryMiB is the memory the thumbnail function needs for the
// worst image within the limits: the measured peak per pixel, the file
// itself twice (read, then held while decoding) and the runtime.
func ThumbnailMemoryMiB(maxPixels, maxBytes int64) int {
	return int((WorstCaseBytesPerPixel*maxPixels+2*maxBytes+(1<<20-1))>>20) + functionBaseMiB
}

// DefaultThumbnailSizes are the bounding boxes of the thumbnails.
var DefaultThumbnailSizes = []int{128, 512}

// Handlers chooses the code of the image workflow's functions; each zero
// Handler is this library's handler, real logic all three.
type Handlers struct {
	// ExtractMetadata reads an upload's format and dimensions and refuses
	// what is not a supported image. If zero, lambdas/imagemeta.
	ExtractMetadata gofunction.Handler
	// MakeThumbnails writes the thumbnails under processed/. If zero,
	// lambdas/thumbnail.
	MakeThumbnails gofunction.Handler
	// GenerateInsights turns labels and preferences into insights. If
	// zero, lambdas/insights.
	GenerateInsights gofunction.Handler
}

// Props configures the image workflow. The zero value is a working, secure
// configuration.
type Props struct {
	// Handlers chooses the functions' code. A zero Handler is this
	// library's handler for the step. Functions built from an Entry get the
	// step's environment and bucket permissions; existing functions get
	// neither.
	Handlers Handlers

	// ThumbnailSizes are the boxes (pixels per side) thumbnails fit in. If
	// nil, DefaultThumbnailSizes. 1 to 8 distinct sizes of 1 to 4096.
	ThumbnailSizes []int

	// SageMakerEndpoint names an existing SageMaker endpoint to ask about
	// every image, in parallel with Rekognition. If empty, none.
	SageMakerEndpoint string

	// ModerationMinConfidence is the confidence (percent) at which a
	// moderation label quarantines an image. If zero, 80. At most 100.
	ModerationMinConfidence float64

	// MaxPixels refuses images with more pixels. If zero, 50 million.
	MaxPixels int64

	// MaxBytes refuses larger objects. If zero, 50 MiB.
	MaxBytes int64

	// ThumbnailMemoryMiB is the thumbnail function's memory. It is one
	// setting with MaxPixels and MaxBytes, validated with them: if zero,
	// ThumbnailMemoryMiB(MaxPixels, MaxBytes), 1,914 MiB for the defaults;
	// if set, at least that much and at most 10,240.
	ThumbnailMemoryMiB int

	// ThumbnailMinThickness is the fewest pixels a thumbnail's short side
	// may have: images with a more extreme aspect ratio are cropped to
	// their centre. If zero, the function's default, 32. At most 4096.
	ThumbnailMinThickness int

	// Key encrypts everything the workflow stores. If nil, one is created.
	Key awskms.IKey

	// AlarmTopic receives the state machine's alarms. If nil, one is created.
	AlarmTopic awssns.ITopic

	// LogRetention is how long logs are kept. If empty, three months.
	LogRetention awslogs.RetentionDays

	// RemovalPolicy applies to the bucket, tables, key and log groups. If
	// empty, RETAIN.
	RemovalPolicy awscdk.RemovalPolicy
}

// sageMakerEndpointName is SageMaker's rule for endpoint names.
var sageMakerEndpointName = regexp.MustCompile(`^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$`)

// Validate reports the first invalid prop, naming it, the value received
// and the fix. It needs no synthesis.
func (p *Props) Validate() error {
	if p == nil {
		return nil
	}
	for _, f := range []struct {
		name    string
		handler gofunction.Handler
	}{{"ExtractMetadata", p.Handlers.ExtractMetadata}, {"MakeThumbnails", p.Handlers.MakeThumbnails}, {"GenerateInsights", p.Handlers.GenerateInsights}} {
		if err := f.handler.Validate("imageprocessing: Props.Handlers." + f.name); err != nil {
			return err
		}
	}
	if p.ThumbnailSizes != nil {
		if len(p.ThumbnailSizes) == 0 || len(p.ThumbnailSizes) > MaxThumbnailSizes {
			return fmt.Errorf("imageprocessing: Props.ThumbnailSizes is %v; give 1 to %d sizes, or nil for %v", p.ThumbnailSizes, MaxThumbnailSizes, DefaultThumbnailSizes)
		}
		seen := map[int]bool{}
		for _, s := range p.ThumbnailSizes {
			if s < 1 || s > MaxThumbnailSize {
				return fmt.Errorf("imageprocessing: Props.ThumbnailSizes holds %d; each size must be 1 to %d pixels", s, MaxThumbnailSize)
			}
			if seen[s] {
				return fmt.Errorf("imageprocessing: Props.ThumbnailSizes holds %d twice; list each size once", s)
			}
			seen[s] = true
		}
	}
	if p.SageMakerEndpoint != "" && !sageMakerEndpointName.MatchString(p.SageMakerEndpoint) {
		return fmt.Errorf("imageprocessing: Props.SageMakerEndpoint is %q; an endpoint name is 1-63 letters, digits and hyphens, starting and ending with a letter or digit", p.SageMakerEndpoint)
	}
	if c := p.ModerationMinConfidence; math.IsNaN(c) || c < 0 || c > 100 {
		return fmt.Errorf("imageprocessing: Props.ModerationMinConfidence is %v; it is a percentage in [0, 100], or 0 for the default %v", c, DefaultModerationMinConfidence)
	}
	if p.MaxPixels < 0 || p.MaxPixels > MaxImagePixels {
		return fmt.Errorf("imageprocessing: Props.MaxPixels is %d; it must be 1 to %d, or 0 for the default %d", p.MaxPixels, MaxImagePixels, contract.DefaultMaxPixels)
	}
	if p.MaxBytes < 0 || p.MaxBytes > MaxImageBytes {
		return fmt.Errorf("imageprocessing: Props.MaxBytes is %d; it must be 1 to %d, or 0 for the default %d", p.MaxBytes, MaxImageBytes, contract.DefaultMaxBytes)
	}
	if p.ThumbnailMinThickness < 0 || p.ThumbnailMinThickness > MaxThumbnailSize {
		return fmt.Errorf("imageprocessing: Props.ThumbnailMinThickness is %d; it must be 1 to %d pixels, or 0 for the default", p.ThumbnailMinThickness, MaxThumbnailSize)
	}
	d := p.withDefaults()
	need := ThumbnailMemoryMiB(d.MaxPixels, d.MaxBytes)
	switch m := p.ThumbnailMemoryMiB; {
	case need > MaxFunctionMemoryMiB:
		return fmt.Errorf("imageprocessing: Props.MaxPixels %d and MaxBytes %d need %d MiB for the thumbnail function, more than Lambda's %d; lower them", d.MaxPixels, d.MaxBytes, need, MaxFunctionMemoryMiB)
	case m < 0 || m > MaxFunctionMemoryMiB:
		return fmt.Errorf("imageprocessing: Props.ThumbnailMemoryMiB is %d; it must be at most %d, or 0 to size it from MaxPixels (%d MiB)", m, MaxFunctionMemoryMiB, need)
	case m != 0 && m < need:
		return fmt.Errorf("imageprocessing: Props.ThumbnailMemoryMiB is %d but MaxPixels %d and MaxBytes %d need %d MiB in the worst case (a 50-megapixel HEIC needs 1,573); raise it, lower MaxPixels, or leave it 0", m, d.MaxPixels, d.MaxBytes, need)
	}
	return nil
}

func (p *Props) withDefaults() Props {
	var out Props
	if p != nil {
		out = *p
	}
	out.Handlers = Handlers{
		ExtractMetadata:  out.Handlers.ExtractMetadata.Or(EntryExtractMetadata),
		MakeThumbnails:   out.Handlers.MakeThumbnails.Or(EntryMakeThumbnails),
		GenerateInsights: out.Handlers.GenerateInsights.Or(EntryGenerateInsights),
	}
	if out.ThumbnailSizes == nil {
		out.ThumbnailSizes = DefaultThumbnailSizes
	}
	if out.ModerationMinConfidence == 0 {
		out.ModerationMinConfidence = DefaultModerationMinConfidence
	}
	if out.MaxPixels == 0 {
		out.MaxPixels = contract.DefaultMaxPixels
	}
	if out.MaxBytes == 0 {
		out.MaxBytes = contract.DefaultMaxBytes
	}
	if out.RemovalPolicy == "" {
		out.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	if out.ThumbnailMemoryMiB == 0 {
		out.ThumbnailMemoryMiB = ThumbnailMemoryMiB(out.MaxPixels, out.MaxBytes)
	}
	return out
}
