#!/usr/bin/env python3
"""Section sizes of lib/hgei as built for the target: prints "metric value unit" lines.

Usage: footprint.py OBJ...   (build/fw/lib/hgei/*.o)
Sums .text, .rodata (+ .srodata), .data (+ .sdata) and .bss (+ .sbss) over the
objects, as `riscv64-unknown-elf-size -A` reports them; debug sections are left out.
The allocator alone (everything but the devicetree and strerror files) is given too.
"""
import os
import subprocess
import sys

KINDS = {".text": "text", ".rodata": "rodata", ".srodata": "rodata", ".data": "data",
         ".sdata": "data", ".bss": "bss", ".sbss": "bss"}


def sizes(obj):
    out = subprocess.run(["riscv64-unknown-elf-size", "-A", obj], check=True,
                         capture_output=True, text=True).stdout
    got = dict.fromkeys(set(KINDS.values()), 0)
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2 or not parts[1].isdigit():
            continue
        name = parts[0]
        for prefix, kind in KINDS.items():
            if name == prefix or name.startswith(prefix + "."):
                got[kind] += int(parts[1])
                break
    return got


def main():
    total = dict.fromkeys(set(KINDS.values()), 0)
    alloc = dict(total)
    for obj in sys.argv[1:]:
        s = sizes(obj)
        base = os.path.basename(obj)
        for k, v in s.items():
            total[k] += v
            if not base.startswith("dt_") and base != "strerror.o":
                alloc[k] += v
    for k in ("text", "rodata", "data", "bss"):
        print(f"lib_{k}_bytes {total[k]} bytes")
    for k in ("text", "rodata", "data", "bss"):
        print(f"lib_alloc_{k}_bytes {alloc[k]} bytes")


if __name__ == "__main__":
    main()
