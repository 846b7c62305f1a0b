#!/usr/bin/env bash
# The atomics budget of lib/hgei's paths (issue #14), from the disassembly of both
# shipped builds of the allocator, $BUILD/libhgei.a and $BUILD/libhgei-qemu.a (the
# one the QEMU firmware links; tools/count_atomics.py: static counts, the library's
# own callees followed, the port's hooks not): each local path (hgei_alloc, hgei_free,
# hgei_arm, hgei_disarm) has at most one AMO (an LR/SC pair is one) and at most one
# fence, the SGEI handler no AMO, and hgei_remote_free_async() at most one AMO. Ends with "atomics: N passed, N failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
passed=0 failed=0

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# check METRIC MAX: the count must be there and at most MAX.
check() {
	local v
	v=$(awk -v m="$1" '$1 == m { print $2 }' <<<"$counts")
	if [ -z "$v" ]; then
		fail "$lib: $1 missing"
	elif [ "$v" -le "$2" ]; then
		pass
	else
		fail "$lib: $1 = $v, at most $2 allowed"
	fi
}

for lib in "$BUILD/libhgei.a" "$BUILD/libhgei-qemu.a"; do
	if [ ! -s "$lib" ]; then
		fail "$lib missing (make lib)"
		continue
	fi
	counts=
	if ! counts=$(python3 tools/count_atomics.py "$lib"); then
		fail "tools/count_atomics.py $lib"
	fi
	echo "$lib:"
	python3 tools/count_atomics.py --table "$lib" 2>&1 | sed 's/^/  /'

	for p in alloc_local free_local arm_local disarm_local; do
		check "amo_$p" 1
		check "fence_$p" 1
	done
	check amo_sgei 0
	# The asynchronous remote free: the caller's side is the push (one LR/SC) and the kick.
	check amo_remote_free_async 1
done

echo "atomics: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
