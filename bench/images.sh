#!/usr/bin/env bash
# Time and peak heap of MakeThumbnails per format at the pixel limit (50
# megapixels by default), the worst case the thumbnail function's memory is
# sized from. The files are made from a Debian wallpaper photo with the
# tools Go has no writer for (ImageMagick for progressive CMYK JPEG,
# heif-enc, avifenc, cwebp); they need, as root on Debian 12:
#   apt-get install -y mate-backgrounds imagemagick webp libavif-bin libheif-examples
#
#   bench/images.sh [pixels]   # e.g. bench/images.sh 12000000
set -euo pipefail
cd "$(dirname "$0")/.."
pixels=${1:-50000000}
dir=${IMAGE_BENCH_DIR:-$(mktemp -d)}
# width×height with a 3:2 ratio and width×height ≤ pixels.
h=$(awk -v p="$pixels" 'BEGIN { printf "%d", sqrt(p * 2 / 3) }')
w=$((pixels / h))
IM=convert-im6.q16
photo=/usr/share/backgrounds/mate/nature/LadyBird.jpg
echo "making ${w}x${h} files in $dir" >&2
[ -f "$dir/base.ppm" ] || $IM -limit memory 2GiB "$photo" -resize "${w}x${h}!" "$dir/base.ppm"
[ -f "$dir/baseline.jpg" ] || $IM "$dir/base.ppm" -quality 90 "$dir/baseline.jpg"
[ -f "$dir/progressive-cmyk.jpg" ] || $IM "$dir/base.ppm" -colorspace CMYK -interlace JPEG -quality 90 "$dir/progressive-cmyk.jpg"
[ -f "$dir/rgba.png" ] || $IM "$dir/base.ppm" -alpha set -channel A -evaluate set 99% +channel "$dir/rgba.png"
[ -f "$dir/photo.webp" ] || cwebp -quiet -q 80 "$dir/base.ppm" -o "$dir/photo.webp" 2>/dev/null ||
	{ $IM "$dir/base.ppm" "$dir/base.png"; cwebp -quiet -q 80 "$dir/base.png" -o "$dir/photo.webp"; }
[ -f "$dir/photo.gif" ] || $IM "$dir/base.ppm" "$dir/photo.gif"
[ -f "$dir/photo.heic" ] || heif-enc -q 50 -o "$dir/photo.heic" "$dir/baseline.jpg" >/dev/null
[ -f "$dir/photo.avif" ] || avifenc --min 30 --max 40 -s 10 -j 2 "$dir/baseline.jpg" "$dir/photo.avif" >/dev/null
rm -f "$dir/base.ppm" "$dir/base.png"
ls -l "$dir" >&2
go test -c -o "$dir/thumbnail.test" ./lambdas/thumbnail
# One process per file, so each peak-rss is that file's alone.
for f in "$dir"/*.*; do
	case $f in *.test) continue ;; esac
	IMAGE_BENCH_DIR="$dir" IMAGE_BENCH_PIXELS="$pixels" "$dir/thumbnail.test" \
		-test.run '^$' -test.bench "BenchmarkWorstCase/^$(basename "$f")\$" -test.benchtime 1x -test.timeout 30m |
		grep '^Benchmark'
done
