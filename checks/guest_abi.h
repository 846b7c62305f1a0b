/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the test guest (guest.S) and the HS-mode runtime agree on: where the guest's
 * pages sit in guest-physical space, the layout of its data page, and its ecalls.
 * Plain defines only: guest.S includes this file too.
 */
#ifndef FW_GUEST_ABI_H
#define FW_GUEST_ABI_H

/* Guest-physical map (Sv39x4). The code pages are mapped at their own address. The
 * IMSIC page sits where QEMU virt puts the S-level IMSIC, so the guest finds its
 * interrupt file where a virt kernel would look for it. */
#define GUEST_IMSIC_GPA		0x28000000
#define GUEST_RAM_GPA		0x80000000
#define GUEST_PAGE_SIZE		4096

/* The guest's data page (offsets in bytes); its stack grows down from the page end. */
#define GUEST_WAITING		0	/* 1 once the guest sits in its wait loop */
#define GUEST_CLAIMS		8	/* interrupts its vector has taken */
#define GUEST_ID		16	/* identity the last claim returned */
#define GUEST_SEPC		24	/* where the last interrupt found the guest */
#define GUEST_SCAUSE		32	/* scause the guest saw for it */
#define GUEST_INSTRET		40	/* instret read at the vector's second instruction */
#define GUEST_PENDING		48	/* a claim not yet reported to HS */
#define GUEST_ONE_AT_A_TIME	56	/* entry's a1 (fw_guest_entry_eie): the vector
					 * returns masked until the claim is reported */

/* Ecalls to HS (a7 = call, args in a0..a3); HS sees scause 10. */
#define GUEST_CALL_READY	1	/* a0 = eidelivery, a1 = eie0 as the guest reads them */
#define GUEST_CALL_CLAIMED	2	/* a0 = identity, a1 = sepc, a2 = scause, a3 = instret */

/* Entry registers: a0, a1 = the two identities to enable, a2 = GUEST_RAM_GPA.
 * fw_guest_entry_eie: a0 = the eie0 mask, a1 = GUEST_ONE_AT_A_TIME, a2 = as above. */

#endif
