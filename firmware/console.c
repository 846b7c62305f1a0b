/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Console output through SBI. Each fw_printf() formats into a buffer on the caller's
 * stack and hands the whole line to SBI DBCN in one call, so lines from different
 * harts never interleave character by character and no lock of ours is involved.
 * Without DBCN (OpenSBI 1.1) it falls back to the legacy putchar, one character a call.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include "fw.h"
#include "sbi.h"

/* Written once by the boot hart before any other hart starts; SBI hart_start orders
 * that write before the started hart's first instruction. */
static bool have_dbcn;

void fw_console_init(void)
{
	have_dbcn = sbi_probe(SBI_EXT_DBCN) != 0;
}

static void console_write(const char *s, size_t len)
{
	if (have_dbcn) {
		while (len) {
			struct sbiret r = sbi_ecall(SBI_EXT_DBCN, 0, len, (unsigned long)s, 0);

			if (r.error || r.value <= 0 || (size_t)r.value > len)
				break;
			s += r.value;
			len -= (size_t)r.value;
		}
		if (!len)
			return;
	}
	while (len--)
		sbi_putchar(*s++);
}

void fw_vprintf(const char *fmt, va_list ap)
{
	char buf[256];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	console_write(buf, (size_t)n);
}

void fw_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fw_vprintf(fmt, ap);
	va_end(ap);
}
