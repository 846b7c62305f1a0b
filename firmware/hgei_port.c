/* SPDX-License-Identifier: BSD-2-Clause */
/* The runtime's side of lib/hgei's port layer (include/hgei_port.h). */
#include <stdarg.h>
#include <stdio.h>
#include "fw.h"
#include "hgei_port.h"
#include "sbi.h"

uint32_t hgei_port_hartid(void)
{
	return fw_self->hartid;
}

/* The SBI ecall orders the caller's earlier writes before the IPI it sends. */
void hgei_port_kick(uint32_t hartid)
{
	sbi_send_ipi(1, hartid);
}

void hgei_port_log(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fw_printf("%s\n", buf);
}
