#!/bin/sh
# make.sh regenerates the test photos from Debian's wallpaper packages. It
# is for maintainers only: CI uses the committed files and needs none of
# these tools. Run it as root on Debian 12 after:
#   apt-get install -y mate-backgrounds libimage-exiftool-perl \
#     libjpeg-turbo-progs webp libavif-bin libheif-examples imagemagick
set -eu
IM=convert-im6.q16
PHOTO=/usr/share/backgrounds/mate/nature/LadyBird.jpg
ALPHA=/usr/share/backgrounds/mate/abstract/Arc-Colors-Transparent-Wallpaper.png
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The upright reference: 240×160, EXIF stripped.
$IM "$PHOTO" -resize 240x160! -strip -quality 90 upright.jpg
$IM upright.jpg "$tmp/upright.ppm"

# Orientation N stores the pixels so that applying N shows them upright.
inverse() {
	case $1 in
	2) echo -flop ;; 3) echo "-rotate 180" ;; 4) echo -flip ;; 5) echo -transpose ;;
	6) echo "-rotate 270" ;; 7) echo -transverse ;; 8) echo "-rotate 90" ;;
	esac
}
for n in 2 3 4 5 6 7 8; do
	$IM "$tmp/upright.ppm" $(inverse $n) "$tmp/o$n.ppm"
	cjpeg -quality 90 "$tmp/o$n.ppm" >"orient$n.jpg"
	exiftool -q -overwrite_original -n -Orientation=$n "orient$n.jpg"
done
$IM "$tmp/upright.ppm" $(inverse 6) "$tmp/o6.png"
cwebp -quiet -q 90 "$tmp/o6.png" -o orient6.webp
exiftool -q -overwrite_original -n -Orientation=6 orient6.webp
$IM "$tmp/upright.ppm" $(inverse 8) -strip orient8.png
exiftool -q -overwrite_original -n -Orientation=8 orient8.png

# A motion photo: a JPEG with a video appended after its end-of-image
# marker (any bytes do; here an AVIF stands in for the MP4).
avifenc --min 30 --max 40 -s 10 upright.jpg "$tmp/video.avif" >/dev/null
cat upright.jpg "$tmp/video.avif" >motion.jpg

# A transparent WebP.
$IM "$ALPHA" -resize 214x120! "$tmp/alpha.png"
cwebp -quiet -q 80 -alpha_q 100 "$tmp/alpha.png" -o transparent.webp

# Adobe RGB pixels with their profile embedded (ghostscript's a98.icc, from
# libgs-common, which imagemagick pulls in).
$IM upright.jpg -profile /usr/share/color/icc/ghostscript/srgb.icc \
	-profile /usr/share/color/icc/ghostscript/a98.icc -quality 90 adobergb.jpg

# A progressive CMYK JPEG with an Adobe segment, as print workflows write.
$IM upright.jpg -colorspace CMYK -interlace JPEG -quality 90 cmyk.jpg

# HEIC and AVIF: plain, and from orient8.jpg, whose EXIF orientation the
# encoders turn into the container's irot and keep in the EXIF payload: a
# decoder that applied both would turn the picture twice.
heif-enc -q 60 -o upright.heic upright.jpg >/dev/null
heif-enc -q 60 -o orient8.heic orient8.jpg >/dev/null
avifenc --min 30 --max 40 -s 10 upright.jpg upright.avif >/dev/null
avifenc --min 30 --max 40 -s 10 orient8.jpg orient8.avif >/dev/null

# An animated WebP of two frames, which ExtractMetadata refuses, and a
# GIF of two frames that MakeThumbnails renders from its first.
$IM upright.jpg -resize 48x32! "$tmp/f1.png"
$IM upright.jpg -resize 48x32! -flop "$tmp/f2.png"
img2webp -loop 0 -lossy -q 60 "$tmp/f1.png" "$tmp/f2.png" -o animated.webp >/dev/null 2>&1
$IM -delay 50 "$tmp/f1.png" "$tmp/f2.png" -loop 0 animated.gif
