package imageprocessing

import (
	"strings"
	"testing"
)

func TestPropsValidate(t *testing.T) {
	tests := []struct {
		name  string
		props *Props
		want  string
	}{
		{"nil", nil, ""},
		{"zero value", &Props{}, ""},
		{"custom sizes and model", &Props{ThumbnailSizes: []int{64, 256, 4096}, SageMakerEndpoint: "image-classifier-v2"}, ""},
		{"empty sizes", &Props{ThumbnailSizes: []int{}}, "Props.ThumbnailSizes is []; give 1 to 8 sizes"},
		{"zero size", &Props{ThumbnailSizes: []int{0, 128}}, "Props.ThumbnailSizes holds 0; each size must be 1 to 4096"},
		{"negative size", &Props{ThumbnailSizes: []int{-128}}, "Props.ThumbnailSizes holds -128"},
		{"absurd size", &Props{ThumbnailSizes: []int{100000}}, "Props.ThumbnailSizes holds 100000"},
		{"duplicate size", &Props{ThumbnailSizes: []int{128, 128}}, "holds 128 twice"},
		{"too many sizes", &Props{ThumbnailSizes: []int{1, 2, 3, 4, 5, 6, 7, 8, 9}}, "give 1 to 8 sizes"},
		{"endpoint with underscore", &Props{SageMakerEndpoint: "my_model"}, `Props.SageMakerEndpoint is "my_model"`},
		{"endpoint ending in hyphen", &Props{SageMakerEndpoint: "model-"}, `Props.SageMakerEndpoint is "model-"`},
		{"endpoint too long", &Props{SageMakerEndpoint: strings.Repeat("a", 64)}, "Props.SageMakerEndpoint is"},
		{"confidence over 100", &Props{ModerationMinConfidence: 120}, "Props.ModerationMinConfidence is 120"},
		{"pixel limit too high", &Props{MaxPixels: 1 << 40}, "Props.MaxPixels is"},
		{"negative byte limit", &Props{MaxBytes: -1}, "Props.MaxBytes is -1"},
		{"memory below the worst case", &Props{ThumbnailMemoryMiB: 1024}, "Props.ThumbnailMemoryMiB is 1024 but MaxPixels 50000000 and MaxBytes 52428800 need 1914 MiB"},
		{"memory for a lower pixel limit", &Props{ThumbnailMemoryMiB: 1071, MaxPixels: 24_000_000}, ""},
		{"memory beyond Lambda", &Props{ThumbnailMemoryMiB: 20000}, "Props.ThumbnailMemoryMiB is 20000; it must be at most 10240"},
		{"memory one MiB short", &Props{ThumbnailMemoryMiB: 1070, MaxPixels: 24_000_000}, "need 1071 MiB"},
		{"negative thickness", &Props{ThumbnailMinThickness: -1}, "Props.ThumbnailMinThickness is -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.props.Validate()
			if tt.want == "" {
				if err != nil {
					t.Errorf("Validate() = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v, want %q", err, tt.want)
			}
		})
	}
}
