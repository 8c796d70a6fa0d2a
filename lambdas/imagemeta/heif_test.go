package imagemeta

import (
	"bytes"
	"testing"
)

func TestContainerTransformsCompose(t *testing.T) {
	tests := []struct {
		first, then, want Orientation
	}{
		{1, 8, 8}, {8, 8, 3}, {8, 3, 6}, {6, 8, 1}, // quarter turns
		{8, 2, 7}, {8, 4, 5}, // a quarter turn anticlockwise, then a mirror or a flip
		{2, 2, 1}, {4, 2, 3},
	}
	for _, tt := range tests {
		if got := tt.first.then(tt.then); got != tt.want {
			t.Errorf("%d then %d = %d, want %d", tt.first, tt.then, got, tt.want)
		}
	}
}

func TestHEIFContainerErrors(t *testing.T) {
	avif := photo(t, "orient8.avif")
	info, err := scanHEIF(bytes.NewReader(avif), int64(len(avif)))
	if err != nil || info.format != "avif" || info.width != 160 || info.height != 240 || info.orientation != 8 {
		t.Fatalf("orient8.avif: %+v, %v", info, err)
	}
	_, err = extract(t, "uploads/u/cut.avif", avif[:len(avif)-100])
	assertUnsupported(t, err, "it is truncated")
	notHEIF := append([]byte(nil), avif...)
	copy(notHEIF[8:12], "qt  ")
	copy(notHEIF[16:], bytes.Repeat([]byte("qt  "), 4))
	_, err = extract(t, "uploads/u/movie.mov", notHEIF)
	assertUnsupported(t, err, "names no HEIC or AVIF brand")
}
