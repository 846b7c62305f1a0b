#!/usr/bin/env bash
# `make run DTB=file.dtb` boots a user's own devicetree: dump QEMU's DTB for a machine,
# boot it through DTB=, and check the report (every hart up, its lines delivered, both
# guest paths on every hart with a line). A second blob, reshaped so one hart has a
# single guest file, proves the given DTB is the one booted (QEMU's own would grant
# every hart the same count). A third, with cpu@0 disabled, must boot on both paths
# with harts 1-2 only; on the bare path under -icount hart 0 always wins the M-mode
# lottery and must hand the runtime over. A DTB that does not exist must fail the run.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
QEMU=${QEMU:-qemu-system-riscv64}
out=$BUILD/test-logs/qemu-dtb
mkdir -p "$out"
passed=0 failed=0
smp=3 guests=3

# check_lines LOG "L0 L1 ..." [HARTS]: per-hart lines and guest results as expected.
check_lines() {
	awk -v want="$2" -v smp="${3:-$smp}" '
		BEGIN { split(want, W, " ") }
		/^hart=[0-9]+ index=/ {
			n++
			for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			g = W[n] > 0 ? "pass" : "skip"
			if (v["lines"] != W[n] || v["delivered"] != W[n] || v["guest"] != g ||
			    v["blocked"] != g || v["guest_claimed"] != (W[n] > 0 ? 2 : 0))
				print "unexpected: " $0
		}
		END { if (n != smp) print "expected " smp " hart lines, got " n }' "$1"
}

# run_case NAME DTB "LINES...": make run with that DTB must pass with those lines.
run_case() {
	local name=$1 dtb=$2 lines=$3 log=$out/$1.log rc bad
	make --no-print-directory run BUILD="$BUILD" DTB="$dtb" SMP=$smp AIA_GUESTS=$guests \
		TIMEOUT=120 >"$log" 2>&1
	rc=$?
	bad=$(check_lines "$log" "$lines")
	[ $rc -eq 0 ] && [ -z "$bad" ] && grep -q -- "-dtb $dtb" "$log" &&
		grep -qE '^selftest: [0-9]+ passed, 0 failed' "$log" && grep -q '^status: PASS' "$log"
	report $? "$name" $rc "$log" "$bad"
}

# report STATUS NAME RC LOG BAD: counts one case, 0 = passed.
report() {
	if [ "$1" -eq 0 ]; then
		passed=$((passed + 1))
		echo "ok $2"
	else
		failed=$((failed + 1))
		echo "FAIL $2: exit $3, see $4"
		[ -n "$5" ] && echo "$5" | head -n 5
	fi
}

# disabled_case PATH DTB: cpu@0 disabled; harts 1 and 2 run, hart 0 never does.
disabled_case() {
	local path=$1 dtb=$2 log=$out/disabled-$1.log rc bad ok=1
	tools/boot.sh --boot "$path" --smp $smp --guests $guests --dtb "$dtb" \
		--fw "$BUILD/firmware.elf" -- -icount shift=0 >"$log" 2>&1
	rc=$?
	bad=$(check_lines "$log" "3 3" 2)
	[ $rc -eq 0 ] && [ -z "$bad" ] && grep -q '^status: PASS' "$log" &&
		grep -q '^summary: harts=2 up=2 failed=0 ' "$log" &&
		! grep -q '^hart=0 ' "$log" || ok=0
	[ "$path" = bare ] && ! grep -q "^hartgei-m: hart 0: not in the devicetree's CLINT contexts, hart 1 runs the HS runtime" "$log" && ok=0
	report $((1 - ok)) "disabled cpu@0 on $path" $rc "$log" "$bad"
}

dump=$out/qemu.dtb
if "$QEMU" -machine "virt,aia=aplic-imsic,aia-guests=$guests,dumpdtb=$dump" -smp $smp -m 256M \
	-nographic >"$out/dump.log" 2>&1 </dev/null && [ -s "$dump" ]; then
	run_case qemu-dump "$dump" "3 3 3"
	if tools/dt-topology.py "$dump" "$out/hart2-1.dtb" 2:1 >"$out/reshape.log" 2>&1; then
		run_case reshaped "$out/hart2-1.dtb" "3 3 1"
	else
		failed=$((failed + 1))
		echo "FAIL reshaped: dt-topology.py failed, see $out/reshape.log"
	fi
	cp "$dump" "$out/cpu0-disabled.dtb"
	if fdtput -t s "$out/cpu0-disabled.dtb" /cpus/cpu@0 status disabled; then
		disabled_case bare "$out/cpu0-disabled.dtb"
		disabled_case sbi "$out/cpu0-disabled.dtb"
	else
		failed=$((failed + 1))
		echo "FAIL cpu0-disabled: fdtput failed"
	fi
else
	failed=$((failed + 1))
	echo "FAIL qemu-dump: QEMU did not dump its DTB, see $out/dump.log"
fi

make --no-print-directory run BUILD="$BUILD" DTB="$out/missing.dtb" SMP=$smp \
	AIA_GUESTS=$guests TIMEOUT=60 >"$out/missing.log" 2>&1
rc=$?
if [ $rc -ne 0 ] && ! grep -q '^status: PASS' "$out/missing.log"; then
	passed=$((passed + 1))
	echo "ok missing DTB fails (exit $rc)"
else
	failed=$((failed + 1))
	echo "FAIL missing DTB: exit $rc, see $out/missing.log"
fi

echo "qemu-dtb: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
