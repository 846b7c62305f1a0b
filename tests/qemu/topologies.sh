#!/usr/bin/env bash
# Boots every topology of platform/topologies/, in both boot paths (OpenSBI payload and
# bare M-mode layer) unless the file names one with BOOT=, and checks the report
# against what the topology file says: per-hart usable lines (EXPECT_LINES, or EXPECT_LINES_ALL for every
# hart), IMSIC groups (EXPECT_GROUPS), one MSI delivered per line, no spurious line,
# every self-test check passed, and QEMU's exit status 0. On every hart with a line the
# guest stage must pass both paths (running guest, blocked vCPU) and its guest must
# claim exactly the 2 MSIs sent to it; harts without lines must report it skipped.
# The overcommit: line must pass (tests/qemu/overcommit.awk).
# Prints one measurement line per topology and boot path: harts, lines, MSIs delivered,
# guest deliveries, wall time of the whole QEMU run.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
out=$BUILD/test-logs/qemu-topologies
mkdir -p "$out"
passed=0 failed=0

check_topology() {
	local name=$1 log=$2
	(
		# shellcheck source=/dev/null
		. "platform/topologies/$name.topo"
		awk -v smp="$SMP" -v lines="${EXPECT_LINES:-}" -v all="${EXPECT_LINES_ALL:-}" \
		    -v groups="${EXPECT_GROUPS:-}" '
			BEGIN { nl = split(lines, L, " "); ng = split(groups, G, " ") }
			/^hart=[0-9]+ index=/ {
				n++
				for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
				want = all != "" ? all : L[n]
				if (want == "" || v["lines"] != want || v["delivered"] != want ||
				    v["spurious"] != 0 || (ng && v["group"] != G[n]))
					print "hart line " n " unexpected: " $0
				gwant = v["lines"] > 0 ? "pass" : "skip"
				if (v["guest"] != gwant || v["blocked"] != gwant ||
				    v["guest_claimed"] != (v["lines"] > 0 ? 2 : 0))
					print "hart line " n " guest stage unexpected: " $0
				total += v["lines"]
				guests += v["lines"] > 0 ? 2 : 0
			}
			/^summary:/ {
				for (i = 2; i <= NF; i++) { split($i, kv, "="); s[kv[1]] = kv[2] }
				if (s["harts"] != smp || s["up"] != smp || s["failed"] != 0 ||
				    s["msis_sent"] != total || s["delivered"] != total ||
				    s["guest_msis"] != guests || s["guest_claimed"] != guests)
					print "summary unexpected: " $0
				seen = 1
			}
			END {
				if (n != smp) print "expected " smp " hart lines, got " n
				if (!seen) print "no summary line"
			}' "$log"
		# The overcommit stage on the hart with the fewest lines (biglittle's little
		# harts: 1, zeroline's last hart: 0), on both boot paths.
		awk -v smp="$SMP" -f tests/qemu/overcommit.awk "$log"
	)
}

boots_of() {
	# shellcheck source=/dev/null
	(. "platform/topologies/$1.topo"; echo "${BOOT:-sbi bare}")
}

# The OpenSBI 1.9 runs: every topology that 1.9 can boot as a payload at 0x80200000
# (up to 107 harts, tools/boot.sh), without NUMA sockets (on QEMU's multi-socket AIA
# machines some harts livelock in 1.9's M-level IMSIC IPI handler and never reach
# the payload: docs/limits.md, "OpenSBI versions"); smp128 with a payload linked at 0x80400000,
# which lets 1.9 start 128 harts.
opensbi19_of() {
	# shellcheck source=/dev/null
	(. "platform/topologies/$1.topo"
	 if [ "${NUMA_NODES:-0}" -eq 0 ] && [ "$SMP" -le 107 ]; then echo "$BUILD/firmware.elf"
	 elif [ "${NUMA_NODES:-0}" -eq 0 ] && [ "$SMP" -le 128 ]; then echo "$BUILD/fw-0x80400000/firmware.elf"
	 fi)
}
fw_high=$BUILD/fw-0x80400000
if ! make --no-print-directory -s firmware BUILD="$fw_high" FW_BASE=0x80400000 \
	>"$out/fw-0x80400000-build.log" 2>&1; then
	echo "FAIL payload at 0x80400000: build failed, see $out/fw-0x80400000-build.log"
	failed=$((failed + 1))
fi

runs() {
	local name
	for f in platform/topologies/*.topo; do
		name=$(basename "$f" .topo)
		for boot in $(boots_of "$name"); do echo "$name $boot 1.5.1 $BUILD/firmware.elf"; done
	done
	for f in platform/topologies/*.topo; do
		name=$(basename "$f" .topo)
		fw=$(opensbi19_of "$name")
		[ -n "$fw" ] && echo "$name sbi 1.9 $fw"
	done
}

while read -r name boot opensbi fw; do
	{
		tag=$boot
		[ "$boot" = sbi ] && [ "$opensbi" != 1.5.1 ] && tag=sbi-$opensbi
		log=$out/$name-$tag.log
		start=$(date +%s%N)
		OPENSBI=$opensbi BUILD=$BUILD tools/boot.sh --topology "$name" --boot "$boot" \
			--fw "$fw" >"$log" 2>&1
		rc=$?
		wall_ms=$((($(date +%s%N) - start) / 1000000))
		bad=$(check_topology "$name" "$log")
		if [ $rc -eq 0 ] && [ -z "$bad" ] &&
		   grep -qE '^selftest: [0-9]+ passed, 0 failed' "$log" &&
		   grep -q '^status: PASS' "$log"; then
			passed=$((passed + 1))
			summary=$(grep '^summary:' "$log")
			field() { sed -E "s/.* $1=([0-9]+).*/\1/" <<<"$summary"; }
			printf 'ok %-10s boot=%-8s harts=%s lines=%s msis_delivered=%s guest_deliveries=%s resyncs=%s wall=%d.%03ds\n' \
				"$name" "$tag" "$(field up)" "$(field lines_total)" "$(field delivered)" \
				"$(field guest_claimed)" "$(grep -c 're-evaluating guest files' "$log")" \
				$((wall_ms / 1000)) $((wall_ms % 1000))
		else
			failed=$((failed + 1))
			echo "FAIL $name boot=$tag: exit $rc, see $log"
			[ -n "$bad" ] && echo "$bad" | head -n 5
		fi
	}
done < <(runs)

echo "qemu-topologies: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
