#!/usr/bin/env bash
# Boots the hartgei firmware on QEMU virt (AIA: APLIC + IMSIC) and exits with QEMU's
# status: 0 when the firmware reported PASS, non-zero otherwise, 124 on timeout.
# OPENSBI=1.5.1|1.9 in the environment picks the OpenSBI of the sbi path.
#   tools/boot.sh [--boot auto|sbi|bare] [--smp N] [--guests G] [--dtb FILE]
#                 [--topology NAME] [--timeout S|auto|auto+N] [--fw ELF] [--bios IMG]
#                 [--gdb PORT] [--list] [-- extra qemu args]
# --bios IMG boots a whole image (make image) as QEMU's -bios, no -kernel.
# --gdb PORT (make debug) starts QEMU halted with a gdb stub on localhost:PORT, prints
# the gdb-multiarch command that attaches with the images' symbols, and runs QEMU in
# the foreground with no timeout: a debugging session waits on a person.
# --timeout auto (the default) is a budget of QEMU CPU time that scales with the harts
# QEMU has to emulate, 120 s + 0.5 s per hart, with a wall-clock cap of four times
# that; auto+N adds N seconds of CPU time; --timeout S is S seconds of wall clock.
# It is the last resort behind the firmware's own progress watchdogs, so it only has
# to be long enough never to cut a slow pass.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
boot= smp=4 guests=7 dtb= topology= timeout_s=auto fw=$top/build/firmware.elf bios=
nodes=0 extra=() gdb_port=
QEMU=${QEMU:-qemu-system-riscv64}

while [ $# -gt 0 ]; do
	case "$1" in
	--boot) boot=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--guests) guests=$2; shift 2 ;;
	--dtb) dtb=$2; shift 2 ;;
	--topology) topology=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--fw) fw=$2; shift 2 ;;
	--bios) bios=$2; shift 2 ;;
	--gdb) gdb_port=$2; shift 2 ;;
	--list)
		for f in "$top"/platform/topologies/*.topo; do
			[ -e "$f" ] || continue
			printf '%-16s %s\n' "$(basename "$f" .topo)" "$(sed -n 's/^# *//p' "$f" | head -n 1)"
		done
		exit 0 ;;
	--) shift; extra=("$@"); break ;;
	*) echo "boot.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

if [ -n "$topology" ]; then
	tfile=$top/platform/topologies/$topology.topo
	[ -f "$tfile" ] || { echo "boot.sh: no topology '$topology' (make topologies lists them)" >&2; exit 2; }
	# shellcheck source=/dev/null
	. "$tfile"
	smp=${SMP:-$smp} guests=${AIA_GUESTS:-$guests}
	nodes=${NUMA_NODES:-0}
	[ "$boot" = auto ] && boot=
	boot=${boot:-${BOOT:-}}
fi
# OPENSBI=1.5.1 (default: Debian 12 backports' package, QEMU's -bios default) or 1.9
# (Debian unstable's fw_dynamic, fetched into the build tree by tools/setup.sh opensbi19).
# auto: OpenSBI while it can start every hart, hartgei's own M-mode layer beyond
# (docs/limits.md, "Hart limits"; measured on QEMU 10 virt with AIA):
# - 1.5.1 runs out of heap in its warm-boot init from the 34th hart on: the hart hangs
#   in sbi_hart_hang() with SBI_ENOMEM and stays HSM START_PENDING;
# - 1.9 sizes its heap per hart, but its firmware region (image, 8 KiB of stack and
#   scratch and about 8 KiB of heap per hart) must end below the payload: with the
#   payload at 0x80200000 it fits 107 harts, and from 108 on cold boot stops before the
#   banner; a payload linked at 0x80400000 or above (FW_BASE) reaches 128, the hart-mask
#   size of Debian's build, beyond which cold boot stops too.
OPENSBI=${OPENSBI:-1.5.1}
case "$OPENSBI" in
1.5.1) opensbi_bios=default OPENSBI_MAX_HARTS=33 ;;
1.9)
	opensbi_bios=$top/${BUILD:-build}/opensbi-1.9/fw_dynamic.bin
	[ -f "$opensbi_bios" ] || { echo "boot.sh: no $opensbi_bios (make setup OPENSBI=1.9)" >&2; exit 2; }
	entry=$(riscv64-unknown-elf-readelf -h "$fw" 2>/dev/null | awk '/Entry point/ {print $4}')
	OPENSBI_MAX_HARTS=107
	[ -n "$entry" ] && [ $((entry)) -ge $((0x80400000)) ] && OPENSBI_MAX_HARTS=128 ;;
*) echo "boot.sh: OPENSBI is 1.5.1 or 1.9" >&2; exit 2 ;;
esac
if [ -z "$boot" ] || [ "$boot" = auto ]; then
	boot=sbi
	if [ "$smp" -gt "$OPENSBI_MAX_HARTS" ]; then
		boot=bare
		echo "boot: $smp harts exceed the $OPENSBI_MAX_HARTS OpenSBI $OPENSBI can start; booting bare (BOOT=sbi forces OpenSBI)"
	fi
fi

case "$boot" in
sbi) firmware=(-bios "$opensbi_bios" -kernel "$fw") ;;
bare) firmware=(-bios "${fw%firmware.elf}hartgei-m.elf") ;;
*) echo "boot.sh: --boot is sbi or bare" >&2; exit 2 ;;
esac
[ -n "$bios" ] && firmware=(-bios "$bios")

mem=256
machine="virt,aia=aplic-imsic,aia-guests=$guests"
qemu_numa=()
if [ "$nodes" -gt 0 ]; then
	per=$((mem / nodes)) cpn=$((smp / nodes))
	for ((i = 0; i < nodes; i++)); do
		qemu_numa+=(-object "memory-backend-ram,id=m$i,size=${per}M"
			-numa "node,memdev=m$i,cpus=$((i * cpn))-$(((i + 1) * cpn - 1)),nodeid=$i")
	done
	mem=$((per * nodes))
fi
# A topology that reshapes the devicetree: dump QEMU's own DTB for the same machine,
# then give the named harts fewer guest files (tools/dt-topology.py).
if [ -n "$topology" ] && [ -n "${DT_SPLIT:-}" ] && [ -z "$dtb" ]; then
	dtb=$top/${BUILD:-build}/topologies/$topology.dtb
	mkdir -p "$(dirname "$dtb")"
	"$QEMU" -machine "$machine,dumpdtb=$dtb.qemu" -smp "$smp" -m "${mem}M" -nographic \
		"${qemu_numa[@]}" >/dev/null 2>&1 </dev/null
	# shellcheck disable=SC2086
	"$top/tools/dt-topology.py" "$dtb.qemu" "$dtb" $DT_SPLIT
fi
[ -n "$dtb" ] && qemu_numa+=(-dtb "$dtb")

if [ -n "$gdb_port" ]; then
	# The symbols of what runs above OpenSBI: on the sbi path the payload ELF (OpenSBI's
	# -bios default is a .bin, no symbols); on the bare path hartgei-m.elf, which is
	# linked from the M-mode layer's objects and the payload's, so it alone holds both
	# images' symbols at their run addresses (adding firmware.elf would give every
	# runtime symbol twice). An image's payload is the payload ELF at the same address.
	case "$boot" in
	bare) syms=${fw%firmware.elf}hartgei-m.elf ;;
	*) syms=$fw ;;
	esac
	syms=$(realpath --relative-to=. "$syms")
	extra+=(-S -gdb "tcp:localhost:$gdb_port")
	echo "gdb: gdb-multiarch -q $syms -ex 'target remote localhost:$gdb_port'"
fi
echo "boot: $QEMU -machine $machine -smp $smp -m ${mem}M ${firmware[*]} ${qemu_numa[*]} ${extra[*]}"
qemu_cmd=("$QEMU" -machine "$machine" -smp "$smp" -m "${mem}M" -nographic -monitor none
	-serial stdio "${firmware[@]}" "${qemu_numa[@]}" "${extra[@]}")
[ -n "$gdb_port" ] && exec "${qemu_cmd[@]}"
set +e
if [[ $timeout_s == auto* ]]; then
	# The work QEMU has to do is CPU time: beside other jobs it gets less of a core
	# per second, and a wall-clock limit would cut a slow pass. So QEMU may use
	# 120 s + 0.5 s per hart of CPU time; a wall-clock cap of four times that ends a
	# QEMU that hangs without spending any (the firmware's own watchdogs end a
	# firmware that waits for nothing, docs/qemu-quirks-and-watchdogs.md, "Watchdogs").
	# auto+N: N more seconds of CPU time, for a run that is meant to keep harts busy.
	extra_cpu=0
	[[ $timeout_s == auto+* ]] && extra_cpu=${timeout_s#auto+}
	cpu_budget=$((120 + (smp + 1) / 2 + extra_cpu)) wall_cap=$((4 * cpu_budget))
	tck=$(getconf CLK_TCK)
	# sed -u: unbuffered, so a log file shows what QEMU printed as it prints it.
	"${qemu_cmd[@]}" </dev/null > >(sed -u 's/\r//g') 2>&1 &
	qpid=$! start=$SECONDS why=
	while kill -0 $qpid 2>/dev/null; do
		sleep 1
		cpu=$(awk -v t="$tck" '{ print int(($14 + $15) / t) }' /proc/$qpid/stat 2>/dev/null)
		if [ "${cpu:-0}" -ge $cpu_budget ]; then
			why="${cpu_budget}s of QEMU CPU time"
		elif [ $((SECONDS - start)) -ge $wall_cap ]; then
			why="${wall_cap}s (QEMU used ${cpu:-0}s of CPU)"
		else
			continue
		fi
		kill -TERM $qpid 2>/dev/null
		for _ in 1 2 3 4 5; do kill -0 $qpid 2>/dev/null && sleep 1; done
		kill -KILL $qpid 2>/dev/null
		break
	done
	wait $qpid
	rc=$?
	wait	# tr: the log is complete before we say more
	if [ -n "$why" ]; then
		rc=124
		echo "boot: timed out after $why"
	fi
else
	timeout --foreground -k 5 "$timeout_s" "${qemu_cmd[@]}" </dev/null | sed -u 's/\r//g'
	rc=${PIPESTATUS[0]}
	[ $rc -eq 124 ] && echo "boot: timed out after ${timeout_s}s"
fi
set -e
exit $rc
