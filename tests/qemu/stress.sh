#!/usr/bin/env bash
# The stress run (checks/stress.c): a firmware built with -DFW_STRESS_SECONDS=N into
# its own BUILD dir boots STRESS_SMP harts (default 16) on each boot path; after the
# self-test every hart churns allocations, local and remote frees, and MSIs at lines
# that come and go, for N seconds. The totals must reconcile exactly, checked here
# from the firmware's own lines: sent = delivered + dropped, allocs = frees + remote
# frees, and the per-hart lines add up to the totals; no line leaked, no MSI stuck,
# every hart done. `make stress` runs it longer (STRESS_SECONDS=60).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
seconds=${STRESS_SECONDS:-8}
smp=${STRESS_SMP:-16}
out=$BUILD/test-logs/qemu-stress
sbuild=$BUILD/stress
mkdir -p "$out"
passed=0 failed=0

if ! make --no-print-directory -s firmware firmware-m BUILD="$sbuild" \
	FW_STAGES="selftest guest migrate overcommit stress" FW_DEFS=-DFW_STRESS_SECONDS="$seconds" \
	>"$out/build.log" 2>&1; then
	echo "FAIL stress: build failed, see $out/build.log"
	echo "qemu-stress: 0 passed, 1 failed"
	exit 1
fi

# check LOG: prints what does not reconcile, nothing when all does.
check() {
	awk -v smp="$smp" '
		/^stress: hart=/ {
			n++
			for (i = 2; i <= NF; i++) { split($i, kv, "="); s[kv[1]] += kv[2] }
			if ($0 ~ / hung$/) print "hung: " $0
		}
		/^stress: seconds=/ {
			t++
			for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		}
		END {
			if (n != smp || t != 1) { print "expected " smp " hart lines and a total, got " n "/" t; exit }
			if (v["harts"] != smp || v["done"] != smp) print "harts " v["harts"] " done " v["done"]
			if (v["sent"] != v["delivered"] + v["dropped"])
				print "sent " v["sent"] " != delivered " v["delivered"] " + dropped " v["dropped"]
			if (v["allocs"] != v["frees"] + v["remote_frees"])
				print "allocs " v["allocs"] " != frees " v["frees"] " + remote " v["remote_frees"]
			split("sent delivered dropped allocs frees remote_frees", k, " ")
			for (i = 1; i <= 6; i++)
				if (s[k[i]] != v[k[i]]) print k[i] ": harts add up to " s[k[i]] ", total says " v[k[i]]
			if (!v["sent"] || !v["dropped"] || !v["remote_frees"]) print "nothing churned: " $0
			if (v["leaked"] || v["stuck"] || v["bad_id"] || v["stray"] || v["errors"])
				print "leaked " v["leaked"] " stuck " v["stuck"] " bad_id " v["bad_id"] " stray " v["stray"] " errors " v["errors"]
		}' "$1"
}

for boot in sbi bare; do
	log=$out/$boot.log
	start=$(date +%s.%N)
	tools/boot.sh --boot $boot --smp "$smp" --guests 7 --timeout "auto+$((seconds * $(nproc)))" \
		--fw "$sbuild/firmware.elf" >"$log" 2>&1
	rc=$?
	wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	bad=$(check "$log")
	if [ $rc -eq 0 ] && [ -z "$bad" ] && grep -q '^stress: reconciled$' "$log" &&
	   grep -q '^status: PASS$' "$log"; then
		passed=$((passed + 1))
		printf 'ok %s: %s wall=%ss\n' "$boot" \
			"$(grep '^stress: seconds=' "$log" | cut -d' ' -f2-)" "$wall"
	else
		failed=$((failed + 1))
		echo "FAIL $boot: exit $rc, see $log"
		[ -n "$bad" ] && echo "$bad" | head -n 5
	fi
done

echo "qemu-stress: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
