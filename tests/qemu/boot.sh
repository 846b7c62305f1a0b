#!/usr/bin/env bash
# QEMU boots as `make run` does them (BOOT=auto: OpenSBI up to 33 harts, the bare
# M-mode layer beyond), plus both paths forced: every hart must come up, report
# lines = min(GEILEN, devicetree limit), and receive one real MSI on each of its lines
# from another hart; on every hart with a line a VS-mode guest must take an MSI while
# running and one while blocked; a crash must end the run with a failure.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
out=$BUILD/test-logs/qemu-boot
mkdir -p "$out"
passed=0 failed=0

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# check_report LOG SMP GUESTS: the per-hart lines and the summary agree with the topology.
check_report() {
	local log=$1 smp=$2 guests=$3 bad
	bad=$(awk -v g="$guests" '
		/^hart=[0-9]+ index=/ {
			for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			want = v["geilen"] < v["dt"] ? v["geilen"] : v["dt"]
			if (v["geilen"] != g || v["lines"] != want || v["delivered"] != want ||
			    v["sent"] == "" || v["spurious"] != 0) print $0
			gwant = want > 0 ? "pass" : "skip"
			if (v["guest"] != gwant || v["blocked"] != gwant ||
			    v["guest_claimed"] != (want > 0 ? 2 : 0)) print $0
			lines += v["lines"]
			n++
		}
		/^summary:/ {
			for (i = 2; i <= NF; i++) { split($i, kv, "="); s[kv[1]] = kv[2] }
			if (s["msis_sent"] != lines || s["delivered"] != lines) print $0
		}
		END { if (n == 0) print "no hart lines" }' "$log")
	[ -z "$bad" ] || { echo "$bad" | head -n 5; return 1; }
	grep -q "^summary: harts=$smp up=$smp failed=0 " "$log" || return 1
	# With two harts holding lines and a third to send, the vCPU migrates 40 times
	# under MSI fire and every MSI must be claimed.
	if [ "$smp" -ge 3 ] && [ "$guests" -gt 0 ]; then
		awk '/^migrate: / { for (i = 2; i <= NF; i++) { split($i, kv, "="); m[kv[1]] = kv[2] }
			ok = m["migrations"] == 40 && m["msis_sent"] == m["claimed"] &&
			     m["msis_sent"] >= 40 && m["misclaimed"] == 0 && $NF == "pass" }
			END { exit !ok }' "$log" || { echo "migrate line wrong in $log"; return 1; }
	fi
	# Four vCPUs running the VS-mode test guest take turns on the hart with the fewest
	# lines, promoted and demoted between their software files and its lines (none:
	# all on software files, their accesses emulated), while another hart sends them
	# MSIs: every one claimed exactly once (tests/qemu/overcommit.awk).
	awk -v smp="$smp" -f tests/qemu/overcommit.awk "$log" || { echo "in $log"; return 1; }
	grep -qE '^selftest: [0-9]+ passed, 0 failed' "$log" && grep -q '^status: PASS' "$log"
}

# boot_case NAME SMP GUESTS [BOOT]
boot_case() {
	local name=$1 smp=$2 guests=$3 boot=${4:-auto} log=$out/$1.log
	local start=$SECONDS
	tools/boot.sh --boot "$boot" --smp "$smp" --guests "$guests" \
		--fw "$BUILD/firmware.elf" >"$log" 2>&1
	local rc=$?
	if [ $rc -eq 0 ] && check_report "$log" "$smp" "$guests"; then
		pass
		echo "ok $name boot=$(sed -nE 's/^boot: .* -bios ([^ ]+).*/\1/p' "$log" | head -n 1) ($((SECONDS - start)) s)"
	else
		fail "$name: exit $rc, see $log"
	fi
}

boot_case smp1 1 7
boot_case smp4 4 7
boot_case smp33-sbi 33 7 sbi
boot_case smp64 64 7
boot_case guests0 4 0
boot_case guests1 4 1
boot_case smp4-bare 4 7 bare
boot_case guests0-bare 4 0 bare

# An injected illegal instruction must print the trap and make QEMU exit non-zero.
crash=$BUILD/crash
if make --no-print-directory -s firmware BUILD="$crash" FW_DEFS=-DFW_TEST_ILLEGAL_INSN \
	>"$out/crash-build.log" 2>&1; then
	tools/boot.sh --smp 4 --fw "$crash/firmware.elf" >"$out/crash.log" 2>&1
	rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 124 ] &&
	   grep -q 'FATAL: hart [0-9]*: unexpected trap scause 0x2 sepc 0x' "$out/crash.log"; then
		pass
		echo "ok crash exits $rc"
	else
		fail "crash: exit $rc, see $out/crash.log"
	fi
else
	fail "crash: build failed, see $out/crash-build.log"
fi

echo "qemu-boot: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
