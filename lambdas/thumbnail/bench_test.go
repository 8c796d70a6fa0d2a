package thumbnail

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sfnkit/sfnkit/lambdas/imagemeta"
	"github.com/sfnkit/sfnkit/lambdas/objectstore"
)

// BenchmarkWorstCase makes the default thumbnails of every file in
// IMAGE_BENCH_DIR, which bench/images.sh fills with one image per format
// at the pixel limit (IMAGE_BENCH_PIXELS), and reports the time and the
// peak heap of each: the thumbnail function's memory is sized from the
// largest. Without IMAGE_BENCH_DIR it is skipped: the files are tens of
// megabytes and made with Debian's tools.
func BenchmarkWorstCase(b *testing.B) {
	dir := os.Getenv("IMAGE_BENCH_DIR")
	if dir == "" {
		b.Skip("IMAGE_BENCH_DIR is not set; run bench/images.sh")
	}
	limits := imagemeta.DefaultLimits
	if p, err := strconv.ParseInt(os.Getenv("IMAGE_BENCH_PIXELS"), 10, 64); err == nil && p > 0 {
		limits.MaxPixels = p
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.*"))
	sort.Strings(files)
	for _, file := range files {
		b.Run(filepath.Base(file), func(b *testing.B) {
			data, err := os.ReadFile(file)
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; i < b.N; i++ {
				store := &objectstore.Memory{}
				store.Put("uploads/u1/"+filepath.Base(file), data)
				m := &Maker{Images: store, Sizes: []int{128, 512}, Limits: limits}
				peak := peakHeap(func() {
					if _, err := m.Handle(context.Background(), imagemeta.Image{Key: "uploads/u1/" + filepath.Base(file), UserID: "u1"}); err != nil {
						b.Fatal(err)
					}
				})
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
				b.ReportMetric(float64(len(data))/(1<<20), "file-MiB")
				if hwm := residentHighWater(); hwm > 0 {
					// The process's own peak, wasm memory and code included;
					// bench/images.sh runs one process per file.
					b.ReportMetric(float64(hwm)/(1<<20), "peak-rss-MiB")
				}
			}
		})
	}
}

// residentHighWater is the process's peak resident memory (VmHWM), or 0
// where /proc is not there.
func residentHighWater() int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// peakHeap runs f and returns the most heap in use while it ran, sampled
// every millisecond, above what was in use before.
func peakHeap(f func()) uint64 {
	runtime.GC()
	debug.FreeOSMemory()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	f()
	close(stop)
	wg.Wait()
	if p := peak.Load(); p > before.HeapInuse {
		return p - before.HeapInuse
	}
	return 0
}
