#!/usr/bin/env bash
# NVENC check, for a machine whose GPU has NVENC (RTX, L4, L40...): what the
# CPU tests cannot prove (docs/writer.md, "NVENC: what the CPU tests prove").
# For P1/P4/P7 x H.264/HEVC x CFR/VFR x mp4/mkv it transcodes a generated
# 1080p clip through ovni's reader and writer with NVENC forced
# (build/bench/nvenc_write), decodes each output with FFmpeg and checks:
#   - frame count equal to the input's;
#   - pts: every frame's time equal to the input frame's (to 1 ms), and in
#     every packet dts <= pts, dts strictly increasing;
#   - PSNR against the input above a floor;
#   - key frames: the first frame, then exactly one every GOP, all IDR
#     (pict_type I) and no key flag on other pictures;
# then prints a table with ovni's fps against `ffmpeg -c:v h264_nvenc` /
# `hevc_nvenc` at the same settings (preset, high-quality tuning, constant
# quality 23, GOP, same decode on the GPU).
#
# usage: scripts/nvenc-check.sh [BUILD_DIR]   (default: build-cuda, else build)
#   NVENC_CHECK_FRAMES=N  frames per clip (default 600)
#   NVENC_CHECK_SIZE=WxH  clip size (default 1920x1080)
#   NVENC_CHECK_X264=1    dry run of the checks with x264 instead of NVENC (any
#                         machine; no fps comparison with h264_nvenc)
# Exit status: 0 all checks passed; 1 a check failed; 77 no NVENC here (the
# message says what is missing); 2 usage or setup error.
set -u -o pipefail
cd "$(dirname "$0")/.." || exit 2

build=${1:-}
if [ -z "$build" ]; then
  build=build
  [ -x build-cuda/bench/nvenc_write ] && build="build-cuda"
fi
tool=$build/bench/nvenc_write
frames=${NVENC_CHECK_FRAMES:-600}
size=${NVENC_CHECK_SIZE:-1920x1080}
x264=${NVENC_CHECK_X264:-0}
gop=60
floor_psnr=32

for p in ffmpeg ffprobe awk; do
  command -v $p >/dev/null || { echo "nvenc-check: $p is not installed (scripts/install-deps.sh)"; exit 2; }
done
[ -x "$tool" ] || { echo "nvenc-check: $tool not found: build ovni first (meson setup $build -Dcuda=enabled && ninja -C $build)"; exit 2; }

if [ "$x264" != 1 ]; then
  if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L >/dev/null 2>&1; then
    echo "nvenc-check: no NVIDIA GPU or driver here (nvidia-smi finds none): NVENC cannot be checked on this machine"
    exit 77
  fi
  nvidia-smi -L | head -4
  if ! ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc2=s=256x256:d=0.1 -c:v h264_nvenc -f null - 2>/tmp/nvenc-check-ff.log; then
    echo "nvenc-check: FFmpeg's h264_nvenc does not open on this GPU: it has no NVENC (H100, A100, H200 have none)"
    echo "             or this FFmpeg lacks it; FFmpeg said: $(head -3 /tmp/nvenc-check-ff.log | tr '\n' ' ')"
    exit 77
  fi
fi

work=${NVENC_CHECK_DIR:-$(mktemp -d /tmp/nvenc-check.XXXXXX)}
mkdir -p "$work"
echo "nvenc-check: clips and logs in $work"

# Inputs: testsrc2 at $size, 30 fps (CFR); the same frames at variable times
# (jitter of -10..+5 ms and a 0.7 s pause half-way) for VFR. Near-lossless, so
# PSNR measures the encoder under test.
cfr_in=$work/in_cfr.mkv
vfr_in=$work/in_vfr.mkv
if [ ! -f "$cfr_in" ]; then
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=s=$size:r=30" -frames:v "$frames" \
    -pix_fmt yuv420p -c:v libx264 -preset ultrafast -qp 4 "$cfr_in" || { echo "nvenc-check: cannot make $cfr_in"; exit 2; }
fi
if [ ! -f "$vfr_in" ]; then
  ffmpeg -hide_banner -loglevel error -y -i "$cfr_in" -vf "setpts=(N*1000+150*mod(N\,3)+20000*gte(N\,$((frames / 2))))/30000/TB" \
    -fps_mode vfr -pix_fmt yuv420p -c:v libx264 -preset ultrafast -qp 4 "$vfr_in" || { echo "nvenc-check: cannot make $vfr_in"; exit 2; }
fi

# ffprobe's frames or packets as "key=value|key=value" lines (side data
# sections come out as lines of their own: dropped by the readers below)
probe() { ffprobe -v error -select_streams v:0 -show_entries "$2" -of compact=p=0:nk=0 "$1"; }
# value of field $2 in a compact line (awk function source)
fieldfn='function field(line, k,   n, i, a, kv) { n = split(line, a, "|"); for (i = 1; i <= n; i++) { split(a[i], kv, "="); if (kv[1] == k) return kv[2] } return "" }'
# frame times (s, 3 decimals) of a file, one per line, presentation order
frame_times() {
  probe "$1" frame=best_effort_timestamp_time |
    awk "$fieldfn"' { t = field($0, "best_effort_timestamp_time"); if (t != "") printf "%.3f\n", t }'
}
# packets with dts > pts or dts not increasing
bad_dts() {
  probe "$1" packet=pts,dts |
    awk "$fieldfn"' BEGIN { bad = 0; have = 0 }
      { p = field($0, "pts"); d = field($0, "dts"); if (p == "") next
        if (p == "N/A" || d == "N/A") { bad++; next }
        if (d + 0 > p + 0) bad++; if (have && d + 0 <= prev) bad++; prev = d + 0; have = 1 }
      END { print bad }'
}
# key frames: "<keys> <non-IDR keys> <keys off the GOP grid>" (coded order
# equals display order for I pictures at the GOP starts)
key_check() {
  probe "$1" frame=key_frame,pict_type |
    awk -v gop=$gop "$fieldfn"' BEGIN { k = 0; nonidr = 0; off = 0; n = 0 }
      { key = field($0, "key_frame"); if (key == "") next
        if (key == 1) { k++; if (field($0, "pict_type") != "I") nonidr++; if (n % gop) off++ } n++ }
      END { print k, nonidr, off }'
}
# packets flagged key (must be the IDR pictures only)
pkt_keys() { probe "$1" packet=flags | awk "$fieldfn"' BEGIN { k = 0 } field($0, "flags") ~ /K/ { k++ } END { print k }'; }
# PSNR of frame n against frame n (frame counts are checked apart)
psnr_of() {
  ffmpeg -hide_banner -nostats -i "$1" -i "$2" \
    -lavfi "[0:v]settb=1/30,setpts=N[a];[1:v]settb=1/30,setpts=N[b];[a][b]psnr" -f null - 2>&1 |
    sed -n 's/.*PSNR.* average:\([0-9.inf]*\).*/\1/p' | tail -1
}
fps_of() { awk -v n="$1" -v t="$2" 'BEGIN{ if (t>0) printf "%.1f", n/t; else print "-" }'; }

in_frames_cfr=$(frame_times "$cfr_in" | wc -l)
in_frames_vfr=$(frame_times "$vfr_in" | wc -l)
frame_times "$cfr_in" >"$work/times_cfr.txt"
frame_times "$vfr_in" >"$work/times_vfr.txt"
expect_keys=$(( (frames + gop - 1) / gop ))

status=0
printf '\n%-4s %-5s %-4s %-4s | %9s %9s %6s | %6s %6s %5s %5s %s\n' preset codec rate cont "ovni fps" "ffmpeg" ratio frames "PSNR" keys "dts" verdict
for preset in p1 p4 p7; do
  for codec in h264 hevc; do
    for rate in cfr vfr; do
      for cont in mp4 mkv; do
        in=$work/in_$rate.mkv
        want_frames=$([ $rate = cfr ] && echo "$in_frames_cfr" || echo "$in_frames_vfr")
        out=$work/ovni_${preset}_${codec}_${rate}.$cont
        args=(--codec "$codec" --preset "$preset" --gop "$gop")
        [ $rate = vfr ] && args+=(--vfr)
        [ "$x264" = 1 ] && args+=(--x264)
        line=$("$tool" "$in" "$out" "${args[@]}" 2>"$out.log"); rc=$?
        if [ $rc = 77 ]; then
          echo "nvenc-check: ovni finds no NVENC: $(cat "$out.log")"; exit 77
        fi
        verdict=ok; why=""
        if [ $rc != 0 ]; then
          printf '%-4s %-5s %-4s %-4s | ovni failed: %s\n' $preset $codec $rate $cont "$(tail -1 "$out.log")"
          status=1; continue
        fi
        ovni_fps=$(echo "$line" | awk '{print $6}')
        got_frames=$(frame_times "$out" | tee "$out.times" | wc -l)
        [ "$got_frames" = "$want_frames" ] || { verdict=FAIL; why+=" frames $got_frames != $want_frames;"; }
        # times relative to the first frame: the writer starts at 0
        if ! diff -q <(awk 'NR==1{f=$1} {printf "%.3f\n", $1-f}' "$work/times_$rate.txt") \
                     <(awk 'NR==1{f=$1} {printf "%.3f\n", $1-f}' "$out.times") >/dev/null; then
          if [ $rate = vfr ]; then verdict=FAIL; why+=" pts differ from the input's;"; fi
        fi
        if [ $rate = cfr ] && ! awk 'NR==1{f=$1} { t=$1-f; e=(NR-1)/30; if (t-e>0.0015||e-t>0.0015) exit 1 }' "$out.times"; then
          verdict=FAIL; why+=" CFR pts not n/30;"
        fi
        # Matroska stores no dts: checked in mp4 only
        bad=-
        if [ $cont = mp4 ]; then
          bad=$(bad_dts "$out"); [ "$bad" = 0 ] || { verdict=FAIL; why+=" $bad packets with dts > pts or not increasing;"; }
        fi
        read -r keys nonidr off < <(key_check "$out")
        [ "$keys" = "$expect_keys" ] && [ "$nonidr" = 0 ] && [ "$off" = 0 ] ||
          { verdict=FAIL; why+=" keys $keys (want $expect_keys), non-I keys $nonidr, off-GOP $off;"; }
        pk=$(pkt_keys "$out"); [ "$pk" = "$expect_keys" ] || { verdict=FAIL; why+=" $pk packets flagged key (want $expect_keys);"; }
        psnr=$(psnr_of "$out" "$in")
        awk -v p="${psnr:-0}" -v f=$floor_psnr 'BEGIN{exit !(p=="inf" || p+0>=f)}' || { verdict=FAIL; why+=" PSNR ${psnr:-?} < $floor_psnr;"; }

        # FFmpeg on the same work: GPU decode, same preset, tuning, CQ, GOP
        ff_fps="-"; ratio="-"
        if [ "$x264" != 1 ]; then
          ffout=$work/ffmpeg_${preset}_${codec}_${rate}.$cont
          vs=(); [ $rate = vfr ] && vs=(-fps_mode passthrough)
          t0=$(date +%s.%N)
          if ffmpeg -hide_banner -loglevel error -y -hwaccel cuda -hwaccel_output_format cuda -i "$in" "${vs[@]}" \
               -c:v ${codec}_nvenc -preset $preset -tune hq -rc vbr -cq 23 -b:v 0 -g $gop -an "$ffout" 2>"$ffout.log"; then
            t1=$(date +%s.%N)
            ff_fps=$(fps_of "$want_frames" "$(awk -v a=$t0 -v b=$t1 'BEGIN{print b-a}')")
            ratio=$(awk -v a="$ovni_fps" -v b="$ff_fps" 'BEGIN{ if (b>0) printf "%.2f", a/b; else print "-" }')
          else
            ff_fps="failed"
          fi
        fi
        [ $verdict = ok ] || status=1
        printf '%-4s %-5s %-4s %-4s | %9s %9s %6s | %6s %6s %5s %5s %s%s\n' $preset $codec $rate $cont "$ovni_fps" "$ff_fps" "$ratio" \
          "$got_frames" "${psnr:-?}" "$keys" "$bad" $verdict "${why:+ ($why)}"
      done
    done
  done
done
echo
if [ $status = 0 ]; then echo "nvenc-check: all checks passed"; else echo "nvenc-check: FAILED (see the lines above; logs in $work)"; fi
exit $status
