#!/usr/bin/env python3
"""Where a flash (a bright video frame) and a beep (audio after silence) land
in a media file, measured by one ffmpeg run: signalstats' mean luma per
frame, silencedetect's first end of silence.

Usage: av_sync.py FILE [--frames]
Prints one line "flash=T beep=T fps=R v0=T frames=N flashes=T,.. beeps=T,..":
times in seconds from the first video frame (flashes, beeps: every onset). With --frames, each frame's time and mean luma."""
import os
import re
import subprocess
import sys
import tempfile


def measure(path):
    with tempfile.TemporaryDirectory() as d:
        v, a = os.path.join(d, "v.txt"), os.path.join(d, "a.txt")
        subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-i", path,
                        "-vf", "signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=" + v,
                        "-af", "silencedetect=n=-36dB:d=0.05,ametadata=print:key=lavfi.silence_end:file=" + a,
                        "-f", "null", "-"], check=True)
        lum, t = [], None
        for line in open(v):
            m = re.search(r"pts_time:(\S+)", line)
            if m:
                t = float(m.group(1))
            m = re.search(r"YAVG=(\S+)", line)
            if m and t is not None:
                lum.append((t, float(m.group(1))))
        beeps = []
        if os.path.exists(a):
            for line in open(a):
                m = re.search(r"silence_end=(\S+)", line)
                if m:
                    beeps.append(float(m.group(1)))
        return lum, beeps


def main():
    path = sys.argv[1]
    lum, beeps = measure(path)
    b = beeps[0] if beeps else None
    if "--frames" in sys.argv:
        for t, y in lum:
            print("%.4f %.1f" % (t, y))
        return 0
    if not lum:
        print("no video frames", file=sys.stderr)
        return 1
    v0 = lum[0][0]
    flash = next((t for t, y in lum if y > 128), None)
    fps = (len(lum) - 1) / (lum[-1][0] - v0) if len(lum) > 1 and lum[-1][0] > v0 else 0
    fmt = lambda x: "none" if x is None else "%.4f" % (x - v0)
    flashes, prev = [], 0
    for t, y in lum:
        if y > 128 and prev <= 128:
            flashes.append(t)
        prev = y
    print("flash=%s beep=%s fps=%.3f v0=%.4f frames=%d flashes=%s beeps=%s" % (
        fmt(flash), fmt(b), fps, v0, len(lum), ",".join(fmt(t) for t in flashes) or "none",
        ",".join(fmt(t) for t in beeps) or "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
