#!/usr/bin/env bash
# The bare boot path's own promises (the catalogue in topologies.sh covers its
# self-test): HS-mode cannot read the M-mode layer's memory (PMP: a load from it
# must fault with scause 5 and end the run as FATAL), an unexpected exception exits
# non-zero through the M-mode layer too, and a request for more harts than the
# firmware may start (SMP > QEMU's 512 is refused by QEMU) is not silently trimmed:
# every hart of the largest machine reports.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
out=$BUILD/test-logs/qemu-bare
mkdir -p "$out"
passed=0 failed=0

pass() { passed=$((passed + 1)); echo "ok $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# fatal_case NAME DEFS PATTERN: a bare firmware built with DEFS must exit non-zero
# (not by timeout) and print PATTERN.
fatal_case() {
	local name=$1 defs=$2 pattern=$3 dir=$BUILD/bare-$1 rc
	if ! make --no-print-directory -s firmware firmware-m BUILD="$dir" FW_DEFS="$defs" \
		>"$out/$name-build.log" 2>&1; then
		fail "$name: build failed, see $out/$name-build.log"
		return
	fi
	tools/boot.sh --boot bare --smp 2 --fw "$dir/firmware.elf" \
		>"$out/$name.log" 2>&1
	rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -qE "$pattern" "$out/$name.log"; then
		pass "$name exits $rc"
	else
		fail "$name: exit $rc, see $out/$name.log"
	fi
}

# The reset vector, the M-mode layer's first word (MM_BASE in the Makefile).
fatal_case pmp-probe -DFW_TEST_MMODE_PROBE=0x80000000 \
	'FATAL: hart [0-9]+: unexpected trap scause 0x5 .* stval 0x80000000'
fatal_case crash -DFW_TEST_ILLEGAL_INSN 'FATAL: hart [0-9]+: unexpected trap scause 0x2 '

# QEMU itself refuses more than 512 harts: the run must fail, not boot fewer.
if tools/boot.sh --boot bare --smp 513 --fw "$BUILD/firmware.elf" \
	>"$out/smp513.log" 2>&1; then
	fail "smp513 booted, see $out/smp513.log"
else
	pass "smp513 refused"
fi

echo "qemu-bare: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
