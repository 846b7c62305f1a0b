#!/usr/bin/env bash
# Exhaustive SPIN runs of the lib/hgei models (issue #14; tests/model/README.md).
# The correct models must finish with "errors: 0" and no depth truncation; the broken
# model and the flaw switches of hgei.pml must produce a counterexample, whose last
# steps are printed. Artefacts go to $BUILD/model/. Ends with "model: N passed, N failed".
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
out=$BUILD/model
mkdir -p "$out"
passed=0 failed=0

if ! command -v spin >/dev/null || ! command -v gcc >/dev/null; then
	echo "FAIL model: spin or gcc missing (tools/setup.sh host installs spin)"
	echo "model: 0 passed, 1 failed"
	exit 1
fi

field() { grep -oE "$1" "$2" | head -n 1 | grep -oE '[0-9.e+]+$'; }

# run NAME MODEL EXPECT(pass|counterexample) SPIN_DEFS CC_FLAGS PAN_FLAGS
run() {
	local name=$1 model=$2 expect=$3 sdefs=$4 ccflags=$5 panflags=$6
	local d=$out/$name file
	file=$(basename "$model")
	rm -rf "$d"
	mkdir -p "$d"
	cp "$here/$model" "$d/"
	# shellcheck disable=SC2086
	if ! (cd "$d" && spin $sdefs -a "$file") >"$d/spin.log" 2>&1; then
		echo "FAIL $name: spin -a failed, see $d/spin.log"
		failed=$((failed + 1))
		return
	fi
	# shellcheck disable=SC2086
	if ! (cd "$d" && gcc -O2 -w $ccflags -o pan pan.c) >"$d/gcc.log" 2>&1; then
		echo "FAIL $name: gcc pan.c failed, see $d/gcc.log"
		failed=$((failed + 1))
		return
	fi
	# shellcheck disable=SC2086
	(cd "$d" && ./pan $panflags) >"$d/pan.out" 2>&1
	local errors stored trans depth secs
	errors=$(field 'errors: [0-9]+' "$d/pan.out")
	stored=$(grep -oE '^ *[0-9.e+]+ states, stored' "$d/pan.out" | grep -oE '[0-9.e+]+' | head -n 1)
	trans=$(grep -oE '^ *[0-9.e+]+ transitions' "$d/pan.out" | grep -oE '[0-9.e+]+' | head -n 1)
	depth=$(field 'depth reached [0-9]+' "$d/pan.out")
	secs=$(field 'elapsed time [0-9.e+]+' "$d/pan.out")
	local stats="states stored ${stored:-?}, transitions ${trans:-?}, errors ${errors:-?}, depth ${depth:-?}, ${secs:-?} s"
	if [ -z "$errors" ]; then
		echo "FAIL $name: no result from pan, see $d/pan.out"
		tail -n 5 "$d/pan.out"
		failed=$((failed + 1))
		return
	fi
	if [ "$expect" = pass ]; then
		if [ "$errors" -ne 0 ]; then
			echo "FAIL $name ($model $sdefs): $stats"
			grep -E '^pan:' "$d/pan.out" | head -n 3
			(cd "$d" && spin $sdefs -t -p "$file") 2>&1 | grep -E '^ *[0-9]+:\s+proc' | tail -n 25
			failed=$((failed + 1))
		elif grep -qiE 'depth too small|Search not completed|MEMLIM|out of memory' "$d/pan.out"; then
			echo "FAIL $name ($model): search truncated, see $d/pan.out: $stats"
			failed=$((failed + 1))
		else
			echo "ok $name ($model${sdefs:+ $sdefs}): $stats"
			passed=$((passed + 1))
		fi
	else
		if [ "$errors" -ge 1 ] && [ -f "$d/$file.trail" ]; then
			echo "ok $name ($model${sdefs:+ $sdefs}): counterexample as required: $stats"
			echo "   $(grep -E '^pan:1' "$d/pan.out" | head -n 1 | cut -c1-200)"
			echo "   last steps of the trail (spin -t -p):"
			# shellcheck disable=SC2086
			(cd "$d" && spin $sdefs -t -p "$file") 2>&1 | tee "$d/trail.txt" |
				grep -E '^ *[0-9]+:\s+proc .*\[' | sed -E 's/^ *//; s/\(state [0-9]+\)\s*//' |
				tail -n 15 | sed 's/^/     /'
			passed=$((passed + 1))
		else
			echo "FAIL $name ($model $sdefs): no counterexample found: $stats"
			failed=$((failed + 1))
		fi
	fi
}

safety="-DSAFETY -DNOCLAIM -DMEMLIM=3072"
# The design (hgei.pml) and move: exhaustive, no truncation.
run hgei hgei.pml pass "" "$safety -DCOLLAPSE" "-m2000 -w25"
run move move.pml pass "" "$safety" "-m2000"
run move-ltl-g3 move.pml pass "" "-DNFAIR=3 -DMEMLIM=1024" "-a -f -N g3 -m4000"
# Offline's revoke loop with revoke() callbacks that free and allocate on the hart.
run revoke revoke.pml pass "" "$safety" "-m2000"
run flaw-revoke-snapshot revoke.pml counterexample "-DFLAW_REVOKE_SNAPSHOT" "$safety" "-m2000"
run flaw-revoke-no-second-clear revoke.pml counterexample "-DFLAW_NO_SECOND_CLEAR" "$safety" "-m2000"
# The drain move and demote share, against the old line changing hands (review).
run drain drain.pml pass "" "$safety" "-m2000"
run flaw-drain-foreign drain.pml counterexample "-DFLAW_DRAIN_FOREIGN" "$safety" "-m2000"
# Promote/demote (issue 17): exhaustive, and each ordering flaw must be caught.
run promote promote.pml pass "" "$safety" "-m2000"
run promote-ltl-g3 promote.pml pass "" "-DNFAIR=3 -DMEMLIM=1024" "-a -f -N g3 -m4000"
run flaw-promote-take-first promote.pml counterexample "-DFLAW_PROMOTE_TAKE_FIRST" "$safety" "-m2000"
run flaw-demote-drain-first promote.pml counterexample "-DFLAW_DEMOTE_DRAIN_FIRST" "$safety" "-m2000"
# The old check-then-act design: must lose B's wake.
run broken hgei_broken.pml counterexample "" "$safety" "-m2000"
# The flaws found while modelling, re-created by switches: each must be caught.
run flaw-offline-close-first hgei.pml counterexample "-DFLAW_OFFLINE_CLOSE_FIRST" "$safety -DCOLLAPSE" "-m2000 -w25"
run flaw-sync-reopens hgei.pml counterexample "-DFLAW_SYNC_REOPENS" "$safety -DCOLLAPSE" "-m2000 -w25"
run flaw-revoke-before-alloc-returns hgei.pml counterexample "-DCHECK_REVOKE_AFTER_ALLOC" "$safety -DCOLLAPSE" "-m2000 -w25"
run flaw-async-posted-is-done hgei.pml counterexample "-DFLAW_ASYNC_POSTED_IS_DONE" "$safety -DCOLLAPSE" "-m2000 -w25"

echo "model: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
