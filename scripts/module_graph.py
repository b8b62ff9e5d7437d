#!/usr/bin/env python3
"""Who calls whom between libovni's translation units, read from the static
library's symbol table (nm): an edge a -> b when a uses a symbol b defines.

usage: module_graph.py LIBOVNI.a [--check PREFIX...]

Prints the graph (core_* targets left out for brevity). With --check, exits
1 if two translation units whose names start with one of the PREFIXes (for
example ops_ ass_) lie on a cycle: op families must form chains, not
circles (docs/design.md, "Module graph").
"""
import collections
import subprocess
import sys


def graph(lib):
    out = subprocess.run(["nm", "-A", lib], capture_output=True, text=True, check=True).stdout
    defs, uses = {}, collections.defaultdict(set)
    for line in out.splitlines():
        where, _, rest = line.rpartition(":")
        unit = where.split(":")[-1].replace(".c.o", "")
        parts = rest.split()
        if len(parts) == 3 and parts[1] in "TDRB":
            defs[parts[2]] = unit
        elif len(parts) == 2 and parts[0] == "U":
            uses[unit].add(parts[1])
    edges = collections.defaultdict(set)
    for unit, syms in uses.items():
        for s in syms:
            if s in defs and defs[s] != unit:
                edges[unit].add(defs[s])
    return edges


def reach(edges, a):
    seen, todo = set(), [a]
    while todo:
        for b in edges.get(todo.pop(), ()):
            if b not in seen:
                seen.add(b)
                todo.append(b)
    return seen


def main():
    edges = graph(sys.argv[1])
    prefixes = tuple(sys.argv[3:]) if len(sys.argv) > 2 and sys.argv[2] == "--check" else ()
    for a in sorted(edges):
        shown = sorted(b for b in edges[a] if not b.startswith("core_"))
        if shown:
            print("%s -> %s" % (a, " ".join(shown)))
    bad = sorted({tuple(sorted((a, b))) for a in edges for b in edges[a]
                  if a.startswith(prefixes) and b.startswith(prefixes) and a in reach(edges, b)})
    if prefixes and bad:
        print("module_graph.py: on a cycle: %s" % ", ".join("%s <-> %s" % p for p in bad))
        sys.exit(1)


if __name__ == "__main__":
    main()
