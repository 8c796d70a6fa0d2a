package transform

import (
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/workflows/etl/contract"
)

// TestIntegerColumnsTakeDecimalIntegersOnly: strconv's float syntax must not
// leak into an integer column, where "0x1p3" loaded as 8 and "1_0" as 10.
func TestIntegerColumnsTakeDecimalIntegersOnly(t *testing.T) {
	col := contract.Column{Name: "quantity", Kind: contract.KindInteger, Required: true, Min: -100, Max: 10_000}
	accepted := map[string]int64{"3": 3, "+3": 3, "-3": -3, "007": 7, "3.0": 3, "3.": 3, " 42 ": 42, "10000.000": 10_000}
	for raw, want := range accepted {
		v, reason := normalize(col, raw, true)
		if reason != "" || !v.isNum || v.n != want {
			t.Errorf("normalize(%q) = %+v, %q; want %d", raw, v, reason, want)
		}
	}
	for _, raw := range []string{"0x1p3", "0x10", "1_0", "0b11", "0o7", "1e3", "1E+03", "Inf", "NaN", "3.5", "3.01", "--3", "+", ".0", "3,0", "٣"} {
		if v, reason := normalize(col, raw, true); !strings.Contains(reason, "is not a decimal integer") {
			t.Errorf("normalize(%q) = %+v, %q; want it rejected as not a decimal integer", raw, v, reason)
		}
	}
	if _, reason := normalize(col, "99999999999999999999", true); !strings.Contains(reason, "is outside -100..10000") {
		t.Errorf("an int64 overflow gives %q; want it outside the range", reason)
	}
}

// TestHexAndUnderscoreQuantitiesAreQuarantined runs the same through a
// file: both rows are quarantined, none curated.
func TestHexAndUnderscoreQuantitiesAreQuarantined(t *testing.T) {
	f := newFixture()
	f.raw.Put("ints.csv", []byte(header+
		"ord-1,SKU-1,0x1p3,100,USD,2026-11-21T00:00:00Z,s\n"+
		"ord-2,SKU-1,1_0,100,USD,2026-11-21T00:00:00Z,s\n"+
		"ord-3,SKU-1,2,1e2,USD,2026-11-21T00:00:00Z,s\n"))
	res := f.run(t, "ints.csv")
	if res.RowsCurated != 0 || res.RowsQuarantined != 3 {
		t.Errorf("curated %d, quarantined %d; want 0, 3 (rejections %+v)", res.RowsCurated, res.RowsQuarantined, f.rejections(t, res))
	}
}
