#!/usr/bin/env bash
# Runs every test suite and sums their closing "N passed, N failed" lines.
# Suites: the host unit tests in three sanitizer flavours, the devicetree fixtures
# (hgei-dt), and the QEMU boots. Exits non-zero when anything failed.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
export BUILD
log=$BUILD/test-logs
mkdir -p "$log"
passed=0 failed=0

# run_suite NAME CMD...: runs one suite, keeps its output, adds its counts.
run_suite() {
	local name=$1; shift
	local out=$log/$name.log rc p f line
	"$@" >"$out" 2>&1
	rc=$?
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	if [ -z "$line" ]; then
		p=0 f=1
		echo "FAIL $name: no result line (exit $rc), see $out"
	else
		p=$(sed -E 's/.*\b([0-9]+) passed.*/\1/' <<<"$line")
		f=$(sed -E 's/.*\b([0-9]+) failed.*/\1/' <<<"$line")
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1
			echo "FAIL $name: exit $rc, see $out"
		fi
		[ "$f" -gt 0 ] && grep -E '^(FAIL|not ok)' "$out" | head -n 20
		printf '%-6s %-28s %s\n' "$([ "$f" -eq 0 ] && echo ok || echo FAIL)" "$name" "$line"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

for flavour in plain asan tsan; do
	for t in "$BUILD"/host-$flavour/test_*; do
		[ -x "$t" ] || continue
		run_suite "$flavour-$(basename "$t")" "$t"
	done
done
run_suite dt-fixtures tests/dt/run_dt.sh
run_suite api-docs tests/docs/check_api_docs.py
run_suite house python3 tools/house.py "$BUILD" --check
run_suite doc-links tests/docs/check_links.py
run_suite dt-malformed python3 tests/dt/run_malformed.py "$BUILD"
run_suite fuzz-replay "$BUILD/fuzz/replay" tests/fuzz/corpus tests/fuzz/crashes
run_suite model tests/model/run.sh
run_suite atomics tests/lib/check_atomics.sh
for s in tests/qemu/*.sh; do
	run_suite "qemu-$(basename "$s" .sh)" "$s"
done

echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
