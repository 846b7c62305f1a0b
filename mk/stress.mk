# ---- stress (issue #6): tests/qemu/stress.sh for longer than make test's 8 s --------
STRESS_SECONDS	?= 60
STRESS_SMP	?= 16
.PHONY: stress
stress: setup
	@STRESS_SECONDS=$(STRESS_SECONDS) STRESS_SMP=$(STRESS_SMP) BUILD=$(BUILD) \
		tests/qemu/stress.sh

