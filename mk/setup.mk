# ---- set-up (installs only what is missing; tools/setup.sh) ------------------------
.PHONY: setup setup-host setup-target setup-opensbi19
setup: setup-host setup-target
setup-host:
	@BUILD=$(BUILD) tools/setup.sh host
setup-target:
	@BUILD=$(BUILD) tools/setup.sh target
	@LIBFDT_DIR=$(LIBFDT_DIR) tools/setup.sh libfdt
	$(if $(filter 1.9,$(OPENSBI)),@OPENSBI19_DIR=$(BUILD)/opensbi-1.9 tools/setup.sh opensbi19)
setup-opensbi19:
	@OPENSBI19_DIR=$(BUILD)/opensbi-1.9 tools/setup.sh opensbi19
$(LIBFDT_DIR)/libfdt.h:
	@LIBFDT_DIR=$(LIBFDT_DIR) tools/setup.sh libfdt
