/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include "board.h"
#include "fw.h"
#include "sbi.h"

static bool never(void *arg)
{
	(void)arg;
	return false;
}

/*
 * Success powers off through SBI SRST (QEMU exits 0). Failure must make QEMU exit
 * non-zero. The M-mode layer's SRST does that for a SYSFAIL shutdown, after printing
 * what other harts still have queued in its console ring. OpenSBI reports even a
 * SYSFAIL shutdown as a pass, so there the test device is written directly (OpenSBI's
 * console is synchronous: nothing is left to print). QEMU acts on that write
 * asynchronously: an SRST issued right after would overwrite the exit code, so wait a
 * second before falling back to SRST on a board whose test device did not stop it.
 */
void fw_exit(int code)
{
	if (code == 0 || sbi_impl_id() == SBI_IMPL_HARTGEI)
		sbi_shutdown(code != 0);
	*(volatile uint32_t *)BOARD_TEST_DEVICE = ((uint32_t)code << 16) | BOARD_TEST_FAIL;
	fw_wait_until(never, NULL, fw_time() + fw_timebase_hz);
	sbi_shutdown(1);
}

void fw_fatal(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fw_printf("FATAL: %s", buf);
	fw_exit(1);
}
