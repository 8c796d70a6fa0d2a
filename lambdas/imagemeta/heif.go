package imagemeta

import (
	"encoding/binary"
	"fmt"
	"io"
)

// heifInfo is what the boxes of a HEIF file (HEIC or AVIF) say about its
// primary image, read without decoding any pixel.
type heifInfo struct {
	format        string // heic or avif
	width, height int    // the ispe property: the stored size
	// orientation is what the irot and imir properties make, in their
	// order, as an EXIF orientation. HEIF readers apply these and never
	// the EXIF payload's tag, so nothing is turned twice.
	orientation Orientation
}

// maxMetaBytes bounds the meta box read; it holds item and property
// tables, a few kilobytes in practice.
const maxMetaBytes = 1 << 20

// heifBrands maps the ftyp brands this workflow decodes to a format.
var heifBrands = map[string]string{
	"heic": "heic", "heix": "heic", "heim": "heic", "heis": "heic", "hevc": "heic", "hevx": "heic",
	"avif": "avif", "avis": "avif",
}

// isHEIF reports whether head starts with an ftyp box.
func isHEIF(head []byte) bool { return len(head) >= 12 && string(head[4:8]) == "ftyp" }

// scanHEIF walks the top-level boxes by their lengths: the ftyp brands
// name the format, the meta box gives the primary item's size and
// transforms, and a box that claims more bytes than the object has means
// the file is truncated.
func scanHEIF(r io.ReaderAt, size int64) (heifInfo, error) {
	var info heifInfo
	var meta []byte
	var h [16]byte
	for off, hop := int64(0), 0; off < size; hop++ {
		if hop > maxChunkHops {
			return info, fmt.Errorf("more than %d top-level boxes", maxChunkHops)
		}
		if readAt(r, h[:8], off, size) != nil {
			return info, fmt.Errorf("a box header is cut short at byte %d: it is truncated", off)
		}
		n, typ, hdr := int64(binary.BigEndian.Uint32(h[:4])), string(h[4:8]), int64(8)
		switch n {
		case 0: // to the end of the file
			n = size - off
		case 1:
			if readAt(r, h[8:16], off+8, size) != nil {
				return info, fmt.Errorf("a box header is cut short at byte %d: it is truncated", off)
			}
			n, hdr = int64(binary.BigEndian.Uint64(h[8:16])), 16
		}
		if n < hdr {
			return info, fmt.Errorf("box %q at byte %d has length %d", typ, off, n)
		}
		if off+n > size {
			return info, fmt.Errorf("box %q declares %d bytes but %d remain: it is truncated", typ, n, size-off)
		}
		switch typ {
		case "ftyp":
			body := make([]byte, min(n-hdr, 256))
			if readAt(r, body, off+hdr, size) != nil || len(body) < 8 {
				return info, fmt.Errorf("ftyp box too short")
			}
			info.format = heifFormat(body)
		case "meta":
			if n-hdr > maxMetaBytes {
				return info, fmt.Errorf("the meta box has %d bytes; at most %d are read", n-hdr, maxMetaBytes)
			}
			meta = make([]byte, n-hdr)
			if readAt(r, meta, off+hdr, size) != nil {
				return info, fmt.Errorf("meta box cut short")
			}
		}
		off += n
	}
	if info.format == "" {
		return info, fmt.Errorf("the ftyp box names no HEIC or AVIF brand")
	}
	if meta == nil {
		return info, fmt.Errorf("no meta box")
	}
	return info, parseMeta(meta, &info)
}

// heifFormat picks the format from the major brand, then the compatible
// ones.
func heifFormat(ftyp []byte) string {
	if f := heifBrands[string(ftyp[:4])]; f != "" {
		return f
	}
	for i := 8; i+4 <= len(ftyp); i += 4 {
		if f := heifBrands[string(ftyp[i:i+4])]; f != "" {
			return f
		}
	}
	return ""
}

// box is one ISO BMFF box inside a parent's payload.
type box struct {
	typ  string
	body []byte
}

// children splits a payload into boxes; a malformed one ends the list.
func children(b []byte) []box {
	var out []box
	for len(b) >= 8 {
		n := int(binary.BigEndian.Uint32(b[:4]))
		if n < 8 || n > len(b) {
			break
		}
		out = append(out, box{typ: string(b[4:8]), body: b[8:n]})
		b = b[n:]
	}
	return out
}

// parseMeta reads pitm, ipco and ipma from the meta box (a full box).
func parseMeta(meta []byte, info *heifInfo) error {
	if len(meta) < 4 {
		return fmt.Errorf("meta box too short")
	}
	var primary uint32
	var props []box
	var ipma []byte
	havePrimary := false
	for _, c := range children(meta[4:]) {
		switch c.typ {
		case "pitm":
			if len(c.body) >= 6 && c.body[0] == 0 {
				primary, havePrimary = uint32(binary.BigEndian.Uint16(c.body[4:6])), true
			} else if len(c.body) >= 8 {
				primary, havePrimary = binary.BigEndian.Uint32(c.body[4:8]), true
			}
		case "iprp":
			for _, p := range children(c.body) {
				switch p.typ {
				case "ipco":
					props = children(p.body)
				case "ipma":
					if ipma == nil {
						ipma = p.body
					}
				}
			}
		}
	}
	if !havePrimary || ipma == nil {
		return fmt.Errorf("no primary item or no property associations")
	}
	assoc, err := associations(ipma, primary)
	if err != nil {
		return err
	}
	info.orientation = 1
	for _, i := range assoc {
		if i < 1 || i > len(props) {
			continue
		}
		p := props[i-1]
		switch {
		case p.typ == "ispe" && len(p.body) >= 12:
			info.width = int(binary.BigEndian.Uint32(p.body[4:8]))
			info.height = int(binary.BigEndian.Uint32(p.body[8:12]))
		case p.typ == "irot" && len(p.body) >= 1:
			info.orientation = info.orientation.then([4]Orientation{1, 8, 3, 6}[p.body[0]&3])
		case p.typ == "imir" && len(p.body) >= 1:
			info.orientation = info.orientation.then([2]Orientation{4, 2}[p.body[0]&1])
		}
	}
	if info.width <= 0 || info.height <= 0 {
		return fmt.Errorf("the primary item has no ispe (image size) property")
	}
	return nil
}

// associations returns the property indexes (1-based) of an item, in order.
func associations(ipma []byte, item uint32) ([]int, error) {
	if len(ipma) < 8 {
		return nil, fmt.Errorf("ipma box too short")
	}
	version, flags := ipma[0], ipma[3]
	count := binary.BigEndian.Uint32(ipma[4:8])
	b := ipma[8:]
	for e := uint32(0); e < count; e++ {
		var id uint32
		if version < 1 {
			if len(b) < 3 {
				break
			}
			id, b = uint32(binary.BigEndian.Uint16(b)), b[2:]
		} else {
			if len(b) < 5 {
				break
			}
			id, b = binary.BigEndian.Uint32(b), b[4:]
		}
		n := int(b[0])
		b = b[1:]
		var idx []int
		for k := 0; k < n; k++ {
			if flags&1 != 0 {
				if len(b) < 2 {
					return nil, fmt.Errorf("ipma box cut short")
				}
				idx, b = append(idx, int(binary.BigEndian.Uint16(b)&0x7fff)), b[2:]
			} else {
				if len(b) < 1 {
					return nil, fmt.Errorf("ipma box cut short")
				}
				idx, b = append(idx, int(b[0]&0x7f)), b[1:]
			}
		}
		if id == item {
			return idx, nil
		}
	}
	return nil, fmt.Errorf("the primary item has no properties")
}

// orientationMaps gives, for each EXIF orientation, where a stored corner
// (u, v), each 0 or 1, is displayed.
var orientationMaps = [9]func(u, v int) (int, int){
	1: func(u, v int) (int, int) { return u, v },
	2: func(u, v int) (int, int) { return 1 - u, v },
	3: func(u, v int) (int, int) { return 1 - u, 1 - v },
	4: func(u, v int) (int, int) { return u, 1 - v },
	5: func(u, v int) (int, int) { return v, u },
	6: func(u, v int) (int, int) { return 1 - v, u },
	7: func(u, v int) (int, int) { return 1 - v, 1 - u },
	8: func(u, v int) (int, int) { return v, 1 - u },
}

// then is the orientation of applying o, then next.
func (o Orientation) then(next Orientation) Orientation {
	if o < 1 || o > 8 || next < 1 || next > 8 {
		return 1
	}
	corners := func(f func(u, v int) (int, int)) [3][2]int {
		var c [3][2]int
		for i, p := range [3][2]int{{0, 0}, {1, 0}, {0, 1}} {
			c[i][0], c[i][1] = f(p[0], p[1])
		}
		return c
	}
	want := corners(func(u, v int) (int, int) { return orientationMaps[next](orientationMaps[o](u, v)) })
	for r := Orientation(1); r <= 8; r++ {
		if corners(orientationMaps[r]) == want {
			return r
		}
	}
	return 1
}
