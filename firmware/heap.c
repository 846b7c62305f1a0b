/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A bump allocator over the RAM after the image, used by the boot hart only, before
 * any other hart starts (per-hart stacks, TLS, state, the discovery table). It stops
 * short of the devicetree blob when the blob lies above the image.
 */
#include <string.h>
#include <libfdt.h>
#include "fw.h"

extern char __fw_end[];

static uintptr_t heap_next, heap_limit;

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;

	while (cells-- > 0)
		v = (v << 32) | fdt32_to_cpu(*p++);
	return v;
}

/* End of the /memory region holding the image, or 0 when the devicetree says nothing. */
static uintptr_t ram_end_around(const void *dtb, uintptr_t addr)
{
	int ac = fdt_address_cells(dtb, 0), sc = fdt_size_cells(dtb, 0);
	int node, len;

	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return 0;
	fdt_for_each_subnode(node, dtb, 0) {
		const char *type = fdt_getprop(dtb, node, "device_type", NULL);
		const fdt32_t *reg = fdt_getprop(dtb, node, "reg", &len);

		if (!type || strcmp(type, "memory") || !reg)
			continue;
		for (; len >= (ac + sc) * 4; len -= (ac + sc) * 4, reg += ac + sc) {
			uint64_t base = read_cells(reg, ac), size = read_cells(reg + ac, sc);

			if (addr >= base && addr - base < size)
				return (uintptr_t)(base + size);
		}
	}
	return 0;
}

void fw_heap_init(const void *dtb)
{
	uintptr_t dtb_start = (uintptr_t)dtb;

	heap_next = (uintptr_t)__fw_end;
	heap_limit = ram_end_around(dtb, heap_next);
	if (!heap_limit)
		fw_fatal("no /memory node covers the image end %#lx\n", (unsigned long)heap_next);
	if (dtb_start >= heap_next && dtb_start < heap_limit)
		heap_limit = dtb_start;
}

void *fw_heap_alloc(size_t size, size_t align)
{
	uintptr_t p = (heap_next + align - 1) & ~(uintptr_t)(align - 1);

	if (p < heap_next || p + size < p || p + size > heap_limit)
		fw_fatal("out of RAM: %zu bytes wanted, %lu left\n", size,
			 (unsigned long)(heap_limit - heap_next));
	heap_next = p + size;
	return memset((void *)p, 0, size);
}
