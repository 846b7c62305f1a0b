# The report's overcommit: line (docs/report.md, "The overcommit stage"), checked by
# tests/qemu/boot.sh and tests/qemu/topologies.sh: awk -f overcommit.awk -v smp=N LOG.
# Four vCPUs running the VS-mode test guest take 48 turns on the hart with the fewest
# lines while another hart sends them MSIs: every MSI claimed exactly once by the right
# vCPU. With lines every run is on one (a promote per switch onto a full hart, one per
# vCPU when there are enough, as many demotes) and blocked vCPUs woken by their line's
# SGEI; without, every run is on a software file, its accesses emulated, blocked vCPUs
# woken by the sender's doorbell. Prints what is wrong; exits 1 then. With one hart the line must say skip.
/^overcommit: / {
	seen = 1
	if (smp < 2) { if ($2 != "skip") bad = "want skip with one hart"; next }
	for (i = 2; i <= NF; i++) { split($i, kv, "="); m[kv[1]] = kv[2] }
	if (m["vcpus"] != 4 || m["turns"] != 48 || m["hw_runs"] + m["sw_runs"] != 48 ||
	    m["msis_sent"] != m["claimed"] || m["msis_sent"] < 48 || m["misclaimed"] != 0 ||
	    $NF != "pass")
		bad = "counts"
	else if (m["lines"] > 0 && (m["hw_runs"] != 48 || m["promotes"] != m["demotes"] ||
		 m["promotes"] != (m["lines"] >= m["vcpus"] ? m["vcpus"] : 48) ||
		 m["hw_wakes"] == 0))
		bad = "hardware runs, promotes/demotes or SGEI wakes"
	else if (m["lines"] == 0 && (m["sw_runs"] != 48 || m["promotes"] != 0 ||
		 m["emulated"] == 0 || m["sw_wakes"] == 0))
		bad = "software runs, emulation or doorbell wakes"
	if (bad) bad = bad ": " $0
}
END {
	if (!seen) bad = "no overcommit line"
	if (bad) { print "overcommit line wrong: " bad; exit 1 }
}
