#!/usr/bin/env bash
# The runtime alone (issue #15): a firmware built with FW_STAGES= links no stage
# (firmware/stage.h), so its ELF must hold no stage symbol and its boot, on both
# paths, must still bring every hart's lines up and report them: one hart line per
# hart with geilen/dt/lines, the summary, no checks run, status PASS.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
rbuild=$BUILD/runtime
out=$BUILD/test-logs/qemu-runtime
mkdir -p "$out"
passed=0 failed=0

pass() { passed=$((passed + 1)); echo "ok $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

if ! make --no-print-directory -s firmware firmware-m BUILD="$rbuild" FW_STAGES= \
	>"$out/build.log" 2>&1; then
	fail "runtime-only build, see $out/build.log"
	echo "qemu-runtime: $passed passed, $failed failed"
	exit 1
fi

# No stage in the image: the stages' own symbols (checks/, vcpu/, bench/fw/) and an
# empty stage table.
for elf in "$rbuild/firmware.elf" "$rbuild/hartgei-m.elf"; do
	syms=$(riscv64-unknown-elf-nm "$elf")
	stage_syms=$(grep -E ' (selftest|guest|migrate|mig|stress|race|bench)_[a-z_]+$| fw_(guest|vcpu)_[a-z_]+$' <<<"$syms")
	start=$(awk '$3 == "__fw_stages_start" { print $1 }' <<<"$syms")
	end=$(awk '$3 == "__fw_stages_end" { print $1 }' <<<"$syms")
	if [ -z "$stage_syms" ] && [ -n "$start" ] && [ "$start" = "$end" ]; then
		pass "$(basename "$elf"): no stage symbol, empty stage table"
	else
		fail "$(basename "$elf"): stage symbols or table: $(head -n 3 <<<"$stage_syms" | tr '\n' ' ') table $start..$end"
	fi
done
# The same check finds the stages of the default build (so it can fail).
if grep -qE ' selftest_run$' <(riscv64-unknown-elf-nm "$BUILD/firmware.elf" 2>/dev/null); then
	pass "default build: the check finds selftest_run"
else
	fail "default build: selftest_run not found in $BUILD/firmware.elf (build it first)"
fi

# boot_case NAME BOOT SMP GUESTS
boot_case() {
	local name=$1 boot=$2 smp=$3 guests=$4 log=$out/$1.log bad
	tools/boot.sh --boot "$boot" --smp "$smp" --guests "$guests" \
		--fw "$rbuild/firmware.elf" >"$log" 2>&1
	local rc=$?
	bad=$(awk -v g="$guests" -v smp="$smp" '
		/^hart=[0-9]+ index=/ {
			n++
			for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			want = v["geilen"] < v["dt"] ? v["geilen"] : v["dt"]
			if (v["geilen"] != g || v["lines"] != want || v["spurious"] != 0 ||
			    v["sent"] != "" || v["guest"] != "") print "hart line: " $0
		}
		/^(migrate|guest|stress):/ { print "stage line: " $0 }
		END { if (n != smp) print "hart lines: " n " of " smp }' "$log")
	if [ $rc -eq 0 ] && [ -z "$bad" ] &&
	   grep -q "^summary: harts=$smp up=$smp failed=0 lines_min=$guests lines_max=$guests " "$log" &&
	   grep -q '^selftest: 0 passed, 0 failed' "$log" && grep -q '^status: PASS' "$log"; then
		pass "$name"
	else
		fail "$name: exit $rc, see $log"
		[ -n "$bad" ] && head -n 3 <<<"$bad"
	fi
}

boot_case sbi-smp4 sbi 4 7
boot_case bare-smp4 bare 4 7
boot_case bare-guests3 bare 4 3

echo "qemu-runtime: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
