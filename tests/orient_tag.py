#!/usr/bin/env python3
"""Tags a picture with an orientation (EXIF's numbers, 1..8), for the
geometry tests:
  orient_tag.py exif IN.jpg N OUT.jpg   a copy of a JPEG with an EXIF APP1
      segment holding only an Orientation tag (any APP1 already there is
      dropped); big-endian ("MM") TIFF header when N is odd, little-endian
      ("II") when even, so both byte orders are read.
  orient_tag.py mp4 IN.mp4 N OUT.mp4    a copy of an MP4 whose video track's
      tkhd matrix (identity in IN) is orientation N's: stored (p, q) shown at
      (a p + c q, b p + d q), as libavutil/display.h reads it. FFmpeg 5.1's
      command line can tag rotations (-metadata:s:v rotate=) but no mirrors."""
import struct
import sys

# (transpose, mirror x, mirror y) of each orientation
BITS = {1: (0, 0, 0), 2: (0, 1, 0), 3: (0, 1, 1), 4: (0, 0, 1), 5: (1, 0, 0), 6: (1, 0, 1), 7: (1, 1, 1), 8: (1, 1, 0)}


def exif(src, n, dst):
    le = n % 2 == 0
    e = "<" if le else ">"
    tiff = (b"II" if le else b"MM") + struct.pack(e + "HI", 42, 8)
    ifd = struct.pack(e + "H", 1) + struct.pack(e + "HHIHH", 0x0112, 3, 1, n, 0) + struct.pack(e + "I", 0)
    body = b"Exif\0\0" + tiff + ifd
    seg = b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body
    data = open(src, "rb").read()
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    i, kept = 2, []
    while data[i] == 0xFF and data[i + 1] != 0xDA:
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if data[i + 1] != 0xE1:
            kept.append(data[i:i + 2 + length])
        i += 2 + length
    open(dst, "wb").write(b"\xff\xd8" + seg + b"".join(kept) + data[i:])


def mp4(src, n, dst):
    data = bytearray(open(src, "rb").read())
    one, w = 1 << 16, 1 << 30
    identity = struct.pack(">9i", one, 0, 0, 0, one, 0, 0, 0, w)
    t, h, v = BITS[n]
    m = [0] * 9
    if t:
        m[1], m[3] = (-one if h else one), (-one if v else one)
    else:
        m[0], m[4] = (-one if h else one), (-one if v else one)
    m[8] = w
    at = data.find(b"tkhd")
    assert at > 0, "no tkhd box"
    k = data.find(identity, at)
    assert 0 < k < at + 100, "the track's matrix is not the identity"
    data[k:k + 36] = struct.pack(">9i", *m)
    open(dst, "wb").write(bytes(data))


if __name__ == "__main__":
    {"exif": exif, "mp4": mp4}[sys.argv[1]](sys.argv[2], int(sys.argv[3]), sys.argv[4])
