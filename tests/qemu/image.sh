#!/usr/bin/env bash
# The flashable images (make image, make image OPENSBI=1.9): OpenSBI fw_dynamic and the
# payload in one binary, booted with -bios and no -kernel. Each must boot every time:
# 20 boots of 4 harts and one of 33 (the most OpenSBI 1.5.1 starts), each with every
# hart up, the self-test passed and QEMU's exit status 0.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
out=$BUILD/test-logs/qemu-image
mkdir -p "$out"
passed=0 failed=0

boot_image() {
	local img=$1 name=$2 smp=$3 log=$out/$2.log rc
	tools/boot.sh --boot sbi --smp "$smp" --guests 7 --bios "$img" >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -q "^summary: harts=$smp up=$smp failed=0 " "$log" &&
	   grep -q '^status: PASS' "$log" && grep -aq 'Domain0 Next Address *: 0x0*80200000' "$log" &&
	   grep -aqE "^OpenSBI v${banner//./\\.}([^0-9.]|\$)" "$log"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $name: exit $rc, see $log"
	fi
}

for version in 1.5.1 1.9; do
	# The banner names major.minor only (1.5.1 prints v1.5).
	img=$BUILD/hartgei.img banner=1.5
	[ "$version" = 1.9 ] && img=$BUILD/hartgei-opensbi-1.9.img banner=1.9
	if [ ! -f "$img" ]; then
		echo "FAIL no $img (make image OPENSBI=$version)"
		failed=$((failed + 1))
		continue
	fi
	start=$SECONDS before=$passed
	for i in $(seq 1 20); do
		boot_image "$img" "opensbi-$version-smp4-$i" 4
	done
	boot_image "$img" "opensbi-$version-smp33" 33
	echo "image (OpenSBI $version): $((passed - before)) of 21 boots passed in $((SECONDS - start)) s"
done
echo "qemu-image: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
