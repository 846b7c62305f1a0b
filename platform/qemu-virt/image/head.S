/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The first page of build/hartgei.img: every hart enters here from QEMU's reset vector
 * (a0 = hartid, a1 = DTB) and goes on into Debian's OpenSBI fw_dynamic, placed 256 KiB
 * in (image.ld), with a2 pointing at a fw_dynamic_info of our own that names the
 * payload (S-mode at IMAGE_PAYLOAD) and one preferred boot hart.
 *
 * Why not fw_jump: OpenSBI 1.5.1's fw_jump has no preferred boot hart, so every hart
 * runs its relocation lottery, an amoswap.w of 1 on the very word that later holds
 * BOOT_STATUS_BOOT_HART_DONE (2). A hart whose reset is scheduled late swaps 1 over the
 * 2, and it and every hart still waiting spin for 2 forever (seen: word 0x80040000 = 1
 * in a hung 4-hart boot, 2 of 6 boots hung). fw_dynamic with boot_hart set skips the
 * lottery: the other harts only wait. The boot hart is picked here by a lottery of our
 * own, on a word nothing else writes.
 */
#define FW_DYNAMIC_INFO_MAGIC	0x4942534f	/* "OSBI" */
#define FW_DYNAMIC_INFO_VERSION	2
#define PRV_S			1

	.section .text.head, "ax"
	.globl	image_head
image_head:
	la	t0, boot_lottery
	li	t1, 1
	amoswap.w t1, t1, (t0)
	bnez	t1, 1f
	la	t2, dynamic_info
	sd	a0, 40(t2)		/* boot_hart: the lottery winner */
	fence	rw, rw			/* boot_hart before ready */
	la	t0, boot_ready
	li	t1, 1
	sw	t1, 0(t0)
	j	2f
1:	la	t0, boot_ready
	lw	t1, 0(t0)
	beqz	t1, 1b
	fence	r, rw			/* ready before OpenSBI reads boot_hart */
2:	la	a2, dynamic_info
	la	t0, image_opensbi
	jr	t0

	.section .data.head, "aw"
	.balign	8
dynamic_info:				/* struct fw_dynamic_info */
	.dword	FW_DYNAMIC_INFO_MAGIC
	.dword	FW_DYNAMIC_INFO_VERSION
	.dword	IMAGE_PAYLOAD		/* next_addr */
	.dword	PRV_S			/* next_mode */
	.dword	0			/* options */
	.dword	-1			/* boot_hart, set above */
boot_lottery:
	.word	0
boot_ready:
	.word	0
