package transform

import (
	"context"
	"strings"
	"testing"
	"time"
)

// BenchmarkTransform100kRows measures one batch of a 100,000-row object:
// rows per second and allocations, for CSV and JSON Lines, plain and gzip.
func BenchmarkTransform100kRows(b *testing.B) {
	const rows = 100_000
	var csv, jsonl strings.Builder
	csv.WriteString(header)
	for i := 0; i < rows; i++ {
		csv.WriteString(goodCSVRow(i))
		jsonl.WriteString(`{"order_id":"ord-` + itoa(i) + `","sku":"SKU-1","quantity":2,"unit_price_cents":1999,"currency":"usd","sold_at":"2026-11-21T10:00:00Z","store_id":"s1"}` + "\n")
	}
	inputs := map[string][]byte{
		"csv":      []byte(csv.String()),
		"csv.gz":   gz(b, csv.String()),
		"jsonl":    []byte(jsonl.String()),
		"jsonl.gz": gz(b, jsonl.String()),
	}
	for _, name := range []string{"csv", "csv.gz", "jsonl", "jsonl.gz"} {
		b.Run(name, func(b *testing.B) {
			f := newFixture()
			key := "raw/sales." + name
			f.raw.Put(key, inputs[name])
			batch := f.batch(key)
			b.SetBytes(int64(len(inputs[name])))
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				res, err := f.tr.Handle(context.Background(), batch)
				if err != nil || res.RowsCurated != rows {
					b.Fatalf("result %+v, %v", res, err)
				}
			}
			b.ReportMetric(float64(rows*b.N)/time.Since(start).Seconds(), "rows/s")
			b.StopTimer()
			b.ReportMetric(float64(testing.AllocsPerRun(1, func() { f.tr.Handle(context.Background(), batch) }))/rows, "allocs/row")
		})
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{digits[i%10]}, b...)
	}
	return string(b)
}
