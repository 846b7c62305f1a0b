#!/usr/bin/env python3
"""Gives some harts of a QEMU virt devicetree fewer guest interrupt files.

    dt-topology.py IN.dtb OUT.dtb HARTID:FILES [HARTID:FILES ...]

QEMU gives every hart the same GEILEN (aia-guests), so heterogeneous machines are
expressed in the devicetree: each named hart leaves the S-level IMSIC node and gets a
node of its own whose riscv,guest-index-bits grants FILES guest files (0, 1, 3 or 7),
with reg = that hart's real slot base, sized to its slot. That is the shape OpenSBI
1.5.1 accepts (it rejects a region shortened below a whole number of slots). The named
harts must be the last entries of the node's interrupts-extended, because a hart's
position there is its slot index. Uses dtc and fdtget only.
"""
import subprocess
import sys

S_LEVEL_IRQ = 9


def fdtget(dtb, node, prop, kind="x"):
    out = subprocess.run(["fdtget", "-t", kind, dtb, node, prop], capture_output=True,
                         text=True)
    if out.returncode:
        return None
    return out.stdout.split() if kind != "s" else out.stdout.strip()


def cells(dtb, node, prop):
    v = fdtget(dtb, node, prop)
    return None if v is None else [int(x, 16) for x in v]


def children(dtb, node):
    out = subprocess.run(["fdtget", "-l", dtb, node], capture_output=True, text=True,
                         check=True)
    return out.stdout.split()


def s_level_imsic(dtb):
    for name in children(dtb, "/soc"):
        path = "/soc/" + name
        compat = subprocess.run(["fdtget", dtb, path, "compatible"],
                                capture_output=True, text=True).stdout
        ie = cells(dtb, path, "interrupts-extended")
        if "riscv,imsics" in compat and ie and ie[1] == S_LEVEL_IRQ:
            return path, ie
    sys.exit("dt-topology: no S-level riscv,imsics node under /soc")


def cpu_intc_phandles(dtb):
    """hartid -> phandle of the cpu's riscv,cpu-intc node."""
    result = {}
    for name in children(dtb, "/cpus"):
        if not name.startswith("cpu@"):
            continue
        hartid = cells(dtb, "/cpus/" + name, "reg")[-1]
        for sub in children(dtb, "/cpus/" + name):
            ph = cells(dtb, "/cpus/%s/%s" % (name, sub), "phandle")
            if ph:
                result[hartid] = ph[0]
    return result


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    src, dst = sys.argv[1], sys.argv[2]
    wanted = {}
    for arg in sys.argv[3:]:
        hart, files = (int(x) for x in arg.split(":"))
        if files not in (0, 1, 3, 7):
            sys.exit("dt-topology: hart %d: FILES must be 0, 1, 3 or 7" % hart)
        wanted[hart] = files

    node, ie = s_level_imsic(src)
    gib = (cells(src, node, "riscv,guest-index-bits") or [0])[0]
    reg = cells(src, node, "reg")
    num_ids = cells(src, node, "riscv,num-ids")[0]
    base = (reg[0] << 32) | reg[1]
    phandles = cpu_intc_phandles(src)
    order = [ie[i] for i in range(0, len(ie), 2)]
    by_phandle = {ph: hart for hart, ph in phandles.items()}
    positions = {by_phandle[ph]: i for i, ph in enumerate(order)}

    keep = len(order) - len(wanted)
    for hart in wanted:
        if hart not in positions:
            sys.exit("dt-topology: hart %d is not served by %s" % (hart, node))
        if positions[hart] < keep:
            sys.exit("dt-topology: hart %d is not among the last %d entries of %s"
                     % (hart, len(wanted), node))

    extra = ["&{%s} {" % node,
             "\tinterrupts-extended = <%s>;" % " ".join(
                 "0x%x 0x%x" % (ph, S_LEVEL_IRQ) for ph in order[:keep]),
             "};", "/ {", "\tsoc {"]
    for hart, files in sorted(wanted.items(), key=lambda kv: positions[kv[0]]):
        slot = base + (positions[hart] << (gib + 12))
        bits = {0: 0, 1: 1, 3: 2, 7: 3}[files]
        extra += ["\t\timsics-hart%d@%x {" % (hart, slot),
                  '\t\t\tcompatible = "riscv,imsics";',
                  "\t\t\tinterrupt-controller;",
                  "\t\t\t#interrupt-cells = <0>;",
                  "\t\t\tmsi-controller;",
                  "\t\t\treg = <0x%x 0x%x 0x0 0x%x>;" % (slot >> 32, slot & 0xffffffff,
                                                         1 << (bits + 12)),
                  "\t\t\tinterrupts-extended = <0x%x 0x%x>;" % (phandles[hart],
                                                                 S_LEVEL_IRQ),
                  "\t\t\triscv,num-ids = <%d>;" % num_ids]
        if bits:
            extra.append("\t\t\triscv,guest-index-bits = <%d>;" % bits)
        extra.append("\t\t};")
    extra += ["\t};", "};"]

    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", src],
                         capture_output=True, text=True, check=True).stdout
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dst, "-"],
                   input=dts + "\n" + "\n".join(extra) + "\n", text=True, check=True)


if __name__ == "__main__":
    main()
