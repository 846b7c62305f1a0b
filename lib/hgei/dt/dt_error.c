/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Errors are values in the caller's table, not log lines: discovery may run before
 * any console exists, and the host tool prints them with the node's full path.
 */
#include <stdarg.h>
#include <stdio.h>
#include "dt_internal.h"

static void dt_verror(struct dt_ctx *c, int node, uint32_t hartid, int code,
		      const char *fmt, va_list ap)
{
	struct hgei_dt_table *t = c->t;
	struct hgei_dt_error *e;

	if (!c->first_err)
		c->first_err = code;
	if (t->nr_errors >= t->max_errors || !t->errors) {
		t->nr_errors_dropped++;
		return;
	}
	e = &t->errors[t->nr_errors++];
	e->node = node;
	e->hartid = hartid;
	e->code = code;
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
}

void dt_error(struct dt_ctx *c, int node, uint32_t hartid, int code,
	      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dt_verror(c, node, hartid, code, fmt, ap);
	va_end(ap);
}

/* The hart stays in the table, so the firmware knows it exists, but with no file. */
void dt_hart_error(struct dt_ctx *c, struct hgei_dt_hart *h, int code,
		   const char *fmt, ...)
{
	va_list ap;

	if (!h->err)
		h->err = code;
	h->dt_guest_files = 0;
	h->raw_guest_files = 0;
	va_start(ap, fmt);
	dt_verror(c, h->node, h->hartid, code, fmt, ap);
	va_end(ap);
}
