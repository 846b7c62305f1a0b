#!/usr/bin/env python3
"""Counts the atomic memory operations and fences on lib/hgei's paths, from the
disassembly of a built libhgei.a (riscv64-unknown-elf-objdump -d -r).

Usage: count_atomics.py [--objdump PROG] [--table] LIBHGEI.A

A path is a root function and every function of the library it reaches: calls, tail
calls and jumps into another function (.cold parts) are followed through their
relocations (R_RISCV_CALL*, JAL, BRANCH, RVC_*), within the archive only; what the
library leaves to the port (hgei_port_kick, hgei_port_hartid, ...) and to libgcc is
not counted, nor are calls through pointers (the owner's wake()). Counts are static:
each instruction of each function on the path once, on whatever branch it sits and
however often a loop runs it.

  amo_PATH    AMOs (amo*.w/.d), an LR/SC pair counted once (the lr.w/lr.d)
  fence_PATH  fence, fence.i, fence.tso (not the pause hint, not .aq/.rl bits)
  aqrl_PATH   instructions with .aq/.rl/.aqrl ordering bits (AMOs, LR, SC)

Prints "metric value unit" lines (bench/run.sh collects them into results.csv);
with --table, a readable breakdown per path and function instead.
"""
import argparse
import re
import subprocess
import sys

# Path name -> root function (see hgei.h).
PATHS = [
    ("alloc_local", "hgei_alloc"),
    ("free_local", "hgei_free"),
    ("arm_local", "hgei_arm"),
    ("disarm_local", "hgei_disarm"),
    ("remote_free", "hgei_remote_free"),
    ("remote_free_async", "hgei_remote_free_async"),
    ("remote_alloc", "hgei_remote_alloc"),
    ("sync", "hgei_sync"),
    ("sgei", "hgei_handle_sgei"),
]

EDGE_RELOCS = {"R_RISCV_CALL", "R_RISCV_CALL_PLT", "R_RISCV_JAL", "R_RISCV_BRANCH",
               "R_RISCV_RVC_JUMP", "R_RISCV_RVC_BRANCH"}
INSN = re.compile(r"^\s+([0-9a-f]+):\t(\S+)(?:\s+(.*))?$")
RELOC = re.compile(r"\b([0-9a-f]+): (R_RISCV_[A-Z0-9_]+)\s+(\S+)")
MEMBER = re.compile(r"^(\S+\.o):\s+file format")
HEADER = re.compile(r"^[0-9a-f]+ <(.+)>:$")
SECTION = re.compile(r"^Disassembly of section (\S+):$")
SYM = re.compile(r"^\s*\d+:\s+[0-9a-f]+\s+\d+\s+FUNC\s+(LOCAL|GLOBAL|WEAK)\s+\S+\s+\S+\s+(\S+)$")
READELF_FILE = re.compile(r"^File: .*\((\S+\.o)\)$")


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def func_symbols(archive, readelf):
    """{member: {name: bind}} of the FUNC symbols defined in each member."""
    out, member = {}, None
    for line in run([readelf, "-sW", archive]).splitlines():
        m = READELF_FILE.match(line)
        if m:
            member = m.group(1)
            out.setdefault(member, {})
            continue
        m = SYM.match(line)
        if m and member:
            out[member][m.group(2)] = m.group(1)
    return out


def classify(mnemonic, operands):
    m = mnemonic.lower()
    kinds = []
    if m.startswith("amo") or m.startswith("lr."):
        kinds.append("amo")
    if m in ("fence", "fence.i", "fence.tso"):
        kinds.append("fence")
    if m.startswith(("amo", "lr.", "sc.")) and re.search(r"\.(aq|rl|aqrl)$", m):
        kinds.append("aqrl")
    if m == "pause" or (m == ".word" and operands and operands.strip() == "0x0100000f"):
        kinds.append("pause")
    return kinds


def parse(archive, objdump, readelf):
    """{(member, name): {"amo": n, "fence": n, "aqrl": n, "pause": n, "insns": n,
    "calls": set(target names), "global": bool}}"""
    syms = func_symbols(archive, readelf)
    funcs, member, cur = {}, None, None
    text = run([objdump, "-d", "-r", "-w", "--no-show-raw-insn", archive])
    for line in text.splitlines():
        m = MEMBER.match(line)
        if m:
            member, cur = m.group(1), None
            continue
        if SECTION.match(line):
            cur = None
            continue
        m = HEADER.match(line)
        if m:
            name = m.group(1)
            if member and name in syms.get(member, {}):
                cur = funcs.setdefault((member, name), {
                    "amo": 0, "fence": 0, "aqrl": 0, "pause": 0, "insns": 0,
                    "calls": set(), "global": syms[member][name] != "LOCAL"})
            continue
        if cur is None:
            continue
        for _, kind, target in RELOC.findall(line):
            if kind in EDGE_RELOCS and not target.startswith(".L"):
                cur["calls"].add(target)
        m = INSN.match(line)
        if m and not m.group(2).startswith("R_RISCV_"):
            cur["insns"] += 1
            for k in classify(m.group(2), m.group(3)):
                cur[k] += 1
    return funcs


def reach(funcs, root):
    """The functions on @root's path, as (member, name), and the external callees."""
    glob = {name: key for key, f in funcs.items() if f["global"] for name in [key[1]]}
    start = glob.get(root)
    if start is None:
        return None, set()
    seen, pending, external = {start}, [start], set()
    while pending:
        member, name = pending.pop()
        for t in funcs[(member, name)]["calls"]:
            key = (member, t) if (member, t) in funcs else glob.get(t)
            if key is None:
                external.add(t)
            elif key not in seen:
                seen.add(key)
                pending.append(key)
    return sorted(seen), external


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--objdump", default="riscv64-unknown-elf-objdump")
    ap.add_argument("--readelf", default="riscv64-unknown-elf-readelf")
    ap.add_argument("--table", action="store_true")
    ap.add_argument("archive")
    a = ap.parse_args()
    funcs = parse(a.archive, a.objdump, a.readelf)
    missing = 0
    for path, root in PATHS:
        keys, external = reach(funcs, root)
        if keys is None:
            print(f"count_atomics: {root} not in {a.archive}", file=sys.stderr)
            missing += 1
            continue
        tot = {k: sum(funcs[key][k] for key in keys)
               for k in ("amo", "fence", "aqrl", "pause", "insns")}
        if a.table:
            print(f"{path} ({root}): {tot['amo']} AMO, {tot['fence']} fence, "
                  f"{tot['aqrl']} .aq/.rl, {tot['pause']} pause, {tot['insns']} "
                  f"instructions; not followed: {', '.join(sorted(external)) or '-'}")
            for key in keys:
                f = funcs[key]
                print(f"    {key[0]}:{key[1]}: {f['insns']} insns, {f['amo']} AMO, "
                      f"{f['fence']} fence, {f['aqrl']} .aq/.rl")
        else:
            print(f"amo_{path} {tot['amo']} amos")
            print(f"fence_{path} {tot['fence']} fences")
            print(f"aqrl_{path} {tot['aqrl']} instructions")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
