# ---- image: one flashable binary, OpenSBI fw_dynamic + the payload ------------------
# build/hartgei.img boots with -bios build/hartgei.img and no -kernel: a head page at
# IMAGE_BASE (platform/qemu-virt/image/head.S), Debian's OpenSBI 1.5.1 fw_dynamic right
# after it, the payload at FW_BASE. Why not fw_jump: see head.S. OPENSBI=1.9 builds
# build/hartgei-opensbi-1.9.img around 1.9's fw_dynamic instead.
IMAGE_BASE	?= 0x80000000
ifeq ($(OPENSBI),1.9)
OPENSBI_FW	?= $(BUILD)/opensbi-1.9/fw_dynamic.bin
IMAGE		:= $(BUILD)/hartgei-opensbi-1.9.img
IMAGE_DIR	:= $(BUILD)/image-opensbi-1.9
else
OPENSBI_FW	?= /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
IMAGE		:= $(BUILD)/hartgei.img
IMAGE_DIR	:= $(BUILD)/image
endif

.PHONY: image
image: $(IMAGE)
$(IMAGE): $(BUILD)/firmware.elf $(OPENSBI_FW) platform/qemu-virt/image/head.S \
		platform/qemu-virt/image/image.ld
	@mkdir -p $(IMAGE_DIR)
	$(CROSS_COMPILE)objcopy -O binary $(BUILD)/firmware.elf $(IMAGE_DIR)/payload.bin
	cp $(OPENSBI_FW) $(IMAGE_DIR)/opensbi.bin
	cd $(IMAGE_DIR) && for b in payload opensbi; do \
		$(CROSS_COMPILE)objcopy -I binary -O elf64-littleriscv -B riscv $$b.bin $$b.o; done
	$(CROSS_COMPILE)gcc $(FW_ARCH) -DIMAGE_PAYLOAD=$(FW_BASE) -c -o $(IMAGE_DIR)/head.o \
		platform/qemu-virt/image/head.S
	$(CROSS_COMPILE)ld -T platform/qemu-virt/image/image.ld --defsym=IMAGE_BASE=$(IMAGE_BASE) \
		--defsym=IMAGE_PAYLOAD=$(FW_BASE) --no-warn-rwx-segments -o $(IMAGE_DIR)/hartgei-img.elf \
		$(IMAGE_DIR)/head.o $(IMAGE_DIR)/opensbi.o $(IMAGE_DIR)/payload.o
	$(CROSS_COMPILE)objcopy -O binary $(IMAGE_DIR)/hartgei-img.elf $@

