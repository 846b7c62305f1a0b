#!/usr/bin/env bash
# The bare boot path's own promises (the catalogue in topologies.sh covers its
# self-test): HS-mode cannot read the M-mode layer's memory (PMP: a load from it
# must fault with scause 5 and end the run as FATAL), nor store to the devices only
# M-mode may drive (another hart's MSIP, an mtimecmp, the M-level IMSIC file, the
# M-level APLIC: scause 7, FATAL; the same builds booted on OpenSBI show that it
# closes them too, docs/boot-paths.md), an unexpected exception exits
# non-zero through the M-mode layer too, and a request for more harts than the
# firmware may start (SMP > QEMU's 512 is refused by QEMU) is not silently trimmed:
# every hart of the largest machine reports.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
out=$BUILD/test-logs/qemu-bare
mkdir -p "$out"
passed=0 failed=0

pass() { passed=$((passed + 1)); echo "ok $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# fatal_case NAME DEFS PATTERN [PATHS]: a firmware built with DEFS must exit non-zero
# (not by timeout) and print PATTERN on each boot path of PATHS (default: bare).
fatal_case() {
	local name=$1 defs=$2 pattern=$3 paths=${4:-bare} dir=$BUILD/bare-$1 rc path
	if ! make --no-print-directory -s firmware firmware-m BUILD="$dir" FW_DEFS="$defs" \
		>"$out/$name-build.log" 2>&1; then
		fail "$name: build failed, see $out/$name-build.log"
		return
	fi
	for path in $paths; do
		tools/boot.sh --boot "$path" --smp 2 --fw "$dir/firmware.elf" \
			>"$out/$name-$path.log" 2>&1
		rc=$?
		if [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -qE "$pattern" "$out/$name-$path.log"; then
			pass "$name ($path) exits $rc"
		else
			fail "$name ($path): exit $rc, see $out/$name-$path.log"
		fi
	done
}

# The M-only devices of the 2-hart machine, read from QEMU's own devicetree for it
# (not from fixed addresses): prints "KIND ADDRESS" per device.
m_only_devices() {
	local dtb=$out/virt2.dtb n compat reg irq parent m_imsic=
	qemu-system-riscv64 -machine "virt,aia=aplic-imsic,aia-guests=7,dumpdtb=$dtb" \
		-smp 2 -m 256M -nographic >/dev/null 2>&1 </dev/null || return 1
	for n in $(fdtget -l "$dtb" /soc); do
		compat=$(fdtget "$dtb" "/soc/$n" compatible 2>/dev/null)
		irq=$(fdtget -t x "$dtb" "/soc/$n" interrupts-extended 2>/dev/null | cut -d' ' -f2)
		case " $compat " in *" riscv,imsics "*) [ "$irq" = b ] &&
			m_imsic=$(fdtget -t x "$dtb" "/soc/$n" phandle) ;; esac
	done
	for n in $(fdtget -l "$dtb" /soc); do
		compat=$(fdtget "$dtb" "/soc/$n" compatible 2>/dev/null)
		reg=$(fdtget -t x "$dtb" "/soc/$n" reg 2>/dev/null | cut -d' ' -f2)
		irq=$(fdtget -t x "$dtb" "/soc/$n" interrupts-extended 2>/dev/null | cut -d' ' -f2)
		parent=$(fdtget -t x "$dtb" "/soc/$n" msi-parent 2>/dev/null)
		case " $compat " in
		*" riscv,clint0 "*)
			# hart 1's MSIP word and hart 0's mtimecmp (ACLINT layout)
			printf 'mswi 0x%x\nmtimer 0x%x\n' $((0x$reg + 4)) $((0x$reg + 0x4000)) ;;
		*" riscv,imsics "*) [ "$irq" = b ] && echo "m-imsic 0x$reg" ;;
		*" riscv,aplic "*) [ -n "$m_imsic" ] && [ "$parent" = "$m_imsic" ] &&
			echo "m-aplic 0x$reg" ;;
		esac
	done
}

# The reset vector, the M-mode layer's first word (MM_BASE in mk/mmode.mk).
fatal_case pmp-probe -DFW_TEST_MMODE_PROBE=0x80000000 \
	'FATAL: hart [0-9]+: unexpected trap scause 0x5 .* stval 0x80000000'
fatal_case crash -DFW_TEST_ILLEGAL_INSN 'FATAL: hart [0-9]+: unexpected trap scause 0x2 '

devices=$(m_only_devices)
if [ "$(echo "$devices" | awk 'NF == 2' | cut -d' ' -f1 | sort | tr '\n' ' ')" != \
	"m-aplic m-imsic mswi mtimer " ]; then
	fail "M-only devices not all found in QEMU's devicetree: $devices"
else
	while read -r kind addr; do
		fatal_case "store-$kind" "-DFW_TEST_HS_STORE=$addr" \
			"FATAL: hart [0-9]+: unexpected trap scause 0x7 .* stval $addr" "bare sbi"
	done <<<"$devices"
fi
# The report names what the PMP closed, and the machine still boots.
if tools/boot.sh --boot bare --smp 4 >"$out/closed.log" 2>&1 &&
	[ "$(grep -c '^hartgei-m: closed to HS: ' "$out/closed.log")" -ge 3 ]; then
	pass "closed regions reported, boot passes"
else
	fail "closed regions report, see $out/closed.log"
fi

# QEMU itself refuses more than 512 harts: the run must fail, not boot fewer.
if tools/boot.sh --boot bare --smp 513 --fw "$BUILD/firmware.elf" \
	>"$out/smp513.log" 2>&1; then
	fail "smp513 booted, see $out/smp513.log"
else
	pass "smp513 refused"
fi

echo "qemu-bare: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
