#!/usr/bin/env bash
# Process-level comparison: hit-thumbnail vs vipsthumbnail vs ImageMagick on the same inputs, one
# hyperfine run per input kind. Each command thumbnails N copies of the input (default 20) so the
# per-image figure is total / N; hit-thumbnail and vipsthumbnail take all files in one process,
# convert runs one process per image (as people use it).
# Usage: tests/Benchmarks/Hit.Imaging.Benchmarks/hyperfine.sh [work-dir] [copies]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
work="${1:-/tmp/hit-imaging-bench}"
n="${2:-20}"
convert=/usr/bin/convert   # /usr/local/bin/convert is a stand-in, never use it
mkdir -p "$work/in" "$work/out"

echo "== inputs"
[ -f "$work/photo.jpg" ] || "$convert" -seed 3 -size 4000x3000 plasma:fractal -blur 0x3 -quality 90 -sampling-factor 2x2 "$work/photo.jpg"
[ -f "$work/photo-progressive.jpg" ] || "$convert" "$work/photo.jpg" -interlace plane -quality 90 "$work/photo-progressive.jpg"
[ -f "$work/alpha.png" ] || "$convert" -seed 5 -size 2000x2000 plasma:fractal -blur 0x3 \( -size 2000x2000 radial-gradient:white-black \) \
    -alpha off -compose copy_opacity -composite -depth 8 "$work/alpha.png"
for kind in photo.jpg photo-progressive.jpg alpha.png; do
  for i in $(seq 1 "$n"); do cp -f "$work/$kind" "$work/in/${kind%.*}-$i.${kind##*.}"; done
done

echo "== build (Release, ReadyToRun)"
dotnet publish "$repo/tools/Hit.Thumbnail/Hit.Thumbnail.csproj" -c Release -r linux-x64 --self-contained false -o "$work/tool" -v quiet -nologo
tool="$work/tool/hit-thumbnail"

for kind in photo photo-progressive alpha; do
  ext=jpg; [ "$kind" = alpha ] && ext=png
  files=$(ls "$work"/in/"$kind"-*."$ext" | tr '\n' ' ')
  echo "== $kind ($n files)"
  hyperfine -N --warmup 1 --runs 5 --export-markdown "$work/$kind.md" \
    -n hit-thumbnail "$tool $files --size 256 --out-dir $work/out/hit --quiet" \
    -n vipsthumbnail "vipsthumbnail $files -s 256 -o $work/out/%s-vips.$ext" \
    -n "convert -thumbnail" "bash -c 'for f in $files; do $convert \$f -thumbnail 256x256 $work/out/im.$ext; done'" \
    -n "convert -define jpeg:size" "bash -c 'for f in $files; do $convert -define jpeg:size=512x512 \$f -thumbnail 256x256 $work/out/im2.$ext; done'"
done

echo "== peak RSS per single thumbnail (KiB)"
for f in photo.jpg photo-progressive.jpg alpha.png; do
  ext=${f##*.}
  /usr/bin/time -f "hit-thumbnail $f %M" "$tool" "$work/$f" --size 256 -o "$work/out/rss.$ext" --quiet
  /usr/bin/time -f "vipsthumbnail $f %M" vipsthumbnail "$work/$f" -s 256 -o "$work/out/rss-vips.$ext"
  /usr/bin/time -f "convert -thumbnail $f %M" "$convert" "$work/$f" -thumbnail 256x256 "$work/out/rss-im.$ext"
  /usr/bin/time -f "convert -define jpeg:size $f %M" "$convert" -define jpeg:size=512x512 "$work/$f" -thumbnail 256x256 "$work/out/rss-im2.$ext"
done
