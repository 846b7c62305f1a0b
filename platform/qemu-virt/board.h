/* SPDX-License-Identifier: BSD-2-Clause */
/* QEMU virt: the few fixed addresses the runtime needs that the devicetree does not give
 * (everything about IMSICs and harts comes from the devicetree). */
#ifndef PLATFORM_QEMU_VIRT_BOARD_H
#define PLATFORM_QEMU_VIRT_BOARD_H

/* sifive_test: writing (code << 16) | 0x3333 makes QEMU exit with status code. */
#define BOARD_TEST_DEVICE	0x100000UL
#define BOARD_TEST_FAIL		0x3333U
#define BOARD_TEST_PASS		0x5555U
#define BOARD_TEST_RESET	0x7777U

/* ns16550a, the console of the M-mode layer (mmode/); QEMU needs no set-up. */
#define BOARD_UART0		0x10000000UL

/* ACLINT mtimer (one socket): mtimecmp of hart h at + 8 * h. Only the bench touches it
 * from HS, on the bare boot path, to make QEMU -icount switch harts often. */
#define BOARD_ACLINT_MTIMECMP	0x2004000UL

#endif
