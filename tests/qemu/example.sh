#!/usr/bin/env bash
# The library as a hypervisor builder takes it: `make install` into a fresh prefix,
# examples/minimal built against that installed copy only, through pkg-config
# (libhgei-dt-qemu.pc; the build's compile and link lines must carry the prefix's paths
# and the QEMU quirk, and the same build without PKG_CONFIG_PATH must fail: no other
# route exists), then booted on QEMU under OpenSBI, where one SGEI must wake its vCPU;
# the same example linked through libhgei-dt.pc (the portable archives); libhgei.a
# alone needing nothing of libfdt (a hypervisor with its own devicetree code links
# only the allocator); a staged install (DESTDIR) whose .pc files name PREFIX, not the
# staging directory; and the installed host library, linked with the emulated-hart
# harness into the allocator's unit test, which must pass as it does from the source
# tree.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
out=$BUILD/test-logs/qemu-example
prefix=$BUILD/example-prefix
mkdir -p "$out"
passed=0 failed=0

rm -rf "$prefix" "$BUILD/example" "$BUILD/example-nopc" "$BUILD/example-portable"
if make --no-print-directory -s install PREFIX="$top/$prefix" >"$out/install.log" 2>&1 &&
   PKG_CONFIG_PATH="$top/$prefix/lib/pkgconfig" make --no-print-directory \
	-C examples/minimal BUILD="$top/$BUILD/example" >"$out/build.log" 2>&1; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL install or example build, see $out/"
fi

# The flags came from libhgei-dt-qemu.pc: the compile line has the prefix's include
# directory and the quirk, the link line its lib directory and discovery, the QEMU
# allocator and libfdt in that order (a static link resolves left to right).
if grep -q -- "gcc .* -I$top/$prefix/include -DHGEI_QUIRK_SGEIP_RECHECK.*-c -o .*main.o main.c" \
	"$out/build.log" &&
   grep -q -- "gcc .*-o .*example.elf .* -L$top/$prefix/lib -lhgei-dt -lhgei-qemu -lfdt" \
	"$out/build.log"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL example build: prefix's -I/-L, the quirk, -lhgei-dt -lhgei-qemu -lfdt not on its command lines, see $out/build.log"
fi
# The portable archives link too, with no quirk on the compile line.
if PKG_CONFIG_PATH="$top/$prefix/lib/pkgconfig" make --no-print-directory -C examples/minimal \
	HGEI_PC=libhgei-dt BUILD="$top/$BUILD/example-portable" >"$out/build-portable.log" 2>&1 &&
   grep -q -- "-L$top/$prefix/lib -lhgei-dt -lhgei -lfdt" "$out/build-portable.log" &&
   ! grep -q -- "HGEI_QUIRK" "$out/build-portable.log"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL example build through libhgei-dt.pc, see $out/build-portable.log"
fi
# The allocator archive alone: nothing of libfdt or discovery left undefined in it.
undef=$(riscv64-unknown-elf-nm -u "$prefix/lib/libhgei.a" "$prefix/lib/libhgei-qemu.a" 2>&1 |
	grep -E ' (fdt_|hgei_dt_)' || true)
if [ -f "$prefix/lib/libhgei-dt.a" ] && [ -f "$prefix/lib/libhgei-qemu.a" ] && [ -z "$undef" ]; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL installed archives: libhgei-dt.a/libhgei-qemu.a missing or the allocator needs: $undef"
fi
# PKG_CONFIG_LIBDIR empty: pkg-config sees no .pc file at all, so the build must stop.
if PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR= make --no-print-directory -C examples/minimal \
	BUILD="$top/$BUILD/example-nopc" >"$out/build-nopc.log" 2>&1; then
	failed=$((failed + 1))
	echo "FAIL example built without pkg-config finding libhgei-dt-qemu, see $out/build-nopc.log"
elif grep -q 'found no libhgei-dt-qemu' "$out/build-nopc.log"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL example build without libhgei-dt-qemu.pc: not the expected error, see $out/build-nopc.log"
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
   grep -qx 'prefix=/opt/hartgei' "$stage/opt/hartgei/lib/pkgconfig/libhgei-qemu.pc" &&
   [ "$(PKG_CONFIG_SYSROOT_DIR=$stage PKG_CONFIG_PATH=$stage/opt/hartgei/lib/pkgconfig \
	pkg-config --libs libhgei-dt | xargs)" = "-L$stage/opt/hartgei/lib -lhgei-dt -lhgei -lfdt" ] &&
   [ "$(PKG_CONFIG_SYSROOT_DIR=$stage PKG_CONFIG_PATH=$stage/opt/hartgei/lib/pkgconfig \
	pkg-config --libs libhgei-dt-qemu | xargs)" = \
	"-L$stage/opt/hartgei/lib -lhgei-dt -lhgei-qemu -lfdt" ]; then
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
