#!/usr/bin/env bash
# Boots one topology of the catalogue N times and counts the failures: the way to
# measure how often a boot that usually passes does not (issue #13).
#   tools/flake-loop.sh TOPOLOGY N [--hog] [--boot sbi|bare] [--fw ELF] [--out DIR]
#                       [--timeout S|auto] [-- extra qemu args]
# --hog runs one busy loop per host core for the whole run (killed at the end), so the
# emulated harts compete for the host as they do when something else runs beside
# `make test`. A boot passes when QEMU exits 0 and the firmware printed `status: PASS`
# with no failed self-test check. Every boot's log is kept in DIR (default
# build/flake/TOPOLOGY-<date>); the last line is `N boots, F failures` and the
# failing logs' paths follow, each with its first failure lines.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
usage() { echo "usage: tools/flake-loop.sh TOPOLOGY N [--hog] [--boot B] [--fw ELF] [--out DIR] [--timeout S]" >&2; exit 2; }
[ $# -ge 2 ] || usage
topology=$1 n=$2
shift 2
[[ $n =~ ^[0-9]+$ ]] || usage
hog=0 boot= fw=$top/${BUILD:-build}/firmware.elf out= timeout_s=auto extra=()
while [ $# -gt 0 ]; do
	case "$1" in
	--hog) hog=1; shift ;;
	--boot) boot=$2; shift 2 ;;
	--fw) fw=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--) shift; extra=(-- "$@"); break ;;
	*) usage ;;
	esac
done
out=${out:-$top/${BUILD:-build}/flake/$topology-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"

hogs=()
stop_hogs() {
	local p
	for p in "${hogs[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${hogs[@]}"; do wait "$p" 2>/dev/null; done
	hogs=()
}
trap 'stop_hogs' EXIT
trap 'stop_hogs; exit 130' INT TERM
if [ $hog -eq 1 ]; then
	for ((i = 0; i < $(nproc); i++)); do
		yes >/dev/null &
		hogs+=($!)
	done
	echo "flake-loop: CPU hog on: ${#hogs[@]} busy loops (pids ${hogs[*]})"
fi

failures=() fails=0
for ((i = 1; i <= n; i++)); do
	log=$out/boot-$i.log
	start=$(date +%s%N)
	"$top/tools/boot.sh" --topology "$topology" ${boot:+--boot "$boot"} \
		--timeout "$timeout_s" --fw "$fw" "${extra[@]}" >"$log" 2>&1
	rc=$?
	wall_ms=$((($(date +%s%N) - start) / 1000000))
	if [ $rc -eq 0 ] && grep -q '^status: PASS' "$log" &&
	   grep -qE '^selftest: [0-9]+ passed, 0 failed' "$log"; then
		verdict=ok
	else
		verdict=FAIL
		fails=$((fails + 1))
		failures+=("$log")
	fi
	printf 'flake-loop: %s boot %d/%d: %s exit %d wall %d.%03ds\n' "$topology" "$i" "$n" \
		"$verdict" $rc $((wall_ms / 1000)) $((wall_ms % 1000))
done
stop_hogs

echo "$topology: $n boots, $fails failures (hog=$hog, logs in $out)"
for log in "${failures[@]}"; do
	echo "  $log"
	grep -E '^(guest|migrate|stress|FATAL|boot: timed out|selftest:|status:)|trap loop|no progress' \
		"$log" | head -n 6 | sed 's/^/    /'
done
[ "$fails" -eq 0 ]
