#!/usr/bin/env bash
# The library as a hypervisor builder takes it: `make install` into a fresh prefix,
# examples/minimal built against that installed copy only (its headers, libhgei.a,
# libfdt.a), then booted on QEMU under OpenSBI, where one SGEI must wake its vCPU; and
# the installed host library, linked with the emulated-hart harness into the
# allocator's unit test, which must pass as it does from the source tree.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
out=$BUILD/test-logs/qemu-example
prefix=$BUILD/example-prefix
mkdir -p "$out"
passed=0 failed=0

rm -rf "$prefix" "$BUILD/example"
if make --no-print-directory -s install PREFIX="$top/$prefix" >"$out/install.log" 2>&1 &&
   make --no-print-directory -s -C examples/minimal HARTGEI_PREFIX="$top/$prefix" \
	BUILD="$top/$BUILD/example" >"$out/build.log" 2>&1; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL install or example build, see $out/"
fi

hostlog=$out/host-lib.log
if cc -std=c11 -O2 -DHGEI_HOST -D_DEFAULT_SOURCE -I"$prefix/include" -pthread \
	-o "$BUILD/example/test_alloc_installed" tests/host/test_alloc.c tests/host/emu_hart.c \
	-L"$prefix/lib/host" -lhgei >"$hostlog" 2>&1 &&
   "$BUILD/example/test_alloc_installed" >>"$hostlog" 2>&1 &&
   grep -qE '^alloc: [1-9][0-9]* passed, 0 failed' "$hostlog"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL host library: see $hostlog"
fi

for smp in 1 4; do
	log=$out/smp$smp.log
	tools/boot.sh --boot sbi --smp $smp --guests 7 --fw "$BUILD/example/example.elf" \
		>"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -q '^example: woken=1 claimed identity 5' "$log" &&
	   grep -q '^example: PASS' "$log"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL example smp$smp: exit $rc, see $log"
	fi
done

echo "qemu-example: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
