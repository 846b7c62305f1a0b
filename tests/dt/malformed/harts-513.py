#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Prints the catalogue case for more than 512 harts (QEMU virt's limit): 513 cpus in
one S-level node whose riscv,hart-index-bits = <9> numbers only 512 of them, as a tool
that copied QEMU's 512-hart value would write. Hart 512 falls outside the field; the
512 before it keep their guest file."""
N = 513
NODE = "/soc/interrupt-controller@28000000"
print("// More than 512 harts in a 9-bit hart field: hart 512's slot is outside it.")
print("// expect: exit=1")
print("// error: %s: hart 512: slot 0x28400000 outside the 9 hart-index bits above "
      "base 0x28000000 (ERANGE)" % NODE)
print("// files: " + " ".join(["1"] * (N - 1) + ["0"]))
print("/dts-v1/;\n/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;")
print("\tcpus {\n\t\t#address-cells = <1>;\n\t\t#size-cells = <0>;")
for i in range(N):
	print("\t\tcpu@%x { device_type = \"cpu\"; reg = <%d>; intc%d: interrupt-controller "
	      "{ compatible = \"riscv,cpu-intc\"; #interrupt-cells = <1>; "
	      "interrupt-controller; }; };" % (i, i, i))
print("\t};\n\tsoc {\n\t\t#address-cells = <2>;\n\t\t#size-cells = <2>;")
print("\t\tinterrupt-controller@28000000 {\n\t\t\tcompatible = \"riscv,imsics\";")
print("\t\t\triscv,num-ids = <255>;\n\t\t\triscv,guest-index-bits = <1>;")
print("\t\t\triscv,hart-index-bits = <9>;")
print("\t\t\treg = <0x0 0x28000000 0x0 0x%x>;" % (N * 0x2000))
print("\t\t\tinterrupts-extended = <%s>;" % " ".join("&intc%d 9" % i for i in range(N)))
print("\t\t};\n\t};\n};")
