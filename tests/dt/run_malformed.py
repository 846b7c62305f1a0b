#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The malformed-devicetree catalogue (tests/dt/malformed/): every case is a DTS, or a
NAME.py that prints one, whose leading comment says what it must produce:

  // qemu: smp=4 guests=3     /include/ QEMU 10's own devicetree for that machine as
                              "qemu-smp4-g3.dts" (dumped and decompiled here); the
                              case then edits it with dtc's &{/path} overrides
  // blob: FIELD=VALUE ...    byte-level damage after dtc: truncate=N, magic=N,
                              totalsize+=N, version=N, off_dt_struct+=N
  // expect: exit=N           hgei-dt's exit status (0 clean, 1 errors, 2 not a DTB)
  // error: TEXT              one line per error, exactly as hgei-dt prints it after
                              "hgei-dt: " and as the firmware prints it after
                              "dt error: " (node path, "hart N: ", message, (CODE))
  // files: N N ...           guest files per hart, in hartid order (--json)
  // boot: bare sbi           boot the firmware with the blob on these paths: it must
                              print every error line, give each hart min(files,
                              guests) lines, pass its self-test and exit 0
  // handover: 0             boot under -icount, where hart 0 always wins the bare
                              path's M-mode lottery; hart 0 is not in the devicetree
                              and must hand the HS runtime over and stay parked
  // sbi: refuses             OpenSBI 1.5.1 stops before the payload: the sbi boot must
                              fail without reaching the firmware's report

Usage: run_malformed.py BUILD_DIR. Ends with "dt-malformed: N passed, N failed"."""
import fnmatch
import glob
import json
import os
import re
import signal
import struct
import subprocess
import sys
import time

build = sys.argv[1] if len(sys.argv) > 1 else "build"
top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
here = os.path.join(top, "tests", "dt", "malformed")
tool = os.path.join(build, "tools", "hgei-dt")
out = os.path.join(build, "malformed")
logs = os.path.join(build, "test-logs", "dt-malformed")
qemu = os.environ.get("QEMU", "qemu-system-riscv64")
passed = failed = 0

# FDT header fields the blob: directive may damage (big-endian u32 at these offsets).
HEADER = {"magic": 0, "totalsize": 4, "off_dt_struct": 8, "version": 20}


def check(ok, what):
	global passed, failed
	if ok:
		passed += 1
	else:
		failed += 1
		print("FAIL " + what)
	return ok


def header(text):
	"""The directives of a case's leading // comment block."""
	d = {"error": []}
	for line in text.splitlines():
		m = re.match(r"\s*//\s*([a-z]+):\s*(.*?)\s*$", line)
		if not m:
			if line.strip() and not line.strip().startswith("//"):
				break
			continue
		key, val = m.groups()
		if key == "error":
			d["error"].append(val)
		else:
			d[key] = val
	return d


def same_errors(got, want):
	"""Line by line; a '*' in an expected line matches what the case cannot fix
	(a blob size, a phandle dtc assigns)."""
	return len(got) == len(want) and all(
		fnmatch.fnmatchcase(g, w) if "*" in w else g == w for g, w in zip(got, want))


def base_dts(spec):
	"""QEMU's devicetree for 'smp=N guests=G', decompiled once into the include dir."""
	kv = dict(x.split("=") for x in spec.split())
	name = "qemu-smp%s-g%s" % (kv["smp"], kv["guests"])
	dtb = os.path.join(out, name + ".dtb")
	dts = os.path.join(out, name + ".dts")
	if not os.path.exists(dts):
		subprocess.run([qemu, "-machine", "virt,aia=aplic-imsic,aia-guests=%s,dumpdtb=%s"
				% (kv["guests"], dtb), "-smp", kv["smp"], "-m", "256M", "-nographic"],
			       stdin=subprocess.DEVNULL, capture_output=True)
		subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", "-o", dts, dtb], check=True)
	return kv


def damage(path, spec):
	blob = bytearray(open(path, "rb").read())
	for item in spec.split():
		m = re.match(r"([a-z_]+)(\+?=)(\d+|0x[0-9a-f]+)$", item)
		field, op, val = m.group(1), m.group(2), int(m.group(3), 0)
		if field == "truncate":
			del blob[val:]
			continue
		off = HEADER[field]
		old = struct.unpack(">I", blob[off:off + 4])[0]
		blob[off:off + 4] = struct.pack(">I", (old + val if op == "+=" else val) & 0xffffffff)
	open(path, "wb").write(blob)


def build_case(name, src):
	"""Returns (directives, dtb path), or None when the case does not compile."""
	text = open(src).read()
	if src.endswith(".py"):
		text = subprocess.run([sys.executable, src], capture_output=True, text=True,
				      check=True).stdout
		src = os.path.join(out, name + ".dts")
		open(src, "w").write(text)
	d = header(text)
	if "qemu" in d:
		d["machine"] = base_dts(d["qemu"])
	dtb = os.path.join(out, name + ".dtb")
	p = subprocess.run(["dtc", "-q", "-i", out, "-i", here, "-I", "dts", "-O", "dtb",
			    "-o", dtb, src], capture_output=True, text=True)
	if not check(p.returncode == 0, "%s: dtc: %s" % (name, p.stderr.strip())):
		return None
	if "blob" in d:
		damage(dtb, d["blob"])
	return d, dtb


def check_tool(name, d, dtb):
	want_rc = int(re.match(r"exit=(\d)", d.get("expect", "")).group(1))
	p = subprocess.run([tool, dtb], capture_output=True, text=True)
	got = [l[len("hgei-dt: "):] for l in p.stderr.splitlines()]
	check(p.returncode == want_rc, "%s: exit %d, want %d" % (name, p.returncode, want_rc))
	check(same_errors(got, d["error"]), "%s: errors\n  got  %s\n  want %s" % (name, got, d["error"]))
	# Every case is an error case: a catalogue entry that parses clean tests nothing.
	check(want_rc != 0 and d["error"], "%s: no error expected" % name)
	p = subprocess.run([tool, "--json", dtb], capture_output=True, text=True)
	try:
		harts = json.loads(p.stdout)["harts"]
	except ValueError:
		return check(False, "%s: --json output does not parse" % name)
	files = [h["dt_guest_files"] for h in harts]
	want = [int(x) for x in d.get("files", "").split()]
	check(files == want, "%s: guest files %s, want %s" % (name, files, want))
	# The boot check matches lines to harts by hartid: the harts the tool lists.
	d["hartids"] = [h["hartid"] for h in harts]


# What OpenSBI 1.5.1 prints when it refuses a devicetree before the payload.
REFUSAL = "init_coldboot: irqchip init failed"

def boot(name, d, dtb, path):
	m = d["machine"]
	log = os.path.join(logs, "%s-%s.log" % (name, path))
	refuse = d.get("sbi") == "refuses" and path == "sbi"
	# OpenSBI hangs after refusing: the run is ended once the refusal is in the log
	# (or boot.sh's own timeout, which scales with the harts), not after a fixed
	# few seconds a loaded machine may need just to get there.
	with open(log, "w") as f:
		proc = subprocess.Popen([os.path.join(top, "tools", "boot.sh"), "--boot", path,
					 "--smp", m["smp"], "--guests", m["guests"], "--dtb", dtb,
					 "--fw", os.path.join(build, "firmware.elf")] +
					# -icount runs the harts round-robin from hart 0, so hart 0
					# wins the lottery every time: the hand-over is always taken.
					(["--", "-icount", "shift=0"] if "handover" in d else []),
					stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
					start_new_session=True)
		while proc.poll() is None:
			if refuse and REFUSAL in open(log, errors="replace").read():
				os.killpg(proc.pid, signal.SIGTERM)
				break
			time.sleep(0.2)
		rc = proc.wait()
	text = open(log, errors="replace").read()
	if refuse:
		if check(rc != 0 and "hartgei:" not in text and
			 REFUSAL in text,
			 "%s sbi: OpenSBI was expected to refuse the blob (exit %d), see %s" %
			 (name, rc, log)):
			print("ok %s: OpenSBI refuses it before the payload" % name)
		return
	errs = [l[len("dt error: "):] for l in text.splitlines() if l.startswith("dt error: ")]
	lines = {}
	for l in text.splitlines():
		mm = re.match(r"hart=(\d+) index=.* lines=(-?\d+) ", l)
		if mm:
			lines[int(mm.group(1))] = int(mm.group(2))
	want = [min(int(x), int(m["guests"])) for x in d.get("lines", d["files"]).split()]
	# "lines:" counts every hart from 0; otherwise the harts hgei-dt lists.
	ids = list(range(len(want))) if "lines" in d else d.get("hartids", [])
	ok = check(rc == 0 and re.search(r"^status: PASS$", text, re.M) is not None and
		   re.search(r"^selftest: \d+ passed, 0 failed$", text, re.M) is not None,
		   "%s %s: exit %d, no clean PASS, see %s" % (name, path, rc, log))
	ok &= check(same_errors(errs, d["error"]), "%s %s: dt errors\n  got  %s\n  want %s" %
		    (name, path, errs, d["error"]))
	ok &= check(sorted(lines) == ids and [lines[h] for h in ids] == want,
		    "%s %s: lines %s, want %s on harts %s" % (name, path, lines, want, ids))
	# A hart the devicetree cannot name may win the M-mode lottery: it must say so
	# and hand the runtime over (mmode/boot.c), whichever hart it is.
	for hid in re.findall(r"^hartgei-m: hart (\d+): not in the devicetree", text, re.M):
		ok &= check(int(hid) not in ids, "%s %s: hart %s handed over but is listed" %
			    (name, path, hid))
	if "handover" in d:
		ok &= check(re.search(r"^hartgei-m: hart %s: not in the devicetree's CLINT "
				      r"contexts, hart \d+ runs the HS runtime" % d["handover"],
				      text, re.M) is not None,
			    "%s %s: no hand-over line for hart %s" % (name, path, d["handover"]))
	if ok:
		print("ok %s boots on %s: lines %s" % (name, path, want))


def main():
	os.makedirs(out, exist_ok=True)
	os.makedirs(logs, exist_ok=True)
	if not os.access(tool, os.X_OK):
		check(False, "%s missing (make tools)" % tool)
	cases = sorted(glob.glob(os.path.join(here, "*.dts")) +
		       glob.glob(os.path.join(here, "*.py")))
	boots = 0
	for src in cases:
		name = os.path.splitext(os.path.basename(src))[0]
		built = build_case(name, src)
		if not built:
			continue
		d, dtb = built
		check_tool(name, d, dtb)
		for path in d.get("boot", "").split():
			boot(name, d, dtb, path)
			boots += 1
	check(len(cases) >= 25, "only %d cases in the catalogue" % len(cases))
	print("%d cases, %d firmware boots" % (len(cases), boots))
	print("dt-malformed: %d passed, %d failed" % (passed, failed))
	return 1 if failed else 0


if __name__ == "__main__":
	sys.exit(main())
