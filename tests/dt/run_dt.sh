#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Devicetree discovery through the hgei-dt tool: QEMU-dumped and hand-written
# fixtures, exact --json expectations. Needs `make tools` first. The last line is
# "dt: N passed, N failed"; the exit status is non-zero on any failure.
set -u
BUILD=${BUILD:-build}
here=$(dirname "$0")/../fixtures
tool=$BUILD/tools/hgei-dt

if [ ! -x "$tool" ]; then
	echo "run_dt.sh: $tool missing (make tools)" >&2
	echo "dt: 0 passed, 1 failed"
	exit 1
fi
if ! BUILD=$BUILD "$here/dump_qemu.sh"; then
	echo "dt: 0 passed, 1 failed"
	exit 1
fi
mkdir -p "$BUILD/fixtures/dts"
for src in "$here"/*.dts; do
	name=$(basename "$src" .dts)
	if ! dtc -q -I dts -O dtb -o "$BUILD/fixtures/dts/$name.dtb" "$src"; then
		echo "run_dt.sh: dtc failed on $src" >&2
		echo "dt: 0 passed, 1 failed"
		exit 1
	fi
done
exec python3 "$here/check_dt.py" "$BUILD"
