# ---- stress (issue #6): tests/qemu/stress.sh for longer than make test's 8 s --------
STRESS_SECONDS	?= 60
STRESS_SMP	?= 16
.PHONY: stress
stress: setup
	@STRESS_SECONDS=$(STRESS_SECONDS) STRESS_SMP=$(STRESS_SMP) BUILD=$(BUILD) \
		tests/qemu/stress.sh

# ---- hotplug (issue #16): tests/qemu/hotplug.sh for longer than make test's 60 cycles ----
# At least HOTPLUG_CYCLES stop/start cycles and at least HOTPLUG_SECONDS of them, on
# OpenSBI 1.5.1, OpenSBI 1.9 and bare (make test: 1.5.1 and bare).
HOTPLUG_SECONDS	?= 60
HOTPLUG_CYCLES	?= 60
.PHONY: hotplug
hotplug: setup setup-opensbi19
	@HOTPLUG_SECONDS=$(HOTPLUG_SECONDS) HOTPLUG_CYCLES=$(HOTPLUG_CYCLES) BUILD=$(BUILD) \
		HOTPLUG_OPENSBI19=1 tests/qemu/hotplug.sh

