package imagemeta

import (
	"encoding/binary"
	"testing"
	"time"
)

// tiffWith builds a little-endian TIFF structure whose IFD0 holds the
// given entries (tag, type, count, value) and links to next.
func tiffWith(next uint32, entries ...[4]uint32) []byte {
	b := []byte("II*\x00\x08\x00\x00\x00")
	b = binary.LittleEndian.AppendUint16(b, uint16(len(entries)))
	for _, e := range entries {
		b = binary.LittleEndian.AppendUint16(b, uint16(e[0]))
		b = binary.LittleEndian.AppendUint16(b, uint16(e[1]))
		b = binary.LittleEndian.AppendUint32(b, e[2])
		b = binary.LittleEndian.AppendUint32(b, e[3])
	}
	return binary.LittleEndian.AppendUint32(b, next)
}

func TestHostileEXIFPayloads(t *testing.T) {
	orientation6 := [4]uint32{0x0112, 3, 1, 6}
	tests := []struct {
		name    string
		payload []byte
		want    Orientation
	}{
		{"orientation 6", tiffWith(0, orientation6), 6},
		// IFD0 links to itself through a second directory at the same
		// offset: goexif would follow the chain for ever.
		{"directory cycle", tiffWith(8, orientation6), 6},
		// 2³¹+2 shorts overflow goexif's length to 4 bytes, after which it
		// allocates 2³¹ int64 values.
		{"overflowing count", tiffWith(0, [4]uint32{0x010f, 3, 1<<31 + 2, 0}, orientation6), 6},
		{"an Exif pointer to nowhere", tiffWith(0, [4]uint32{0x8769, 4, 1, 1 << 30}, orientation6), 6},
		{"orientation 9", tiffWith(0, [4]uint32{0x0112, 3, 1, 9}), 1},
		{"too short", []byte("II*\x00"), 1},
	}
	for _, tt := range tests {
		done := make(chan Orientation, 1)
		go func() { done <- exifOrientation(tt.payload) }()
		select {
		case got := <-done:
			if got != tt.want {
				t.Errorf("%s: orientation %d, want %d", tt.name, got, tt.want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: still reading after 5 s", tt.name)
		}
	}
}
