#!/usr/bin/env python3
"""Reads the house: who includes whom, who calls whom, and where the lines are.

    tools/house.py [BUILD_DIR] [--check] [--verbose]

Three readings of the tracked tree:
  * includes: every quoted #include resolved to a tracked file (relative to the
    including file, then include/, firmware/, lib/hgei/, platform/qemu-virt/);
  * calls: from the target objects under BUILD_DIR/fw and BUILD_DIR/lib/riscv64 (nm): a file depends on the
    file that defines a global symbol it leaves undefined (the port hooks of
    include/hgei_port.h excepted: the library's one way down, by design); strongly
    connected groups of more than one file are circles (--verbose: which symbols);
  * lines: C and assembly lines (.c .h .S) per top-level folder, tests included.

Prints one `house:` summary line and the offending edges. With --check, exits 1
when a rule below is broken (the layout issue 15 asked for):
  - no circle of calls anywhere (lib/, firmware/, mmode/, checks/, vcpu/, bench/);
  - firmware/ (the HS runtime) is at most FIRMWARE_MAX_SHARE of the C and assembly lines;
  - firmware/ includes nothing from tests/ or bench/;
  - lib/ includes nothing from firmware/ (or tests/, bench/);
  - mmode/ (the M-mode layer, a firmware of its own) includes nothing from firmware/
    or lib/, and from include/ only the shared encoding header.
"""
import os
import re
import subprocess
import sys

INCLUDE_DIRS = ["include", "firmware", "vcpu", "lib/hgei", "lib/hgei/dt", "platform/qemu-virt"]
SOURCE_EXT = (".c", ".h", ".S")
FIRMWARE_MAX_SHARE = 30.0
# What mmode/ may take from include/: the encodings both images share, no code.
MMODE_SHARED = {"include/hgei_riscv_enc.h"}


def tracked(top):
    out = subprocess.run(["git", "-C", top, "ls-files"], capture_output=True, text=True,
                         check=True).stdout
    return [p for p in out.split("\n") if p.endswith(SOURCE_EXT)]


def area(path):
    return path.split("/", 1)[0] if "/" in path else "."


def include_edges(top, files):
    known = set(files)
    edges = []
    for f in files:
        with open(os.path.join(top, f), errors="replace") as fh:
            for line in fh:
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if not m:
                    continue
                name = m.group(1)
                cands = [os.path.normpath(os.path.join(os.path.dirname(f), name))]
                cands += [os.path.normpath(os.path.join(d, name)) for d in INCLUDE_DIRS]
                hit = next((c for c in cands if c in known), None)
                if hit:
                    edges.append((f, hit))
    return edges


def nm_symbols(obj):
    out = subprocess.run(["riscv64-unknown-elf-nm", obj], capture_output=True, text=True)
    defined, undefined = set(), set()
    for line in out.stdout.split("\n"):
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRGSVW":
            defined.add(parts[2])
    return defined, undefined


def port_hooks(top):
    """The names include/hgei_port.h declares: the library calls down through them by
    design (the port is linked in), so they are an interface, not a dependency."""
    with open(os.path.join(top, "include/hgei_port.h")) as fh:
        return set(re.findall(r"\b(hgei_port_\w+)\s*\(", fh.read()))


def call_edges(top, build):
    """File-to-file call edges from the target objects under BUILD/fw (the HS runtime,
    its stages and the M-mode layer) and BUILD/lib/riscv64 (the archives' objects,
    which the firmware links), libfdt left out. Returns the files and a map
    (from, to) -> the symbols that make the edge."""
    objs = {}
    for sub in ("fw", os.path.join("lib", "riscv64")):
        objdir = os.path.join(top, build, sub)
        for root, _, names in os.walk(objdir):
            for n in names:
                if not n.endswith(".o"):
                    continue
                rel = os.path.relpath(os.path.join(root, n), objdir)
                if rel.startswith("libfdt"):
                    continue
                src = rel[:-2]
                for ext in (".c", ".S"):
                    if os.path.exists(os.path.join(top, src + ext)):
                        objs[src + ext] = os.path.join(root, n)
                        break
    owner, needs = {}, {}
    for src, obj in objs.items():
        d, u = nm_symbols(obj)
        for s in d:
            owner.setdefault(s, set()).add(src)
        needs[src] = u
    hooks = port_hooks(top)
    edges = {}
    for src, u in needs.items():
        for sym in u - hooks:
            for o in owner.get(sym, ()):
                # The M-mode layer and the HS side are two images that both define
                # some names (e.g. _start): pair within a side.
                if o != src and o.startswith("mmode/") == src.startswith("mmode/"):
                    edges.setdefault((src, o), set()).add(sym)
    return sorted(objs), edges


def circles(nodes, edges):
    """Tarjan's strongly connected components of more than one node."""
    adj = {n: [] for n in nodes}
    for a, b in edges:
        adj.setdefault(a, []).append(b)
        adj.setdefault(b, [])
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        work = [(v, iter(adj[v]))]
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        while work:
            node, it = work[-1]
            nxt = next(it, None)
            if nxt is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == node:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
                continue
            if nxt not in index:
                index[nxt] = low[nxt] = counter[0]
                counter[0] += 1
                stack.append(nxt)
                on.add(nxt)
                work.append((nxt, iter(adj[nxt])))
            elif nxt in on:
                low[node] = min(low[node], index[nxt])

    for n in list(adj):
        if n not in index:
            visit(n)
    return sorted(out)


def line_shares(top, files):
    per = {}
    for f in files:
        with open(os.path.join(top, f), errors="replace") as fh:
            per[area(f)] = per.get(area(f), 0) + sum(1 for _ in fh)
    return per


def main(argv):
    check = "--check" in argv
    verbose = "--verbose" in argv
    args = [a for a in argv if not a.startswith("--")]
    build = args[0] if args else os.environ.get("BUILD", "build")
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True,
                         text=True, check=True).stdout.strip()
    files = tracked(top)
    broken = []

    for a, b in include_edges(top, files):
        if area(a) == "firmware" and area(b) in ("tests", "bench"):
            broken.append(f"include {a} -> {b}: firmware/ must not reach into {area(b)}/")
        if area(a) == "lib" and area(b) in ("firmware", "tests", "bench"):
            broken.append(f"include {a} -> {b}: lib/ must not reach into {area(b)}/")
        if area(a) == "mmode" and (area(b) in ("firmware", "lib", "vcpu", "checks") or
                                   (area(b) == "include" and b not in MMODE_SHARED)):
            broken.append(f"include {a} -> {b}: mmode/ shares only "
                          f"{', '.join(sorted(MMODE_SHARED))} with the rest")

    nodes, edges = call_edges(top, build)
    if not nodes:
        broken.append(f"no objects under {build}/fw: build the firmware first")
    if not any(n.startswith("lib/") for n in nodes):
        broken.append(f"no objects under {build}/lib/riscv64: make lib first")
    rings = circles(nodes, edges)
    for ring in rings:
        line = "circle: " + " <-> ".join(ring)
        print(line)
        if verbose:
            for (a, b), syms in sorted(edges.items()):
                if a in ring and b in ring:
                    print(f"  {a} -> {b}: {' '.join(sorted(syms))}")
        broken.append(line)

    per = line_shares(top, files)
    total = sum(per.values())
    fw = per.get("firmware", 0)
    share = 100.0 * fw / total if total else 0.0
    if share > FIRMWARE_MAX_SHARE:
        broken.append("firmware/ is %.1f%% of the C and assembly lines, at most %.0f%%"
                      % (share, FIRMWARE_MAX_SHARE))
    for b in broken:
        print("FAIL " + b)
    print("house: files=%d call_edges=%d circles=%d firmware_lines=%d of %d (%.1f%%) "
          "areas=%s" % (len(files), len(edges), len(rings), fw, total, share,
                        ",".join(f"{k}:{v}" for k, v in sorted(per.items()))))
    if check:
        # One pass per rule kept; every broken edge, circle or share is one failure.
        rules = ("circle", "firmware/ is", "include firmware/", "include lib/",
                 "include mmode/", "no objects")
        kept = sum(1 for r in rules if not any(b.startswith(r) for b in broken))
        print("house: %d passed, %d failed" % (kept, len(broken)))
        return 1 if broken else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
