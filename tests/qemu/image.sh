#!/usr/bin/env bash
# The flashable image (make image): OpenSBI fw_dynamic and the payload in one binary,
# booted with -bios build/hartgei.img and no -kernel. It must boot every time: 20 boots
# of 4 harts and one of 33 (the most OpenSBI 1.5.1 starts), each with every hart up,
# the self-test passed and QEMU's exit status 0.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
out=$BUILD/test-logs/qemu-image
mkdir -p "$out"
passed=0 failed=0
img=$BUILD/hartgei.img

boot_image() {
	local name=$1 smp=$2 log=$out/$1.log rc
	tools/boot.sh --boot sbi --smp "$smp" --guests 7 --bios "$img" >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -q "^summary: harts=$smp up=$smp failed=0 " "$log" &&
	   grep -q '^status: PASS' "$log" && grep -aq 'Domain0 Next Address *: 0x0*80200000' "$log"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $name: exit $rc, see $log"
	fi
}

if [ ! -f "$img" ]; then
	echo "FAIL no $img (make image)"
	echo "qemu-image: 0 passed, 1 failed"
	exit 1
fi
start=$SECONDS
for i in $(seq 1 20); do
	boot_image "smp4-$i" 4
done
boot_image smp33 33
echo "image: $passed of 21 boots passed in $((SECONDS - start)) s"
echo "qemu-image: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
