#!/usr/bin/env bash
# make bench: builds the bench firmware variants, boots them under QEMU 10
# -icount shift=0 (instret = exact instruction count), times boots, sizes lib/hgei,
# runs the host microbenchmark, counts the AMOs and fences of the shipped libhgei.a
# (tools/count_atomics.py), and writes $OUT/results.csv (metric,value,unit),
# $OUT/results.md and $OUT/scaling.png. BENCH_QUICK=1: the smoke version make test
# runs (contention on 8 harts, one firmware variant, two boot sizes).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
QUICK=${BENCH_QUICK:-0}
OUT=${BENCH_OUT:-$BUILD/bench}
QEMU=${QEMU:-qemu-system-riscv64}
mkdir -p "$OUT/logs" "$OUT/dtb"
raw=$OUT/raw.txt
: >"$raw"

# The contention run goes up to 64 harts, the quick one to 8. The single operations
# run in a 2-hart boot of their own: in a 64-hart boot under QEMU 10 -icount shift=0
# the bench firmware's console output stopped mid-line early in that phase and it
# made no progress for minutes (twice, with and without the DTB loaders; 63 vCPUs
# finished once without them and stalled once with them; the contention phase alone
# runs fine at 64). Not understood. On 2026-12-02 it no longer happened: three
# 64-hart boots of the whole bench (two with the DTB loaders) finished in about 50 s
# each with the same single-operation counts as the 2-hart boot. The split is kept.
# The vCPU cycles (1 to 8 harts) run in a 64-hart boot in both modes: QEMU -icount
# divides each slice by the number of vCPUs, so with 64 of them a round of 8
# participants stays well inside the pacing deadline (bench/fw/bench_relax.h); with
# 8 vCPUs and 8 participants a deadline could pass and one hart's spin ran for
# millions of instructions.
vcpu_smp=64
if [ "$QUICK" = 1 ]; then
	bench_smp=9 boot_sizes="1 4" boot_runs=1 host_ms=90
else
	bench_smp=65 boot_sizes="1 4 16 64 128 256 512" boot_runs=3 host_ms=900
fi
dtb_sizes="1 4 16 64 128 256 512"

# bench_fw DIR [make variables...]: one bench firmware variant.
bench_fw() {
	local dir=$1; shift
	make --no-print-directory -s bench-firmware BENCH_BUILD="$dir" "$@" \
		>"$OUT/logs/build-$(basename "$dir").log" 2>&1 ||
		{ echo "bench: building $dir failed, see $OUT/logs/build-$(basename "$dir").log" >&2; exit 1; }
}

# collect LOG PREFIX [METRIC...]: "bench: metric=value unit" lines into $raw, the
# metric renamed PREFIX_metric; with METRICs only those.
collect() {
	local log=$1 prefix=$2; shift 2
	local want=" $* "
	sed -nE 's/^bench: ([a-z0-9_]+)=([0-9.]+) ([a-z]+)$/\1 \2 \3/p' "$log" |
		while read -r m v u; do
			[ $# -gt 0 ] && [[ $want != *" $m "* ]] && continue
			echo "${prefix:+${prefix}_}$m $v $u"
		done >>"$raw"
}

icount_boot() { # FWDIR SMP LOG [qemu args...]
	local fw=$1 smp=$2 log=$3; shift 3
	tools/boot.sh --boot bare --smp "$smp" --timeout 600 --fw "$fw/firmware.elf" \
		-- -icount shift=0 "$@" >"$log" 2>&1 ||
		{ echo "bench: boot of $fw with $smp harts failed, see $log" >&2; exit 1; }
	grep -q '^bench: done' "$log" ||
		{ echo "bench: $log has no 'bench: done'" >&2; exit 1; }
}

# ---- the firmware as built for QEMU virt (Zba/Zbb, quirk on) ------------------------
# Two boots: single operations, SGEI and discovery on 2 harts, contention on many.
echo "bench: building the bench firmware"
bench_fw "$OUT/fw" BENCH_DEFS=-DFW_BENCH_OPS_ONLY
bench_fw "$OUT/fw-contention" BENCH_DEFS=-DFW_BENCH_CONTENTION_ONLY
bench_fw "$OUT/fw-vcpu" BENCH_DEFS=-DFW_BENCH_VCPU_ONLY
loader=() slot=0
for n in $dtb_sizes; do
	f=$OUT/dtb/smp$n.dtb
	[ -s "$f" ] || "$QEMU" -machine "virt,aia=aplic-imsic,aia-guests=7,dumpdtb=$f" -smp "$n" \
		-m 256M -nographic >/dev/null 2>&1 </dev/null
	# bench/fw/bench_discovery.c: slot k at 0x8c000000 + k MiB.
	loader+=(-device "loader,file=$f,addr=$(printf '0x%x' $((0x8c000000 + slot * 0x100000))),force-raw=on")
	slot=$((slot + 1))
done
echo "bench: single operations and discovery, 2 harts under -icount shift=0"
icount_boot "$OUT/fw" 2 "$OUT/logs/bench.log" "${loader[@]}"
collect "$OUT/logs/bench.log" ""
echo "bench: contention, $bench_smp harts under -icount shift=0"
icount_boot "$OUT/fw-contention" "$bench_smp" "$OUT/logs/bench-contention.log"
collect "$OUT/logs/bench-contention.log" ""
echo "bench: vCPU cycles, 1 to 8 of $vcpu_smp harts under -icount shift=0"
icount_boot "$OUT/fw-vcpu" "$vcpu_smp" "$OUT/logs/bench-vcpu.log"
collect "$OUT/logs/bench-vcpu.log" ""

# ---- variants: quirk off (what hardware gets), no Zbb (a hart without it) ----------
ops="alloc_local_instr free_local_instr alloc_remote_instr free_remote_instr arm_instr
     disarm_instr sgei_store_to_callback_instr trap_roundtrip_instr
     swfile_delivery_instr swfile_claim_instr promote_instr demote_instr"
if [ "$QUICK" != 1 ]; then
	imac="-march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany"
	for v in noquirk imac imac_noquirk; do
		args=(BENCH_DEFS=-DFW_BENCH_OPS_ONLY)
		[[ $v == *noquirk* ]] && args+=(PLATFORM_CFLAGS=)
		[[ $v == imac* ]] && args+=("FW_ARCH=$imac")
		echo "bench: variant $v"
		bench_fw "$OUT/fw-$v" "${args[@]}"
		icount_boot "$OUT/fw-$v" 2 "$OUT/logs/bench-$v.log"
		# shellcheck disable=SC2086
		collect "$OUT/logs/bench-$v.log" "$v" $ops
	done
fi

# ---- boot-to-report wall time of the normal firmware (several runs: wall time) -----
for n in $boot_sizes; do
	times=()
	for ((r = 0; r < boot_runs; r++)); do
		log=$OUT/logs/boot-smp$n-$r.log
		t0=$(date +%s%N)
		tools/boot.sh --smp "$n" --timeout 600 --fw "$BUILD/firmware.elf" >"$log" 2>&1 ||
			{ echo "bench: boot of $n harts failed, see $log" >&2; exit 1; }
		times+=($((($(date +%s%N) - t0) / 1000000)))
	done
	sorted=($(printf '%s\n' "${times[@]}" | sort -n))
	echo "boot_${n}h_wall_ms ${sorted[$((boot_runs / 2))]} ms" >>"$raw"
	echo "boot_${n}h_wall_min_ms ${sorted[0]} ms" >>"$raw"
	echo "boot_${n}h_wall_max_ms ${sorted[$((boot_runs - 1))]} ms" >>"$raw"
	echo "bench: boot $n harts: ${times[*]} ms"
done

# ---- footprint of lib/hgei as built for the target --------------------------------
python3 bench/footprint.py "$BUILD"/lib/qemu/lib/hgei/*.o "$BUILD"/lib/riscv64/lib/hgei/dt/*.o >>"$raw"
python3 bench/footprint.py --archive "$BUILD/libhgei.a" >>"$raw"

# ---- AMOs and fences on each path of the shipped library ---------------------------
python3 tools/count_atomics.py "$BUILD/libhgei.a" >>"$raw"
python3 tools/count_atomics.py --table "$BUILD/libhgei.a" >"$OUT/logs/atomics.txt"

# ---- host microbenchmark ------------------------------------------------------------
"$BUILD/bench/host-bench" -m "$host_ms" >"$OUT/logs/host.log"
collect "$OUT/logs/host.log" ""

python3 bench/report.py "$raw" "$OUT"
echo "bench: wrote $OUT/results.csv, $OUT/results.md, $OUT/scaling.png"
