#!/usr/bin/env python3
"""Sizes refused before any work (issue 15, resource limits): an image too
large for the output is refused from its header, before its pixels are
decoded (a 16000x16000 PNG took 1.5 GB and 90 s here before the refusal);
a chain whose first frame would exceed the writer's 8192x8192 is refused
before the job starts, naming the op and the size (was: at the first frame,
after processing it). Peak RSS from wait4; every input made here.
Usage: test_preflight.py OVNI"""
import os
import struct
import subprocess
import sys
import tempfile
import time
import zlib

OVNI = os.path.abspath(sys.argv[1])
T = tempfile.mkdtemp(prefix="ovni_preflight_")
fails = checks = 0


def check(ok, what, detail=""):
    global fails, checks
    checks += 1
    if not ok:
        fails += 1
        print(f"FAIL: {what}: {detail}", file=sys.stderr)


def png(path, w, h):
    """A grey PNG of w x h zeros: small on disk, w x h bytes decoded."""
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    c = zlib.compressobj(1)
    row = c.compress(b"\0" * (1 + w))
    rows = [row] + [c.compress(b"\0" * (1 + w)) for _ in range(h - 1)]
    data = b"".join(rows) + c.flush()
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) +
                chunk(b"IDAT", data) + chunk(b"IEND", b""))


def run(*args):
    """exit status, stderr, peak RSS in MB, seconds"""
    t0 = time.time()
    p = subprocess.Popen([OVNI, *args], cwd=T, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read().decode(errors="replace")
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, err, ru.ru_maxrss / 1024, time.time() - t0


png(os.path.join(T, "big.png"), 16000, 16000)
rc, err, rss, secs = run("run", "big.png", "out.mp4", "-q")
print(f"16000x16000 PNG, no chain: exit {rc}, {rss:.0f} MB, {secs:.2f} s: {err.strip()}")
check(rc == 1 and "is 16000x16000" in err and "at most 8192x8192" in err, "16000x16000 PNG: the size named", err)
check(rss < 400, "16000x16000 PNG: refused from the header", f"{rss:.0f} MB peak RSS")
check(not os.path.exists(os.path.join(T, "out.mp4")), "no output")

# chains that grow the frame past the writer's limit, with constant sizes or
# sizes of W/H (known before the first frame)
for vf, words in [("flip,resize=width=9000:height=100,gaussian_blur=sigma=2", "op 2 (resize) makes the frames 9000x100"),
                  ("crop=right=W*20", "op 1 (crop) makes the frames 12800x360"),
                  ("rotate=degrees=45:expand=1,resize=width=W*12:height=H", "op 2 (resize) makes the frames 8496x708"),
                  ("scale_translate=s=2:width=9001:height=360,flip", "op 1 (scale_translate) makes the frames 9001x360")]:
    rc, err, rss, secs = run("run", "color:red:640x360", "out.mp4", "--frames", "3", "-q", "--vf", vf)
    print(f"--vf {vf}: exit {rc}: {err.strip()}")
    check(rc == 1 and words in err and "at most 8192x8192" in err, f"--vf {vf}", err)
# shrunk again before the end: fine; a size that changes by frame: refused at that frame, as before
rc, err, _, _ = run("run", "color:red:640x360", "out.mp4", "--frames", "3", "-q", "--vf",
                    "resize=width=9000:height=100,resize=width=100:height=100")
check(rc == 0, "a chain back under the limit runs", err)
rc, err, _, _ = run("run", "color:red:640x360", "out.mp4", "--frames", "3", "-q", "--vf",
                    "resize=width='if(gt(n,0),9000,100)':height=100")
check(rc == 1 and "at frame 1" in err, "a size changing by frame: refused at that frame", err)

subprocess.run(["rm", "-rf", T])
print(f"test_preflight: {'FAIL' if fails else 'PASS'} ({checks - fails}/{checks} checks)")
sys.exit(1 if fails else 0)
