#!/usr/bin/env python3
"""Compares checkops tables (CHECKOPS_TIMING output) row by row.

usage: checkops_compare.py [--fmad] A.txt[,A2.txt...] B.txt[,B2.txt...]

Each side is one or more checkops outputs of the same build (comma
separated); a row's graph ms is the smallest over that side's runs, its
gpu|d| the largest. Prints per op: gpu|d| A and B, graph ms A and B, and
B / A - 1, in B's order. A row of B named like a row of A plus a chroma
siting (rgb24_to_nv12_left) is compared with that row (an older build's
rgb24_to_nv12, before the cases were split per siting).

--fmad: A is the default build, B the one configured with
-Dkernel_fmad=false (nvcc -fmad=false for every kernel; it changes each
kernel's own code only, so a row's change is what it costs that op's
kernels). The verdict column says, per op:
  exact      gpu|d| 0 already with fused multiply-adds: nothing to pin
  pin        gpu|d| > 0 with them, 0 without, at < 5% graph time: a
             candidate for pinning (its .cu file in ovni_kernels_exact,
             src/ops/meson.build)
  costly     exact without them, but 5% or more slower
  not-exact  still differs without them (division, sqrt, expf: not fmad)
  n/a        no GPU column or no graph time
"""
import sys

SITINGS = ("left", "center", "topleft", "top")

# Which .cu file's kernels each checkops case runs (by name prefix; the first
# match wins), for the per-file verdict: -fmad=false is set per file.
CASE_FILES = [
    ("nv12_to_", "colour.cu"), ("p010_to_", "colour.cu"), ("rgb24_to_", "colour.cu"),
    ("rgba32_to_", "colour.cu"), ("overlay_", "overlay.cu"), ("blend_", "overlay.cu"),
    ("chroma_key_", "chromakey.cu"), ("round_", "rounded.cu"), ("fill_rect_", "fill.cu"),
    ("fade_", "fill.cu"), ("crossfade_", "mix.cu"), ("adjust_", "mix.cu"), ("blur_", "blur.cu"),
    ("make_shadow", "shadow.cu"), ("vignette_", "vignette.cu"), ("crop_int_", "crop.cu"),
    ("translate_int_", "crop.cu"), ("crop_", "resize.cu"), ("resize_", "resize.cu"),
    ("scale_translate_", "resize.cu"), ("fit_", "resize.cu"), ("cover_", "resize.cu"),
    ("rotate_", "rotate.cu"), ("warp_", "warp.cu"), ("flip_", "flip.cu"),
    ("deinterlace_", "deinterlace.cu"),
]


def case_file(op):
    for prefix, f in CASE_FILES:
        if op.startswith(prefix):
            return f
    return "?"


def parse(paths):
    rows = {}
    order = []
    for path in paths.split(","):
        for line in open(path):
            f = line.split()
            # op gpu|d| cpu|d| guards cpu_ms launch_ms roofline graph_ms graph_roof;
            # older builds (5da07a9): op max|d| guards cpu_ms launch_ms roofline graph_ms graph_roof
            if len(f) == 8:
                f = f[:2] + ["-"] + f[2:]
            if len(f) != 9 or f[3] not in ("ok", "BROKEN") or f[0] == "op":
                continue
            op, d, graph = f[0], f[1], f[7]
            d = int(d) if d.lstrip("-").isdigit() else None
            try:
                g = float(graph)
            except ValueError:
                g = None
            if op not in rows:
                rows[op] = [d, g]
                order.append(op)
                continue
            r = rows[op]
            if d is not None:
                r[0] = d if r[0] is None else max(r[0], d)
            if g is not None:
                r[1] = g if r[1] is None else min(r[1], g)
    return rows, order


def main():
    args = sys.argv[1:]
    fmad = "--fmad" in args
    args = [a for a in args if a != "--fmad"]
    if len(args) != 2:
        sys.exit(__doc__)
    a, order_a = parse(args[0])
    b, order = parse(args[1])
    # a case split per chroma siting later (rgb24_to_nv12 -> rgb24_to_nv12_left
    # ...) is compared with its one row of an older build
    for op in order:
        base = op.rsplit("_", 1)[0]
        if op not in a and op.rsplit("_", 1)[-1] in SITINGS and base in a:
            a[op] = a[base]
    head = "%-30s %6s %6s %9s %9s %7s" % ("op", "A|d|", "B|d|", "A ms", "B ms", "B/A-1")
    print(head + ("  verdict" if fmad else ""))
    counts = {}
    files = {}
    for op in order:
        if op not in a:
            continue
        (da, ga), (db, gb) = a[op], b[op]
        cost = gb / ga - 1 if ga and gb else None
        verdict = ""
        if fmad:
            if da is None or db is None or cost is None:
                verdict = "n/a"
            elif da == 0:
                verdict = "exact"
            elif db > 0:
                verdict = "not-exact"
            else:
                verdict = "pin" if cost < 0.05 else "costly"
            counts[verdict] = counts.get(verdict, 0) + 1
            files.setdefault(case_file(op), []).append((op, verdict, cost))
        print("%-30s %6s %6s %9s %9s %7s  %s" % (
            op, "-" if da is None else da, "-" if db is None else db,
            "-" if ga is None else "%.4f" % ga, "-" if gb is None else "%.4f" % gb,
            "-" if cost is None else "%+.1f%%" % (100 * cost), verdict))
    if fmad:
        print("verdicts: " + ", ".join("%s %d" % kv for kv in sorted(counts.items())))
        # A file can be pinned when every row it serves costs < 5% and at
        # least one becomes exact (warp's pre-shrink and shadow's blur also
        # run resize.cu / blur.cu kernels: read those rows with both files).
        print("per .cu file (-fmad=false is per file: ovni_kernels_exact in src/ops/meson.build):")
        for f in sorted(files):
            rows = files[f]
            costs = [c for _, _, c in rows if c is not None]
            worst = max(costs) if costs else None
            kinds = {}
            for _, v, _ in rows:
                kinds[v] = kinds.get(v, 0) + 1
            ok = worst is not None and worst < 0.05 and len(costs) == len(rows) and kinds.get("pin", 0) > 0
            print("  %-16s %-8s worst %7s  %s" % (f, "PIN" if ok else "keep", "-" if worst is None else
                  "%+.1f%%" % (100 * worst), ", ".join("%s %d" % kv for kv in sorted(kinds.items()))))


if __name__ == "__main__":
    main()
