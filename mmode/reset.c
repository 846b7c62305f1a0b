/* SPDX-License-Identifier: BSD-2-Clause */
/* SBI SRST and this layer's own fatal exits, through QEMU's sifive_test device. */
#include "board.h"
#include "mmode.h"

static void __attribute__((noreturn)) test_device(uint32_t value)
{
	mm_console_flush();
	*(volatile uint32_t *)BOARD_TEST_DEVICE = value;
	/* QEMU acts on the write asynchronously; sleep until it does. */
	for (;;)
		__asm__ volatile("wfi");
}

void mm_shutdown(int failure_code)
{
	test_device(failure_code ? (uint32_t)failure_code << 16 | BOARD_TEST_FAIL
				 : BOARD_TEST_PASS);
}

void mm_reboot(void)
{
	test_device(BOARD_TEST_RESET);
}

void mm_die(const char *what, unsigned long hartid)
{
	struct mm_line l;

	l.len = 0;
	mm_line_str(&l, "hartgei-m: hart ");
	mm_line_dec(&l, hartid);
	mm_line_str(&l, ": ");
	mm_line_str(&l, what);
	mm_line_str(&l, "\n");
	mm_line_emit(&l);
	mm_shutdown(MM_EXIT_FATAL);
}

void mm_die_trap(struct mm_frame *f, uint64_t mcause)
{
	struct mm_line l;

	l.len = 0;
	mm_line_str(&l, "hartgei-m: hart ");
	mm_line_dec(&l, mm_csr_read(CSR_MHARTID));
	mm_line_str(&l, ": unexpected M-mode trap mcause ");
	mm_line_hex(&l, mcause);
	mm_line_str(&l, " mepc ");
	mm_line_hex(&l, mm_csr_read(CSR_MEPC));
	mm_line_str(&l, " mtval ");
	mm_line_hex(&l, mm_csr_read(CSR_MTVAL));
	mm_line_str(&l, " mstatus ");
	mm_line_hex(&l, mm_csr_read(CSR_MSTATUS));
	mm_line_str(&l, " ra ");
	mm_line_hex(&l, f->x[1]);
	mm_line_str(&l, "\n");
	mm_line_emit(&l);
	mm_shutdown(MM_EXIT_FATAL);
}
