#!/usr/bin/env bash
# make debug's promise (README, "Debugging with gdb"), on both boot paths: QEMU started
# halted by tools/boot.sh --gdb (what make debug runs), the gdb-multiarch command it
# prints, run as printed in batch mode: a breakpoint on hgei_handle_sgei is reached
# once the MSI self-test raises SGEIs; the backtrace names hgei_handle_sgei, the trap
# vector's frame and, unwound through it to sepc (firmware/trap_vector.h's CFI), the
# interrupted code down to the hart's fw_hart_main; print of the
# hart's struct hgei_hart works and it is that hart's (hartid = gdb's thread, the
# struct inside fw_harts[]); on the bare path the M-mode layer's symbols are loaded
# too (a breakpoint on mm_cold_boot is hit first).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
out=$BUILD/test-logs/qemu-debug
mkdir -p "$out"
passed=0 failed=0
smp=2 guests=7

# check NAME LOG STATUS: counts STATUS (the $? of the checks before it).
check() {
	if [ "$3" -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $1: see $2"
	fi
}

# A port nobody listens on now; QEMU may still lose it to someone else, which
# run_debug notices (QEMU exits) and retries with another.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

listening() { [ -n "$(ss -ltnH "sport = :$1" 2>/dev/null)" ]; }

# QEMU's CPU time in seconds.
cpu_seconds() {
	awk -v t="$(getconf CLK_TCK)" '{ print int(($14 + $15) / t) }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# gdb_script BOOT: the commands the test gives the printed gdb command.
gdb_script() {
	cat <<'EOF'
set pagination off
set confirm off
EOF
	# The M-mode layer's symbols: its cold boot runs first, on the lottery's winner.
	[ "$1" = bare ] && cat <<'EOF'
break mm_cold_boot
continue
bt 1
delete
EOF
	cat <<EOF
break hgei_handle_sgei
continue
bt
print *h
printf "same_hart=%d\\n", h->hartid == \$_thread - 1
printf "in_fw_harts=%d\\n", h == &fw_harts[h->hartid].hgei
printf "lines=%d\\n", h->nr_lines
frame 1
info symbol \$pc
frame 2
printf "frame2_pc_is_sepc=%d\\n", \$pc == \$sepc
EOF
}

# run_debug BOOT: one debugging session; leaves $out/BOOT-qemu.log and BOOT-gdb.log.
run_debug() {
	local boot=$1 qlog=$out/$1-qemu.log glog=$out/$1-gdb.log cmds=$out/$1.gdb
	local port qpid gpid cmd try start cpu why=
	# As tools/boot.sh --timeout auto: a budget of QEMU CPU time, not wall clock, so a
	# loaded machine gives a slow pass; a cap of four times that in wall clock ends a
	# QEMU that hangs without spending any.
	local cpu_budget=$((120 + (smp + 1) / 2)) wall_cap
	wall_cap=$((4 * cpu_budget))
	gdb_script "$boot" >"$cmds"
	: >"$glog"
	for try in 1 2 3; do
		port=$(free_port)
		# boot.sh execs QEMU once it has printed the gdb command: $! is QEMU.
		tools/boot.sh --boot "$boot" --smp $smp --guests $guests \
			--fw "$BUILD/firmware.elf" --gdb "$port" </dev/null >"$qlog" 2>&1 &
		qpid=$!
		start=$SECONDS
		until listening "$port" || ! kill -0 $qpid 2>/dev/null ||
			[ $((SECONDS - start)) -ge 60 ]; do
			sleep 0.2
		done
		listening "$port" && break
		kill -KILL $qpid 2>/dev/null
		wait $qpid 2>/dev/null
		echo "debug: $boot: QEMU did not listen on port $port (try $try)" >>"$glog"
		qpid=
	done
	[ -n "$qpid" ] || return 1
	cmd=$(sed -n 's/^gdb: //p' "$qlog")
	[ -n "$cmd" ] || { echo "debug: boot.sh printed no gdb command" >>"$glog"; }
	# The printed command, as a person would paste it (it quotes its -ex argument).
	eval "$cmd -batch -x \"\$cmds\"" </dev/null >>"$glog" 2>&1 &
	gpid=$!
	start=$SECONDS
	while kill -0 $gpid 2>/dev/null; do
		sleep 1
		cpu=$(cpu_seconds $qpid)
		if [ "${cpu:-0}" -ge $cpu_budget ]; then
			why="${cpu_budget}s of QEMU CPU time"
		elif [ $((SECONDS - start)) -ge $wall_cap ]; then
			why="${wall_cap}s (QEMU used ${cpu:-0}s of CPU)"
		else
			continue
		fi
		# gdb ends when its remote side goes away.
		kill -KILL $qpid 2>/dev/null
		sleep 5
		kill -KILL $gpid 2>/dev/null
		break
	done
	wait $gpid 2>/dev/null
	# gdb detached at its end; the firmware would run on to its report.
	kill -KILL $qpid 2>/dev/null
	wait $qpid 2>/dev/null
	[ -n "$why" ] && echo "debug: $boot: timed out after $why" >>"$glog"
	return 0
}

for boot in sbi bare; do
	glog=$out/$boot-gdb.log
	run_debug "$boot"
	grep -q "hit Breakpoint [0-9]*, hgei_handle_sgei (h=0x" "$glog"
	check "$boot: breakpoint on hgei_handle_sgei" "$glog" $?
	# Frame 0 the handler, frame 1 the vector (a trap frame, which gdb shows as a
	# signal handler's), then the hart's own code below the trap.
	grep -q '^#0  hgei_handle_sgei (h=0x' "$glog" &&
		grep -qx '#1  <signal handler called>' "$glog" &&
		grep -qE '^fw_trap_vector \+ [0-9]+ in section \.text' "$glog" &&
		grep -qE '^#[0-9]+ +(0x[0-9a-f]+ in )?fw_hart_main \(' "$glog"
	check "$boot: backtrace hgei_handle_sgei <- trap frame (fw_trap_vector) <- ... fw_hart_main" "$glog" $?
	# The vector's frame unwinds to the interrupted instruction (sepc), not to the
	# interrupted function's caller (ra): firmware/trap_vector.h's CFI.
	grep -qx 'frame2_pc_is_sepc=1' "$glog"
	check "$boot: the frame below the vector is at sepc" "$glog" $?
	grep -qE "^\\\$[0-9]+ = \{owners = \{.*hartid = [0-9]+,.*online = 1 .*nr_lines = $guests " "$glog" &&
		grep -qx "lines=$guests" "$glog"
	check "$boot: print *h (struct hgei_hart)" "$glog" $?
	grep -qx 'same_hart=1' "$glog" && grep -qx 'in_fw_harts=1' "$glog"
	check "$boot: the struct is the trapping hart's" "$glog" $?
	if [ "$boot" = bare ]; then
		grep -q 'hit Breakpoint 1, mm_cold_boot (hartid=' "$glog" &&
			grep -qE '^#0  mm_cold_boot \(hartid=' "$glog"
		check "bare: M-mode layer's symbols (mm_cold_boot)" "$glog" $?
	fi
done

echo "qemu-debug: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
