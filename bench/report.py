#!/usr/bin/env python3
"""Turns bench/run.sh's raw "metric value unit" lines into results.csv, results.md
and scaling.png (gnuplot) in OUT.

Usage: report.py RAW OUT
"""
import csv
import os
import shutil
import subprocess
import sys

CONTENTION = [1, 2, 4, 8, 16, 32, 64]
HARTS = [1, 4, 16, 64, 128, 256, 512]
IMPLS = [("hgei", ""), ("spinlock", "spinlock_"), ("global", "global_")]

VCPU = [1, 2, 4, 8]
ATOMIC_PATHS = ["alloc_local", "free_local", "arm_local", "disarm_local", "remote_free",
                "remote_free_async", "remote_alloc", "sync", "sgei"]

# Targets: (issue, what, metric, limit, how the value must compare: "le", "ge", "gt").
# Instruction counts are the QEMU build's (Zba/Zbb), call and return included; the
# atomics and the allocator's .text are the shipped build/libhgei.a's.
TARGETS = [
    ("#14", "local alloc <= 16 instructions", "alloc_local_instr", 16, "le"),
    ("#14", "local free <= 16 instructions", "free_local_instr", 16, "le"),
    ("#14", "local arm <= 12 instructions", "arm_instr", 12, "le"),
    ("#14", "local disarm <= 12 instructions", "disarm_instr", 12, "le"),
    ("#14", "alloc_local: <= 1 AMO (LR/SC pair = 1)", "amo_alloc_local", 1, "le"),
    ("#14", "alloc_local: <= 1 fence", "fence_alloc_local", 1, "le"),
    ("#14", "free_local: <= 1 AMO", "amo_free_local", 1, "le"),
    ("#14", "free_local: <= 1 fence", "fence_free_local", 1, "le"),
    ("#14", "arm_local: <= 1 AMO", "amo_arm_local", 1, "le"),
    ("#14", "arm_local: <= 1 fence", "fence_arm_local", 1, "le"),
    ("#14", "disarm_local: <= 1 AMO", "amo_disarm_local", 1, "le"),
    ("#14", "disarm_local: <= 1 fence", "fence_disarm_local", 1, "le"),
    ("#14", "SGEI store -> owner callback <= 45", "sgei_store_to_callback_instr", 45, "le"),
    ("#14", "remote free: <= 1 AMO on the calling hart (plus the kick)", "amo_remote_free",
     1, "le"),
    ("#14", "asynchronous remote free: <= 1 AMO on the calling hart (plus the kick)",
     "amo_remote_free_async", 1, "le"),
    ("#14", "allocator .text (libhgei.a, no dt_*, strerror) <= 2 KiB",
     "text_allocator_bytes", 2048, "le"),
    ("#14", "host vCPU cycle, 1 thread: spinlock / hgei >= 2",
     "host_1t_vcpu_cycle_spinlock_over_hgei", 2, "ge"),
    ("#14", "host vCPU cycle, 2 threads: spinlock / hgei > 1",
     "host_2t_vcpu_cycle_spinlock_over_hgei", 1, "gt"),
    ("#14", "host vCPU cycle, 2 threads: global / hgei > 1",
     "host_2t_vcpu_cycle_global_over_hgei", 1, "gt"),
    ("#14", "host vCPU cycle, 4 threads: spinlock / hgei > 1",
     "host_4t_vcpu_cycle_spinlock_over_hgei", 1, "gt"),
    ("#14", "host vCPU cycle, 4 threads: global / hgei > 1",
     "host_4t_vcpu_cycle_global_over_hgei", 1, "gt"),
    ("#7", "per-hart RAM <= 1 KiB at 63 lines", "per_hart_bytes_63", 1024, "le"),
    ("#17", "software-file MSI delivery (emulated store -> VSEIP) <= 200",
     "swfile_delivery_instr", 200, "le"),
    ("#17", "promote (software file -> line) <= 400", "promote_instr", 400, "le"),
    ("#17", "demote (line -> software file) <= 400", "demote_instr", 400, "le"),
]


def verdict(v, limit, how):
    ok = {"le": v <= limit, "ge": v >= limit, "gt": v > limit}[how]
    return "met" if ok else "missed"


def load(path):
    rows, seen = [], {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 3:
                continue
            m, v, u = parts
            if m in seen:
                rows[seen[m]] = (m, v, u)
            else:
                seen[m] = len(rows)
                rows.append((m, v, u))
    return rows


def num(d, key):
    v = d.get(key)
    return float(v) if v is not None else None


def ratio(a, b):
    return f"{a / b:.3g}" if a is not None and b else "-"


def fmt2(v):
    return "-" if v is None else f"{v:.2f}"


def diff(a, b):
    return fmt(round(a - b, 1)) if a is not None and b is not None else "-"


def fmt(v):
    if v is None:
        return "-"
    return f"{v:.1f}" if v != int(v) else str(int(v))


def targets(d):
    out = ["| issue | target | value | verdict |", "|---|---|---|---|"]
    for issue, what, metric, limit, how in TARGETS:
        v = num(d, metric)
        shown = fmt2(v) if v is not None and v != int(v) else fmt(v)
        out.append(f"| {issue} | {what} | {shown} | "
                   f"{'-' if v is None else verdict(v, limit, how)} |")
        for prefix in ("noquirk", "imac", "imac_noquirk"):
            pv = num(d, f"{prefix}_{metric}")
            if pv is not None:
                out.append(f"| | ... {prefix} build | {fmt(pv)} | "
                           f"{verdict(pv, limit, how)} |")
    h, s, g = (num(d, f"{p}contention_8h_instr_per_op") for _, p in IMPLS)
    if None not in (h, s, g):
        out.append(f"| #7 | contention, 8 harts: >= 2x fewer than global lock | "
                   f"{g / h:.3g}x | {'met' if g >= 2 * h else 'missed'} |")
        out.append(f"| #7 | contention, 8 harts: fewer than spinlock | {s / h:.3g}x | "
                   f"{'met' if s > h else 'missed'} |")
    # Linear: the cost each added hart brings (slope between neighbouring sizes) stays
    # the same from 16 harts on, where the blob's fixed part no longer dominates.
    pts = [(n, num(d, f"discovery_{n}h_instr")) for n in HARTS if n >= 16]
    pts = [(n, v) for n, v in pts if v]
    if len(pts) >= 3:
        slopes = [(b[1] - a[1]) / (b[0] - a[0]) for a, b in zip(pts, pts[1:])]
        spread = max(slopes) / min(slopes)
        out.append(f"| #7 | discovery linear in harts | {min(slopes):.0f}-{max(slopes):.0f} "
                   f"instructions per added hart, {pts[0][0]}-{pts[-1][0]} harts | "
                   f"{'met' if spread <= 1.25 else 'missed'} |")
    return out


def tables(d):
    md = ["# hartgei benchmark results", "",
          "Instructions under QEMU 10 `-icount shift=0` (instret), medians; see "
          "docs/performance.md for the method.", "", "## Targets", ""]
    md += targets(d)
    md += ["", "## Single operations (instructions, call and return included)", "",
           "| operation | hgei (direct) | hgei (table) | spinlock | global | hgei, quirk off "
           "| hgei, no Zbb | hgei, no Zbb, quirk off |", "|---|---|---|---|---|---|---|---|"]
    for op in ("alloc_local", "free_local", "alloc_remote", "free_remote",
               "free_remote_async", "arm", "disarm", "sgei_store_to_callback",
               "trap_roundtrip", "kick_send", "swfile_delivery", "swfile_claim",
               "promote", "demote"):
        cells = [num(d, f"{op}_instr"), num(d, f"hgei_{op}_instr"),
                 num(d, f"spinlock_{op}_instr"), num(d, f"global_{op}_instr"),
                 num(d, f"noquirk_{op}_instr"), num(d, f"imac_{op}_instr"),
                 num(d, f"imac_noquirk_{op}_instr")]
        md.append(f"| {op} | " + " | ".join(fmt(c) for c in cells) + " |")
    md += ["", "## vCPU cycles under QEMU: instructions per cycle, all harts at once", "",
           "Alloc, arm, MSI -> SGEI -> wake, claim, disarm, free; one cycle in eight "
           "frees remotely. All harts' instructions (one instret), per cycle; null = the "
           "loop with no allocator.", "",
           "| harts | hgei | spinlock | global | null (loop) | spinlock / hgei | "
           "global / hgei | hgei - null | spinlock - null | global - null |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for n in VCPU:
        h, s_, g, z = (num(d, f"{p}vcpu_{n}h_instr_per_cycle")
                       for p in ("", "spinlock_", "global_", "null_"))
        if h is None:
            continue
        md.append(f"| {n} | {fmt(h)} | {fmt(s_)} | {fmt(g)} | {fmt(z)} | "
                  f"{ratio(s_, h)} | {ratio(g, h)} | {diff(h, z)} | {diff(s_, z)} | "
                  f"{diff(g, z)} |")
    md += ["", "## vCPU cycles on the host: ns per cycle, threads as harts", "",
           "| threads | hgei | spinlock | global | null (loop) | spinlock / hgei | "
           "global / hgei |", "|---|---|---|---|---|---|---|"]
    for t in (1, 2, 4):
        vals = [num(d, f"host_{i}_{t}t_ns_per_vcpu_cycle")
                for i in ("hgei", "spinlock", "global", "null")]
        if vals[0] is None:
            continue
        md.append(f"| {t} | " + " | ".join(fmt(v) for v in vals) +
                  f" | {fmt2(num(d, f'host_{t}t_vcpu_cycle_spinlock_over_hgei'))} | "
                  f"{fmt2(num(d, f'host_{t}t_vcpu_cycle_global_over_hgei'))} |")
    md += ["", "## AMOs and fences per path (shipped libhgei.a, static count)", "",
           "| path | AMOs (LR/SC = 1) | fences | with .aq/.rl |", "|---|---|---|---|"]
    for p in ATOMIC_PATHS:
        a = num(d, f"amo_{p}")
        if a is None:
            continue
        md.append(f"| {p} | {fmt(a)} | {fmt(num(d, f'fence_{p}'))} | "
                  f"{fmt(num(d, f'aqrl_{p}'))} |")
    md += ["", "## Contention: instructions per operation, all harts at once", "",
           "| harts | hgei | spinlock | global | global / hgei | hart switches |",
           "|---|---|---|---|---|---|"]
    for n in CONTENTION:
        h, s, g = (num(d, f"{p}contention_{n}h_instr_per_op") for _, p in IMPLS)
        if h is None:
            continue
        md.append(f"| {n} | {fmt(h)} | {fmt(s)} | {fmt(g)} | "
                  f"{ratio(g, h)} | {fmt(num(d, f'contention_{n}h_switches'))} |")
    md += ["", "## Discovery and boot", "",
           "| harts | discovery instructions | per hart | DTB bytes | boot-to-report wall ms "
           "(median, min-max) |", "|---|---|---|---|---|"]
    for n in HARTS:
        v = num(d, f"discovery_{n}h_instr")
        b = num(d, f"boot_{n}h_wall_ms")
        if v is None and b is None:
            continue
        wall = "-" if b is None else (f"{fmt(b)} ({fmt(num(d, f'boot_{n}h_wall_min_ms'))}-"
                                      f"{fmt(num(d, f'boot_{n}h_wall_max_ms'))})")
        md.append(f"| {n} | {fmt(v)} | {fmt(v / n if v else None)} | "
                  f"{fmt(num(d, f'discovery_{n}h_blob'))} | {wall} |")
    md += ["", "## Footprint (bytes)", "", "| part | .text | .rodata | .data | .bss |",
           "|---|---|---|---|---|"]
    for label, p in (("lib/hgei (QEMU build, objects)", "lib"),
                     ("allocator only (no dt_*, strerror)", "lib_alloc")):
        md.append(f"| {label} | " + " | ".join(
            fmt(num(d, f"{p}_{k}_bytes")) for k in ("text", "rodata", "data", "bss")) + " |")
    parts = sorted(k[len("text_allocator_"):-len("_bytes")] for k in d
                   if k.startswith("text_allocator_") and k != "text_allocator_bytes")
    if num(d, "text_allocator_bytes") is not None:
        md.append(f"| allocator in libhgei.a (as shipped: rv64imac, no quirk) | "
                  f"{fmt(num(d, 'text_allocator_bytes'))} ("
                  + ", ".join(f"{p} {fmt(num(d, f'text_allocator_{p}_bytes'))}"
                              for p in parts if num(d, f'text_allocator_{p}_bytes'))
                  + ") | | | |")
    md.append(f"| struct hgei_hart (7 or 63 lines) | RAM per hart: "
              f"{fmt(num(d, 'per_hart_bytes_63'))} | | | |")
    md += ["", "## Host contention (ns per operation, threads as harts)", "",
           "| threads | hgei | spinlock | global | spinlock / hgei | global / hgei |",
           "|---|---|---|---|---|---|"]
    for t in (1, 2, 4):
        vals = [num(d, f"host_{i}_{t}t_ns_per_op") for i, _ in IMPLS]
        if vals[0] is None:
            continue
        md.append(f"| {t} | " + " | ".join(fmt(v) for v in vals) +
                  f" | {fmt2(num(d, f'host_{t}t_spinlock_over_hgei'))} | "
                  f"{fmt2(num(d, f'host_{t}t_global_over_hgei'))} |")
    return md


def plot(d, out):
    gp = shutil.which("gnuplot")
    if not gp:
        print("report: gnuplot not found, no scaling.png", file=sys.stderr)
        return
    cont = os.path.join(out, "contention.dat")
    with open(cont, "w") as f:
        for n in CONTENTION:
            vals = [num(d, f"{p}contention_{n}h_instr_per_op") for _, p in IMPLS]
            if None not in vals:
                f.write(f"{n} {vals[0]} {vals[1]} {vals[2]}\n")
    vcpu = os.path.join(out, "vcpu.dat")
    with open(vcpu, "w") as f:
        for n in VCPU:
            vals = [num(d, f"{p}vcpu_{n}h_instr_per_cycle")
                    for p in ("", "spinlock_", "global_", "null_")]
            if None not in vals:
                f.write(f"{n} " + " ".join(str(v) for v in vals) + "\n")
    disc = os.path.join(out, "discovery.dat")
    with open(disc, "w") as f:
        for n in HARTS:
            v, b = num(d, f"discovery_{n}h_instr"), num(d, f"boot_{n}h_wall_ms")
            if v is not None:
                f.write(f"{n} {v} {b if b is not None else 'NaN'}\n")
    script = f"""
set terminal pngcairo size 1800,500 font ',10'
set output '{os.path.join(out, "scaling.png")}'
set multiplot layout 1,3
set title 'Contention: instructions per alloc/free (QEMU -icount)'
set xlabel 'harts'
set ylabel 'instructions per operation'
set logscale xy
set key top left
set grid
plot '{cont}' u 1:2 w lp lw 2 t 'hartgei', '' u 1:3 w lp lw 2 t 'per-hart spinlock', \\
     '' u 1:4 w lp lw 2 t 'global lock'
set title 'vCPU cycles: instructions per cycle (QEMU -icount)'
set xlabel 'harts'
set ylabel 'instructions per cycle'
set logscale x
unset logscale y
plot '{vcpu}' u 1:2 w lp lw 2 t 'hartgei', '' u 1:3 w lp lw 2 t 'per-hart spinlock', \\
     '' u 1:4 w lp lw 2 t 'global lock', '' u 1:5 w lp lw 2 dt 2 t 'loop alone (null)'
set logscale xy
set title 'Discovery instructions and boot-to-report wall time'
set ylabel 'discovery instructions'
set y2label 'boot wall ms'
set logscale y2
set y2tics
set ytics nomirror
plot '{disc}' u 1:2 w lp lw 2 t 'discovery (instructions)', \\
     '' u 1:3 axes x1y2 w lp lw 2 t 'boot to report (ms, median)'
unset multiplot
"""
    try:
        subprocess.run([gp], input=script, text=True, check=True, capture_output=True)
    except subprocess.CalledProcessError as e:
        # pngcairo may be missing from a gnuplot build: fall back to the png terminal.
        subprocess.run([gp], input=script.replace("pngcairo", "png"), text=True, check=True)


def main():
    raw, out = sys.argv[1], sys.argv[2]
    rows = load(raw)
    d = {m: v for m, v, _ in rows}
    with open(os.path.join(out, "results.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["metric", "value", "unit"])
        w.writerows(rows)
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write("\n".join(tables(d)) + "\n")
    plot(d, out)


if __name__ == "__main__":
    main()
