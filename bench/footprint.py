#!/usr/bin/env python3
"""Section sizes of lib/hgei as built for the target: prints "metric value unit" lines.

Usage: footprint.py OBJ...          (build/lib/qemu/lib/hgei/*.o and build/lib/riscv64/lib/hgei/dt/*.o: what the QEMU firmware links)
       footprint.py --archive LIB   (build/libhgei.a: the library as shipped)
Sums .text, .rodata (+ .srodata), .data (+ .sdata) and .bss (+ .sbss) over the
objects, as `riscv64-unknown-elf-size -A` reports them; debug sections are left out.
The allocator alone (everything but the devicetree and strerror files and the
software-file objects) is given too.
With --archive: the allocator's .text in the archive (text_allocator_bytes) and per
member (text_allocator_MEMBER_bytes), and the software files' (issue 17: swfile.o,
promote.o, linked only by a hypervisor that overcommits) as text_overcommit_bytes.
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


OVERCOMMIT = ("swfile.o", "promote.o")


def allocator(base):
    return not base.startswith("dt_") and base not in ("strerror.o",) + OVERCOMMIT


def archive(lib):
    out = subprocess.run(["riscv64-unknown-elf-size", "-A", lib], check=True,
                         capture_output=True, text=True).stdout
    member, text = None, {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1] == "(ex":
            member = parts[0]
            text[member] = 0
        elif member and len(parts) >= 2 and parts[1].isdigit() and \
                (parts[0] == ".text" or parts[0].startswith(".text.")):
            text[member] += int(parts[1])
    alloc = {m: v for m, v in text.items() if allocator(m)}
    print(f"text_allocator_bytes {sum(alloc.values())} bytes")
    for m, v in sorted(alloc.items()):
        print(f"text_allocator_{m[:-2]}_bytes {v} bytes")
    over = {m: v for m, v in text.items() if m in OVERCOMMIT}
    print(f"text_overcommit_bytes {sum(over.values())} bytes")
    for m, v in sorted(over.items()):
        print(f"text_overcommit_{m[:-2]}_bytes {v} bytes")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--archive":
        archive(sys.argv[2])
        return
    total = dict.fromkeys(set(KINDS.values()), 0)
    alloc = dict(total)
    for obj in sys.argv[1:]:
        s = sizes(obj)
        base = os.path.basename(obj)
        for k, v in s.items():
            total[k] += v
            if allocator(base):
                alloc[k] += v
    for k in ("text", "rodata", "data", "bss"):
        print(f"lib_{k}_bytes {total[k]} bytes")
    for k in ("text", "rodata", "data", "bss"):
        print(f"lib_alloc_{k}_bytes {alloc[k]} bytes")


if __name__ == "__main__":
    main()
