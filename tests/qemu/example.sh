#!/usr/bin/env bash
# The library as a hypervisor builder takes it: `make install` into a fresh prefix,
# examples/minimal built against that installed copy only, through pkg-config
# (libhgei-dt.pc; the build's compile and link lines must carry the prefix's paths,
# and the same build without PKG_CONFIG_PATH must fail: no other route exists), then
# booted on QEMU under OpenSBI, where one SGEI must wake its vCPU; a staged install
# (DESTDIR) whose .pc files name PREFIX, not the staging directory; and the installed
# host library, linked with the emulated-hart harness into the allocator's unit test,
# which must pass as it does from the source tree.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
out=$BUILD/test-logs/qemu-example
prefix=$BUILD/example-prefix
mkdir -p "$out"
passed=0 failed=0

rm -rf "$prefix" "$BUILD/example" "$BUILD/example-nopc"
if make --no-print-directory -s install PREFIX="$top/$prefix" >"$out/install.log" 2>&1 &&
   PKG_CONFIG_PATH="$top/$prefix/lib/pkgconfig" make --no-print-directory \
	-C examples/minimal BUILD="$top/$BUILD/example" >"$out/build.log" 2>&1; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL install or example build, see $out/"
fi

# The flags came from libhgei-dt.pc: the compile line has the prefix's include
# directory, the link line its lib directory and -lhgei before -lfdt (a static link
# resolves left to right).
if grep -q -- "gcc .* -I$top/$prefix/include .*-c -o .*main.o main.c" "$out/build.log" &&
   grep -q -- "gcc .*-o .*example.elf .* -L$top/$prefix/lib -lhgei -lfdt" "$out/build.log"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL example build: prefix's -I/-L/-lhgei -lfdt not on its command lines, see $out/build.log"
fi
# PKG_CONFIG_LIBDIR empty: pkg-config sees no .pc file at all, so the build must stop.
if PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR= make --no-print-directory -C examples/minimal \
	BUILD="$top/$BUILD/example-nopc" >"$out/build-nopc.log" 2>&1; then
	failed=$((failed + 1))
	echo "FAIL example built without pkg-config finding libhgei-dt, see $out/build-nopc.log"
elif grep -q 'found no libhgei-dt' "$out/build-nopc.log"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL example build without libhgei-dt.pc: not the expected error, see $out/build-nopc.log"
fi

# DESTDIR stages the tree; the .pc files must name PREFIX, and pkg-config resolves them
# through the staging root as a cross build's sysroot would.
stage=$top/$BUILD/example-stage
rm -rf "$stage"
if make --no-print-directory -s install DESTDIR="$stage" PREFIX=/opt/hartgei \
	>"$out/install-destdir.log" 2>&1 &&
   [ -f "$stage/opt/hartgei/lib/libhgei.a" ] && [ -f "$stage/opt/hartgei/include/hgei.h" ] &&
   grep -qx 'prefix=/opt/hartgei' "$stage/opt/hartgei/lib/pkgconfig/libhgei.pc" &&
   grep -qx 'prefix=/opt/hartgei' "$stage/opt/hartgei/lib/pkgconfig/libhgei-dt.pc" &&
   [ "$(PKG_CONFIG_SYSROOT_DIR=$stage PKG_CONFIG_PATH=$stage/opt/hartgei/lib/pkgconfig \
	pkg-config --libs libhgei-dt | xargs)" = "-L$stage/opt/hartgei/lib -lhgei -lfdt" ]; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL make install DESTDIR=: see $out/install-destdir.log and $stage/"
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
