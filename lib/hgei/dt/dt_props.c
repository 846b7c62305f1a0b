/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Several properties of one node in one pass. Every fdt_getprop() walks the node's
 * properties from the first, so reading a cpu's device_type, reg, status and
 * compatible and its intc's compatible, phandle and #interrupt-cells one call at a
 * time walked each node up to seven times; at 512 harts that was a quarter of
 * discovery.
 */
#include <string.h>
#include "dt_internal.h"

void dt_props_read(const void *fdt, int node, struct dt_prop *want, unsigned n)
{
	unsigned i, left = n;
	int off;

	for (i = 0; i < n; i++)
		want[i].val = NULL;
	fdt_for_each_property_offset(off, fdt, node) {
		const char *name = NULL;
		int len;
		const void *v = fdt_getprop_by_offset(fdt, off, &name, &len);

		/* A property whose name is unreadable matches nothing, as in fdt_getprop(). */
		if (!v || !name)
			continue;
		for (i = 0; i < n; i++) {
			/* The first of two same-named properties wins, as in fdt_getprop(). */
			if (want[i].val || strcmp(name, want[i].name))
				continue;
			want[i].val = v;
			want[i].len = len;
			if (!--left)
				return;
			break;
		}
	}
}

bool dt_prop_str_is(const struct dt_prop *p, const char *value)
{
	size_t n = strlen(value) + 1;

	return p->val && p->len >= 0 && (size_t)p->len == n && !memcmp(p->val, value, n);
}

/* No status means okay; "ok" is the older spelling some trees still carry. */
bool dt_prop_okay(const struct dt_prop *status)
{
	return !status->val || dt_prop_str_is(status, "okay") || dt_prop_str_is(status, "ok");
}

/* fdt_get_phandle()'s rule on values already read: "phandle", else "linux,phandle",
 * each only when it is one cell. */
uint32_t dt_prop_phandle(const struct dt_prop *phandle, const struct dt_prop *linux_phandle)
{
	if (phandle->val && phandle->len == 4)
		return fdt32_ld(phandle->val);
	if (linux_phandle->val && linux_phandle->len == 4)
		return fdt32_ld(linux_phandle->val);
	return 0;
}
