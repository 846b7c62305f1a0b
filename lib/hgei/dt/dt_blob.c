/* SPDX-License-Identifier: BSD-2-Clause */
/* Blob validation and the property readers every dt*.c file shares. */
#include "dt_internal.h"

/*
 * libfdt trusts the header's totalsize for every later bounds check, so a blob that
 * claims more bytes than the caller has must be refused here, before any walk.
 */
int dt_check_blob(const void *fdt, size_t size)
{
	int err;

	if (!fdt || size < sizeof(struct fdt_header))
		return -FDT_ERR_TRUNCATED;
	/* The spec's alignment; libfdt reads the header through a struct pointer. */
	if ((uintptr_t)fdt & 7)
		return -FDT_ERR_ALIGNMENT;
	err = fdt_check_header(fdt);
	if (err)
		return err;
	if (fdt_totalsize(fdt) > size)
		return -FDT_ERR_TRUNCATED;
	/* libfdt loads tags as aligned words: a corrupt offset must not misalign them. */
	if ((fdt_off_dt_struct(fdt) & 3) || (fdt_off_mem_rsvmap(fdt) & 7))
		return -FDT_ERR_BADSTRUCTURE;
	/* Every error without a better node names the root (offset 0): it must exist. */
	if (!fdt_get_name(fdt, 0, NULL))
		return -FDT_ERR_BADSTRUCTURE;
	return 0;
}

/* Whether @name is a string property equal to @value. */
bool dt_prop_is(const void *fdt, int node, const char *name, const char *value)
{
	struct dt_prop p = { .name = name };

	p.val = fdt_getprop(fdt, node, name, &p.len);
	return dt_prop_str_is(&p, value);
}

bool dt_node_okay(const void *fdt, int node)
{
	struct dt_prop status = { .name = "status" };

	status.val = fdt_getprop(fdt, node, "status", &status.len);
	return dt_prop_okay(&status);
}

/* A 1- or 2-cell big-endian number; callers bound @n to 1..2. */
uint64_t dt_cells(const fdt32_t *p, uint32_t n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 32) | fdt32_ld(p++);
	return v;
}

/* Records why dt_check_blob() refused the blob, in the words a user can act on. */
void dt_blob_error(struct dt_ctx *c, size_t size, int err)
{
	if (err == -FDT_ERR_ALIGNMENT)
		dt_error(c, -1, HGEI_DT_NO_HART, -HGEI_EBADF,
			 "blob address not 8-byte aligned");
	else if (err == -FDT_ERR_TRUNCATED && c->fdt && size >= sizeof(struct fdt_header))
		dt_error(c, -1, HGEI_DT_NO_HART, -HGEI_EBADF,
			 "truncated blob: header says %u bytes, %lu given",
			 (unsigned)fdt_totalsize(c->fdt), (unsigned long)size);
	else
		dt_error(c, -1, HGEI_DT_NO_HART, -HGEI_EBADF,
			 "not a devicetree blob: %s", fdt_strerror(err));
}
