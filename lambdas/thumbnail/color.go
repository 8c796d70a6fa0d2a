package thumbnail

import (
	"encoding/binary"
	"image"
	"math"
)

// colorTransform converts pixels described by a matrix/TRC ICC profile
// (the kind cameras and phones embed: Adobe RGB, Display P3) to sRGB.
type colorTransform struct {
	linear [3][256]float64 // the profile's tone curves, per channel
	matrix [3][3]float64   // device RGB, linear, to linear sRGB
}

// xyzD50ToSRGB is the inverse of sRGB's Bradford-adapted D50 matrix, as
// ICC profile connection space values are D50.
var xyzD50ToSRGB = [3][3]float64{
	{3.1338561, -1.6168667, -0.4906146},
	{-0.9787684, 1.9161415, 0.0334540},
	{0.0719453, -0.2289914, 1.4052427},
}

// parseICC reads an RGB display profile with rXYZ/gXYZ/bXYZ and
// rTRC/gTRC/bTRC tags. It returns nil for anything else (LUT-based, CMYK,
// grey or malformed profiles), whose pixels are then taken as sRGB.
func parseICC(p []byte) *colorTransform {
	if len(p) < 132 || string(p[16:20]) != "RGB " || string(p[20:24]) != "XYZ " {
		return nil
	}
	tags := map[string][]byte{}
	count := int(binary.BigEndian.Uint32(p[128:132]))
	for i := 0; i < count && 132+12*i+12 <= len(p); i++ {
		e := p[132+12*i:]
		off, n := int(binary.BigEndian.Uint32(e[4:8])), int(binary.BigEndian.Uint32(e[8:12]))
		if off >= 0 && n >= 0 && off+n <= len(p) && off+n >= off {
			tags[string(e[:4])] = p[off : off+n]
		}
	}
	var t colorTransform
	var toXYZ [3][3]float64
	for c, name := range []string{"r", "g", "b"} {
		xyz := tags[name+"XYZ"]
		if len(xyz) < 20 || string(xyz[:4]) != "XYZ " {
			return nil
		}
		for k := 0; k < 3; k++ {
			toXYZ[k][c] = float64(int32(binary.BigEndian.Uint32(xyz[8+4*k:]))) / 65536
		}
		curve := toneCurve(tags[name+"TRC"])
		if curve == nil {
			return nil
		}
		for v := 0; v < 256; v++ {
			t.linear[c][v] = curve(float64(v) / 255)
		}
	}
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			for k := 0; k < 3; k++ {
				t.matrix[i][j] += xyzD50ToSRGB[i][k] * toXYZ[k][j]
			}
		}
	}
	return &t
}

// toneCurve reads a curv or para tag as a function from encoded [0, 1]
// to linear [0, 1].
func toneCurve(b []byte) func(float64) float64 {
	if len(b) < 12 {
		return nil
	}
	switch string(b[:4]) {
	case "curv":
		n := int(binary.BigEndian.Uint32(b[8:12]))
		switch {
		case n == 0:
			return func(x float64) float64 { return x }
		case n == 1 && len(b) >= 14:
			g := float64(binary.BigEndian.Uint16(b[12:14])) / 256
			return func(x float64) float64 { return math.Pow(x, g) }
		case n > 1 && len(b) >= 12+2*n:
			table := make([]float64, n)
			for i := range table {
				table[i] = float64(binary.BigEndian.Uint16(b[12+2*i:])) / 65535
			}
			return func(x float64) float64 {
				pos := x * float64(n-1)
				i := min(int(pos), n-2)
				f := pos - float64(i)
				return table[i]*(1-f) + table[i+1]*f
			}
		}
	case "para":
		kind := int(binary.BigEndian.Uint16(b[8:10]))
		params := []int{1, 3, 4, 5, 7}
		if kind > 4 || len(b) < 12+4*params[kind] {
			return nil
		}
		var v [7]float64
		for i := 0; i < params[kind]; i++ {
			v[i] = float64(int32(binary.BigEndian.Uint32(b[12+4*i:]))) / 65536
		}
		g, a, bb, c, d, e, f := v[0], v[1], v[2], v[3], v[4], v[5], v[6]
		switch kind {
		case 0:
			return func(x float64) float64 { return math.Pow(x, g) }
		case 1:
			return func(x float64) float64 { return powIf(x >= -bb/a, a*x+bb, g, 0) }
		case 2:
			return func(x float64) float64 { return powIf(x >= -bb/a, a*x+bb, g, 0) + c }
		case 3:
			return func(x float64) float64 { return powIf(x >= d, a*x+bb, g, c*x) }
		case 4:
			return func(x float64) float64 { return powIf(x >= d, a*x+bb, g, c*x+f-e) + e }
		}
	}
	return nil
}

func powIf(cond bool, base, g, otherwise float64) float64 {
	if cond && base > 0 {
		return math.Pow(base, g)
	}
	if cond {
		return 0
	}
	return otherwise
}

// encodeSRGB is sRGB's transfer function, from linear [0, 1] to 8 bits.
func encodeSRGB(v float64) uint8 {
	v = min(1, max(0, v))
	if v <= 0.0031308 {
		v *= 12.92
	} else {
		v = 1.055*math.Pow(v, 1/2.4) - 0.055
	}
	return uint8(math.Round(v * 255))
}

// apply converts a thumbnail's pixels to sRGB in place.
func (t *colorTransform) apply(img *image.NRGBA) {
	var out [1 << 12]uint8 // sRGB encoding of linear values in 4096 steps
	for i := range out {
		out[i] = encodeSRGB(float64(i) / float64(len(out)-1))
	}
	enc := func(v float64) uint8 { return out[int(min(1, max(0, v))*float64(len(out)-1)+0.5)] }
	for i := 0; i+3 < len(img.Pix); i += 4 {
		r, g, b := t.linear[0][img.Pix[i]], t.linear[1][img.Pix[i+1]], t.linear[2][img.Pix[i+2]]
		m := &t.matrix
		img.Pix[i] = enc(m[0][0]*r + m[0][1]*g + m[0][2]*b)
		img.Pix[i+1] = enc(m[1][0]*r + m[1][1]*g + m[1][2]*b)
		img.Pix[i+2] = enc(m[2][0]*r + m[2][1]*g + m[2][2]*b)
	}
}
