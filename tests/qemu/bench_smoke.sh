#!/usr/bin/env bash
# A quick run of make bench (bench/run.sh with BENCH_QUICK=1: contention on 8 harts,
# the vCPU cycles on 1 to 8, two boot sizes, a short host run) into build/bench-smoke: every required metric must be in
# results.csv with a plausible non-zero value, the markdown table and the plot must
# exist (the plot where gnuplot is installed), and no benchmarked call may have failed. Numbers are not judged here.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
out=$BUILD/bench-smoke
passed=0 failed=0

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

if ! make --no-print-directory -s host-bench >"$BUILD/test-logs/bench-smoke-build.log" 2>&1; then
	fail "host-bench build, see $BUILD/test-logs/bench-smoke-build.log"
elif BENCH_QUICK=1 BENCH_OUT=$out bench/run.sh; then
	pass
else
	fail "bench/run.sh exited non-zero"
fi

csv=$out/results.csv
[ "$(head -n 1 "$csv" 2>/dev/null)" = "metric,value,unit" ] && pass || fail "$csv header"
# metric lowest highest: a value outside says the measurement broke, not that it is slow.
# The host ratios only have to be positive: with more threads than free cores (make
# bench beside make test), hgei's blocking remote calls wait for the target thread to
# be scheduled, and its pure-contention ratio fell to 0.004 (printed 0.00 with two
# decimals, so the ratios are printed with three significant digits now).
while read -r m lo hi; do
	v=$(awk -F, -v m="$m" '$1 == m { print $2 }' "$csv" 2>/dev/null)
	if [ -n "$v" ] && awk -v v="$v" -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(v >= lo && v <= hi) }'; then
		pass
	else
		fail "metric $m = '${v}' not in [$lo, $hi]"
	fi
done <<'LIST'
alloc_local_instr 5 500
free_local_instr 5 500
free_remote_instr 5 100000
free_remote_async_instr 5 100000
sgei_store_to_callback_instr 20 1000
trap_roundtrip_instr 20 2000
swfile_delivery_instr 10 2000
swfile_claim_instr 10 2000
promote_instr 50 10000
demote_instr 50 10000
spinlock_alloc_local_instr 5 500
global_alloc_local_instr 5 500
contention_8h_instr_per_op 5 100000
spinlock_contention_8h_instr_per_op 5 100000
global_contention_8h_instr_per_op 5 100000
discovery_512h_instr 1000 1000000000
lib_text_bytes 500 100000
per_hart_bytes_63 64 100000
kick_send_instr 5 100000
arm_instr 5 500
disarm_instr 5 500
vcpu_1h_instr_per_cycle 50 1000000
vcpu_8h_instr_per_cycle 50 1000000
spinlock_vcpu_8h_instr_per_cycle 50 1000000
global_vcpu_8h_instr_per_cycle 50 1000000
null_vcpu_8h_instr_per_cycle 50 1000000
host_hgei_1t_ns_per_vcpu_cycle 0.1 100000000
host_1t_vcpu_cycle_spinlock_over_hgei 0.000001 1000000
host_2t_vcpu_cycle_spinlock_over_hgei 0.000001 1000000
host_4t_vcpu_cycle_global_over_hgei 0.000001 1000000
host_4t_spinlock_over_hgei 0.000001 1000000
text_allocator_bytes 200 100000
amo_alloc_local 0 100
fence_alloc_local 0 100
amo_free_local 0 100
fence_free_local 0 100
amo_arm_local 0 100
fence_arm_local 0 100
amo_disarm_local 0 100
fence_disarm_local 0 100
amo_remote_free 0 100
fence_remote_free 0 100
amo_sgei 0 100
fence_sgei 0 100
LIST
for m in ops_errors sgei_errors contention_errors vcpu_errors host_errors; do
	v=$(awk -F, -v m="$m" '$1 == m { print $2 }' "$csv" 2>/dev/null)
	[ "$v" = 0 ] && pass || fail "$m = '$v', want 0"
done
[ -s "$out/results.md" ] && grep -q '^| 8 | ' "$out/results.md" && pass || fail "results.md"
# gnuplot comes with make bench (tools/setup.sh bench), not with make test.
if command -v gnuplot >/dev/null; then
	[ -s "$out/scaling.png" ] && pass || fail "scaling.png"
else
	echo "bench-smoke: no gnuplot (make bench installs it): plot not checked"
fi

echo "bench-smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
