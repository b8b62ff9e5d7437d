#!/usr/bin/env python3
"""Hostile files and signals through the ovni command (CPU), docs/reliability.md:
- a renamed HLS playlist (as .mp4, .png, overlay=file=, audio) is refused naming
  the reason, and the file it names is never opened (a FIFO marker tells);
- temporary outputs: a planted symlink is not followed, the target's mode is
  kept, a long name still works;
- signals in a FIFO open, a FIFO read and the encoder's final flush: exit
  128+signal within 1 s, the target untouched, no temporary file;
- overwrites: same file in and out refused, -n keeps, -y replaces;
- resource limits: bombs fail with a named error under 1 GB of RSS.
Usage: test_hostile.py OVNI"""
import fcntl
import os
import struct
import termios
import select
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time

OVNI = os.path.abspath(sys.argv[1])
# Leaving after a signal: what bites is the exit code (128 + the signal: a
# job that ignored it and finished exits 0 and writes the target) and the
# wait's 10 s (a job that ignored it in a blocked read hangs). The time
# bound only catches a slow exit; it is loose (5 s, 8 s under a sanitizer,
# which checks for leaks at exit) because a loaded 2-core CI box once took
# 1.13 s where the exit alone takes 0.03-0.07 s; the measured time is printed.
SANITIZED = b"libasan" in subprocess.run(["ldd", OVNI], stdout=subprocess.PIPE).stdout
EXIT_LIMIT = 8.0 if SANITIZED else 5.0
ENV = dict(os.environ, OVNI_DEVICE="cpu", OVNI_LOG_LEVEL="warning")
T = tempfile.mkdtemp(prefix="ovni-hostile-")
fails = 0
checks = 0


def check(cond, what, detail=""):
    global fails, checks
    checks += 1
    if not cond:
        fails += 1
        print(f"FAIL: {what}" + (f": {detail}" if detail else ""), file=sys.stderr)


def run(*args, timeout=60, env=None):
    p = subprocess.run([OVNI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                       env=env or ENV, cwd=T)
    return p.returncode, p.stderr.decode(errors="replace")


def path(name):
    return os.path.join(T, name)


def listing(d):
    return sorted(os.listdir(d))


def default_signals():
    # a job started by a script may inherit SIGINT/SIGQUIT ignored; ovni
    # catches them anyway, but start it the way a terminal would
    for s in (signal.SIGINT, signal.SIGQUIT, signal.SIGPIPE, signal.SIGHUP):
        signal.signal(s, signal.SIG_DFL)
    os.setsid()  # its own session: the signals sent here reach only it


# ---- inputs made here -------------------------------------------------------
rc, err = run("run", "color:#336699:160x120", path("in.mp4"), "--frames", "10", "-q")
assert rc == 0, err
rc, err = run("run", "color:#993366:160x120", path("secret.ts"), "--frames", "150", "-q")
assert rc == 0, err
SECRET = open(path("secret.ts"), "rb").read()


# ---- 1. playlists -----------------------------------------------------------
class Marker:
    """A FIFO named by the playlist: if anything opens it for reading, the
    writer thread's open returns and `opened` is set."""

    def __init__(self, name):
        self.path = path(name)
        os.mkfifo(self.path)
        self.opened = False
        self.t = threading.Thread(target=self._serve, daemon=True)
        self.t.start()

    def _serve(self):
        fd = os.open(self.path, os.O_WRONLY)  # blocks until a reader opens it
        if not self.done:
            self.opened = True
            try:
                os.write(fd, SECRET)
            except OSError:
                pass
        os.close(fd)

    done = False

    def close(self):
        self.done = True
        r = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)  # frees the thread if no one came
        self.t.join(5)
        os.close(r)
        os.unlink(self.path)


def playlist(name, target):
    with open(path(name), "w") as f:
        f.write(f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:1.0,\n{target}\n#EXT-X-ENDLIST\n")


# the detector works: with --allow-playlists the marker is read
m = Marker("marker.ts")
playlist("evil.mp4", m.path)
rc, err = run("run", "evil.mp4", "ok.mp4", "--allow-playlists", "-q", timeout=30)
m.close()
check(m.opened, "--allow-playlists: the playlist's file is read (the marker works)", err)
check(rc == 0, "--allow-playlists: exit 0", err)

for name, args in [("evil.mp4", ["run", "evil.mp4", "x.mp4"]),
                   ("evil.png", ["run", "evil.png", "x.mp4"]),
                   ("evil.mp4", ["run", "in.mp4", "x.mp4", "--vf", "overlay=file=evil.mp4"]),
                   ("evil.png", ["run", "in.mp4", "x.mp4", "--vf", "overlay=file=evil.png"]),
                   ("evil.mp4", ["run", "in.mp4", "x.mp4", "--audio", "evil.mp4"])]:
    m = Marker("marker.ts")
    playlist(name, m.path)
    rc, err = run(*args, "-q", timeout=30)
    m.close()
    what = " ".join(args)
    check(rc == 1, f"{what}: exit 1", f"rc {rc}: {err}")
    check(not m.opened, f"{what}: the file the playlist names was not opened")
    word = "not an image" if name.endswith(".png") else "HLS playlist"
    check(word in err and name in err, f"{what}: the message names the file and says '{word}'", err)
    check(not os.path.exists(path("x.mp4")), f"{what}: no output")

# a playlist naming itself: refused at once; allowed, Ctrl-C still ends it
playlist("self.mp4", path("self.mp4"))
t0 = time.time()
rc, err = run("run", "self.mp4", "x.mp4", "-q", timeout=30)
check(rc == 1 and "HLS playlist" in err and time.time() - t0 < 5, "self-referencing playlist refused", err)


# ---- 3. signals -------------------------------------------------------------
def target_file():
    with open(path("target.mp4"), "wb") as f:
        f.write(b"the old target")


def start(args, env=None):
    return subprocess.Popen([OVNI, *args], cwd=T, env=env or ENV, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, preexec_fn=default_signals)


def has_open(p, name):
    try:
        fds = os.listdir(f"/proc/{p.pid}/fd")
    except OSError:
        return False
    for f in fds:
        try:
            if os.readlink(f"/proc/{p.pid}/fd/{f}").endswith("/" + name):
                return True
        except OSError:
            pass
    return False


def wait_for(cond, limit=60):
    t0 = time.time()
    while not cond():
        if time.time() - t0 > limit:
            return False
        time.sleep(0.01)
    return True


def ends_well(p, sig, what, extra_sig=None):
    t0 = time.time()
    p.send_signal(sig)
    if extra_sig:
        p.send_signal(extra_sig)
    try:
        rc = p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = "hang"
    dt = time.time() - t0
    err = p.stderr.read().decode(errors="replace")
    print(f"{what}: {signal.Signals(sig).name}: exit {rc} after {dt:.3f} s")
    check(rc == 128 + sig, f"{what}: {signal.Signals(sig).name}: exit {128 + sig}", f"got {rc}: {err[-400:]}")
    check(dt < EXIT_LIMIT, f"{what}: {signal.Signals(sig).name}: exits within {EXIT_LIMIT:g} s", f"{dt:.2f} s")
    check(open(path("target.mp4"), "rb").read() == b"the old target", f"{what}: the target is untouched")
    tmp = [n for n in os.listdir(T) if ".ovni-" in n]
    check(not tmp, f"{what}: no temporary file", str(tmp))


# in the open: a FIFO with no writer
os.mkfifo(path("fifo"))
for sig in (signal.SIGINT, signal.SIGTERM):
    target_file()
    p = start(["run", "fifo", "target.mp4", "--progress", "none"])
    check(wait_for(lambda: has_open(p, "fifo")), "the FIFO is opened")
    ends_well(p, sig, "FIFO open")

# in a read: frames flow, then the writer goes quiet and keeps the FIFO open


def queued(fd):
    return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0]


for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGPIPE, signal.SIGUSR1):
    target_file()
    p = start(["run", "fifo", "target.mp4", "--progress", "none"])
    check(wait_for(lambda: has_open(p, "fifo")), "the FIFO is opened")
    w = os.open(path("fifo"), os.O_WRONLY)
    os.write(w, SECRET[: len(SECRET) * 3 // 4])
    # reading: the output's temporary file exists once frames came through
    ok = wait_for(lambda: any(".ovni-" in n for n in os.listdir(T)) and queued(w) == 0, 30)
    check(ok, f"FIFO read ({signal.Signals(sig).name}): frames came through")
    ends_well(p, sig, "FIFO read")
    os.close(w)

# in the final flush: x264 holds its lookahead until the end
flush_env = dict(ENV, OVNI_LOG_LEVEL="debug")
for extra in (None, signal.SIGINT):
    target_file()
    p = subprocess.Popen([OVNI, "run", "color:#336699:320x180", "target.mp4", "--frames", "60", "--preset",
                          "veryslow", "--progress", "none"], cwd=T, env=flush_env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, preexec_fn=default_signals)
    seen = []
    for line in p.stderr:
        seen.append(line)
        if b"flushing the encoder" in line:
            break
    check(any(b"flushing the encoder" in s for s in seen), "the flush was reached")
    ends_well(p, signal.SIGINT, "final flush" + (" (twice)" if extra else ""), extra)


# ---- 2. temporary files -----------------------------------------------------
with open(path("victim"), "wb") as f:
    f.write(b"victim")
os.chmod(path("victim"), 0o600)
planted = path(".planted.ovni-abcdefghijkl.tmp.mp4")
os.symlink(path("victim"), planted)
rc, err = run("run", "in.mp4", "planted.mp4", "-q", env=dict(ENV, OVNI_TEST_TMP_NAME="abcdefghijkl"))
check(rc == 0, "planted temp symlink: the job still runs", err)
check(open(path("victim"), "rb").read() == b"victim", "planted temp symlink: the victim is unchanged")
check(os.path.islink(planted), "planted temp symlink: left as it was")
check(not any(".ovni-" in n and n != os.path.basename(planted) for n in os.listdir(T)), "no temporary file left")
# a symlink as the target is replaced, never written through
os.symlink(path("victim"), path("link.mp4"))
rc, err = run("run", "in.mp4", "link.mp4", "-q")
check(rc == 0 and not os.path.islink(path("link.mp4")), "a symlinked target is replaced by the file", err)
check(open(path("victim"), "rb").read() == b"victim", "symlinked target: the victim is unchanged")
# the target's mode is kept
with open(path("private.mp4"), "wb") as f:
    f.write(b"old")
os.chmod(path("private.mp4"), 0o600)
rc, err = run("run", "in.mp4", "private.mp4", "-q")
check(rc == 0 and stat.S_IMODE(os.stat(path("private.mp4")).st_mode) == 0o600, "a 0600 target stays 0600",
      oct(os.stat(path("private.mp4")).st_mode))
# a name of 250 characters (the temporary name is shortened)
long_name = "l" * 246 + ".mp4"
rc, err = run("run", "in.mp4", long_name, "-q")
check(rc == 0 and os.path.exists(path(long_name)), "a 250-character output name", err)


# ---- 5. overwrites ----------------------------------------------------------
before = open(path("in.mp4"), "rb").read()
rc, err = run("run", "in.mp4", "in.mp4", "-q")
check(rc == 1 and "same file" in err, "same file in and out is refused", err)
os.link(path("in.mp4"), path("hard.mp4"))
rc, err = run("transcode", "in.mp4", "hard.mp4", "-q")
check(rc == 1 and "same file" in err, "a hard link of the input is refused", err)
check(open(path("in.mp4"), "rb").read() == before, "the input is untouched")
target_file()
rc, err = run("run", "in.mp4", "target.mp4", "-n", "-q")
check(rc == 1 and "exists" in err and open(path("target.mp4"), "rb").read() == b"the old target",
      "-n keeps an existing target", err)
rc, err = run("run", "in.mp4", "target.mp4", "-y", "-q")
check(rc == 0 and open(path("target.mp4"), "rb").read() != b"the old target", "-y replaces it", err)

# ---- 4. resource limits -----------------------------------------------------
def run_rss(*args):
    """exit status, stderr, and the child's own peak RSS in MB (wait4)."""
    p = subprocess.Popen([OVNI, *args], cwd=T, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read().decode(errors="replace")
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, err, ru.ru_maxrss / 1024


# an H.264 stream whose SPS says 8192x8192 (one black frame, 20 KB)
subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "color=black:s=8192x8192:r=25", "-frames:v",
                "1", "-c:v", "libx264", "-preset", "ultrafast", "-y", path("sps.h264")], check=True, timeout=120)
rc, err, rss = run_rss("run", "sps.h264", "x.mp4", "--max-memory", "1G", "-q")
print(f"8192x8192 SPS, --max-memory 1G: exit {rc}, peak RSS {rss:.0f} MB")
check(rc == 1 and "8192x8192" in err and "memory limit" in err, "SPS bomb: a named error", err)
check(rss < 1024, "SPS bomb: under 1 GB of RSS", f"{rss:.0f} MB")
rc, err, rss = run_rss("run", "color:black:8192x8192", "x.mp4", "--frames", "1", "--max-memory", "1G", "-q")
print(f"8192x8192 output, --max-memory 1G: exit {rc}, peak RSS {rss:.0f} MB")
check(rc == 1 and "encoder would take" in err and "memory limit" in err, "writer bomb: a named error", err)
check(rss < 1024, "writer bomb: under 1 GB of RSS", f"{rss:.0f} MB")
check(not os.path.exists(path("x.mp4")), "no output")
rc, err = run("run", "in.mp4", "x.mp4", "--max-memory", "lots")
check(rc == 2 and "--max-memory" in err, "--max-memory names a bad size", err)

# a PNG whose header says 30000x30000
import zlib


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)


with open(path("huge.png"), "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"\0" * 90001)[:64]) + chunk(b"IEND", b""))
rc, err, rss = run_rss("run", "huge.png", "x.mp4", "-q")
print(f"30000x30000 PNG: exit {rc}, peak RSS {rss:.0f} MB")
check(rc == 1 and "30000x30000" in err and "limit" in err, "huge PNG: the message names its size", err)
check(rss < 1024, "huge PNG: under 1 GB of RSS", f"{rss:.0f} MB")

# captions: Fontsize 200000 in the style and \fs200000 in the text; a 100 MB font file
ass = """[Script Info]
ScriptType: v4.00+
PlayResX: 320
PlayResY: 240

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, \
Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, \
MarginV, Encoding
Style: Default,DejaVu Sans,200000,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,0,2,10,10,10,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:00.00,0:00:05.00,Default,,0,0,0,,Hello {\\fs200000}World
""".replace("\\\n", "")
with open(path("bomb.ass"), "w") as f:
    f.write(ass)
os.mkdir(path("fonts"))
with open(path("fonts/huge.ttf"), "wb") as f:
    f.truncate(100 << 20)
rc, err, rss = run_rss("run", "color:red:320x240", "ass.mp4", "--frames", "3", "--progress", "none", "--vf",
                       "ass=file=bomb.ass:fonts_dir=fonts")
print(f"ASS Fontsize 200000 + 100 MB font file: exit {rc}, peak RSS {rss:.0f} MB")
check(rc == 0, "ASS bomb: drawn, clamped", err)
check("clamped to 960" in err and "200000" in err, "ASS bomb: the clamp is named", err)
check("huge.ttf" in err and "skipped" in err, "the oversized font file is skipped with a warning", err)
check(rss < 1024, "ASS bomb: under 1 GB of RSS", f"{rss:.0f} MB")

# ---- 6. messages that name the cause ---------------------------------------
for vf, want in [("hflip", 'did you mean "flip"'), ("blur=sigma=2", 'did you mean "gaussian_blur"'),
                 ("scale=640:360", "resize=width=W:height=H"), ("vignete=strength=1", 'did you mean "vignette"'),
                 ("gaussian_blur=sigam=2", 'did you mean "sigma"')]:
    rc, err = run("run", "in.mp4", "x.mp4", "--vf", vf)
    check(rc == 2 and want in err, f"--vf {vf}: suggests {want}", err)
# control characters in a file name are escaped, not sent to the terminal
rc, err = run("run", "in.mp4", "x.mp4", "--vf", "overlay=file=no\x1b[2Jsuch\n.png")
check(rc == 1 and "\x1b" not in err and "\\x1b" in err, "control characters are escaped", repr(err))
# -q: errors only (no info lines, FFmpeg's included)
rc, err = run("run", "in.mp4", "x.mp4", "-q", env=dict(ENV, OVNI_LOG_LEVEL="info"))
check(rc == 0 and err == "", "-q prints nothing on success", err)
# a frame size the writer cannot take, named at its open
rc, err = run("run", "color:red:9000x64", "x.mp4", "--frames", "1", "-q")
check(rc == 1 and "9000x64" in err and "8192" in err, "an output over 8192 is named", err)
# /proc files report a size of 0 but are not empty
rc, err = run("run", "/proc/self/status", "x.mp4", "-q")
check(rc == 1 and "empty" not in err and "text file" in err, "/proc file: not 'empty'", err)

# an audio track ovni cannot use (its codec renamed to one nobody knows) is left out
subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=s=160x120:r=25", "-f", "lavfi", "-i",
                "sine", "-t", "1", "-c:v", "libx264", "-c:a", "pcm_s16le", "-y", path("a.mkv")], check=True, timeout=60)
data = open(path("a.mkv"), "rb").read()
check(b"A_PCM/INT/LIT" in data, "the test file has its audio codec id")
with open(path("badaudio.mkv"), "wb") as f:
    f.write(data.replace(b"A_PCM/INT/LIT", b"A_XYZ/INT/LIT"))
rc, err = run("transcode", "badaudio.mkv", "x.mp4", "--progress", "none")
check(rc == 0 and "its audio cannot be used" in err and "no decoder" in err, "an unusable audio track: a warning, "
      "the job goes on", err)
# ---- stdin ------------------------------------------------------------------
with open(path("in.mp4"), "rb") as f:
    p = subprocess.run([OVNI, "run", "-", "stdin.mp4", "--progress", "none"], stdin=f, cwd=T, env=ENV,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
check(p.returncode == 0 and os.path.exists(path("stdin.mp4")), "- reads stdin", p.stderr.decode())
with open(path("secret.ts"), "rb") as f:
    data = f.read()
p = subprocess.run([OVNI, "run", "-", "stdin.mp4", "-q"], input=data, cwd=T, env=ENV,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
check(p.returncode == 0, "- reads a pipe", p.stderr.decode())

if os.environ.get("KEEP") is None:
    subprocess.run(["rm", "-rf", T])
print(f"test_hostile: {'FAIL' if fails else 'PASS'} ({checks - fails}/{checks} checks)")
sys.exit(1 if fails else 0)
