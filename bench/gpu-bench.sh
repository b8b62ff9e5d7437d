#!/usr/bin/env bash
# ovni against FFmpeg on the same inputs, in one call, on the GPU machine.
# Run after scripts/gpu-check.sh has built ovni into /tmp/ovni-build (or pass
# the build dir as $1). Makes its inputs with the bundle's ffmpeg (as
# shared/device/peers.sh does), then times each job for both and prints ratios.
# N=1800 frames by default; BENCH=decode,transcode,showcase selects parts.
set -u
[ -f /tmp/gpu/env.sh ] && source /tmp/gpu/env.sh
b=${1:-/tmp/ovni-build}
out=${OUT:-/tmp/ovni-out}
N=${N:-1800}
parts=${BENCH:-decode,transcode,showcase}
mkdir -p "$out" /tmp/bench && cd /tmp/bench || exit 1
ovni=$b/src/cli/ovni
log=$out/bench.log
: >"$log"
if [ ! -f in.mp4 ]; then
  ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc2=size=1920x1080:rate=30 -frames:v $N \
    -c:v libx264 -preset veryfast -b:v 8M -maxrate 8M -bufsize 16M -g 60 -bf 2 -pix_fmt yuv420p -y in.mp4
  ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc=size=400x200:rate=1 -frames:v 1 -vf format=rgba -y logo.png
  cat > subs.ass <<'ASS'
[Script Info]
ScriptType: v4.00+
PlayResX: 1920
PlayResY: 1080
[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,DejaVu Sans,72,&H00FFFFFF,&H000000FF,&H00000000,&H64000000,-1,0,0,0,100,100,0,0,1,4,2,2,40,40,80,1
[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:00.00,0:01:00.00,Default,,0,0,0,,Captions on every frame {\fad(200,200)}of this clip
ASS
fi
# secs NAME CMD...: runs CMD, appends "NAME seconds" to the log
secs() {
  local name=$1; shift
  local s=$(date +%s.%N)
  if ! "$@" >>"$out/cmd.log" 2>&1; then echo "$name FAILED (see cmd.log)"; return; fi
  local e=$(date +%s.%N)
  awk -v n="$name" -v s=$s -v e=$e -v N=$N 'BEGIN{printf "%-28s %7.2f s %8.1f fps\n", n, e-s, N/(e-s)}' | tee -a "$log"
}
ff() { ffmpeg -hide_banner -loglevel error -nostdin "$@"; }
case $parts in *decode*)
  echo "== decode only"
  secs ffmpeg-nvdec ff -hwaccel cuda -hwaccel_output_format cuda -i in.mp4 -f null -
  secs ffmpeg-cpu ff -i in.mp4 -f null -
  # segments=0 (the default) is auto: one NVDEC session per engine, so sequential is asked for explicitly
  secs ovni-nvdec $b/bench/decode_bench in.mp4 --segments 1
  secs ovni-nvdec-seg7 $b/bench/decode_bench in.mp4 --segments 7
  secs ovni-cpu $b/bench/decode_bench in.mp4 --cpu
  $b/bench/decode_bench in.mp4 --hash --segments 1 | tee -a "$log"
  $b/bench/decode_bench in.mp4 --hash --segments 7 | tee -a "$log"
  $b/bench/decode_bench in.mp4 --hash --cpu | tee -a "$log"
;; esac
case $parts in *transcode*)
  echo "== decode + x264 veryfast 5 Mb/s"
  secs ffmpeg-transcode ff -hwaccel cuda -i in.mp4 -c:v libx264 -preset veryfast -b:v 5M -y ff.mp4
  secs ovni-transcode $ovni transcode in.mp4 ov.mp4 --preset veryfast --bitrate 5M --quiet
;; esac
case $parts in *showcase*)
  echo "== showcase: zoom 1.2 + moving logo + vignette + captions, x264 veryfast 5 Mb/s"
  secs ffmpeg-showcase-cpu ff -i in.mp4 -i logo.png -filter_complex "[0:v]scale=2304:1296,crop=1920:1080:192:108[b];[b][1:v]overlay=x='100+200*t/60':y=100[o];[o]vignette,ass=subs.ass" -c:v libx264 -preset veryfast -b:v 5M -y ff.mp4
  secs ffmpeg-showcase-hybrid ff -hwaccel cuda -hwaccel_output_format cuda -i in.mp4 -i logo.png -filter_complex "[0:v]scale_cuda=2304:1296:format=yuv420p[s];[1:v]format=yuva420p,hwupload_cuda[l];[s][l]overlay_cuda=x=100:y=100,hwdownload,format=yuv420p,crop=1920:1080:192:108,vignette,ass=subs.ass" -c:v libx264 -preset veryfast -b:v 5M -y ff.mp4
  secs ovni-showcase $ovni run in.mp4 ov.mp4 --preset veryfast --bitrate 5M --quiet --vf "scale_translate=s=1.2:tx=-192:ty=-108,blend=file=logo.png:x='100+200*t/60':y=100,vignette,ass=file=subs.ass"
;; esac
echo "== ratios (ovni fps / FFmpeg fps; >1 means ovni is faster)"
awk '{fps[$1]=$4} END{
  r("decode, NVDEC sequential", "ovni-nvdec", "ffmpeg-nvdec");
  r("decode, NVDEC 7 segments", "ovni-nvdec-seg7", "ffmpeg-nvdec");
  r("decode, CPU", "ovni-cpu", "ffmpeg-cpu");
  r("transcode x264 veryfast", "ovni-transcode", "ffmpeg-transcode");
  best = fps["ffmpeg-showcase-cpu"] > fps["ffmpeg-showcase-hybrid"] ? "ffmpeg-showcase-cpu" : "ffmpeg-showcase-hybrid";
  r("showcase vs FFmpeg best", "ovni-showcase", best) }
  function r(label, a, b) { if (fps[a] > 0 && fps[b] > 0) printf "%-30s %7.1f / %7.1f fps = %.2fx\n", label, fps[a], fps[b], fps[a] / fps[b] }' "$log"
