#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Writes the fuzzer's seed blobs into DIR (default tests/fuzz/corpus): QEMU 10's own
# devicetrees (tests/fixtures/dump_qemu.sh) with the nodes discovery never reads
# removed (virtio, PCI, flash, ...: two thirds of each blob, and of each execution),
# one QEMU dump left whole, and the hand-written fixtures. Run once, by hand; the
# committed corpus is what `make fuzz` and `make test` use.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
out=${1:-$top/tests/fuzz/corpus}
BUILD=$BUILD "$top/tests/fixtures/dump_qemu.sh"
mkdir -p "$out"

for f in qemu-g0-smp4 qemu-g1-smp4 qemu-g7-smp1 qemu-g7-smp8 qemu-g1-numa2-smp4 \
	 qemu-g3-numa2-smp8 qemu-g7-numa4-smp16 qemu72-g3-smp4; do
	seed=$out/seed-$f.dtb
	cp "$BUILD/fixtures/$f.dtb" "$seed"
	# Every node but /cpus and the IMSICs (the APLICs stay: a second MSI consumer).
	for n in $(fdtget -l "$seed" /soc); do
		case $n in interrupt-controller@*|imsics@*|aplic@*) ;; *) fdtput -r "$seed" "/soc/$n" ;; esac
	done
	for n in $(fdtget -l "$seed" /); do
		case $n in cpus|soc|chosen) ;; *) fdtput -r "$seed" "/$n" ;; esac
	done
	fdtput -r "$seed" /cpus/cpu-map 2>/dev/null || true
	# fdtput leaves the freed space in the blob: repack it.
	dtc -q -I dtb -O dtb -o "$seed.tmp" "$seed" && mv "$seed.tmp" "$seed"
done
cp "$BUILD/fixtures/qemu-g7-smp4.dtb" "$out/seed-qemu-g7-smp4-whole.dtb"
for src in "$top"/tests/fixtures/*.dts; do
	dtc -q -I dts -O dtb -o "$out/seed-dts-$(basename "$src" .dts).dtb" "$src"
done
