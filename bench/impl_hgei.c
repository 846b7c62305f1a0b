/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lib/hgei behind the bench table: each entry is a tail call into the library, the
 * local calls for the entries that run on the line's hart, the remote calls for the
 * others (the benchmark knows which it makes, as a hypervisor does).
 */
#include "bench_impl.h"

static struct hgei_hart *harts[BENCH_MAX_HARTS];

static void h_init(unsigned index, uint32_t hartid, unsigned lines, uint64_t slot_pa,
		   struct hgei_hart *h)
{
	(void)hartid;
	(void)lines;
	(void)slot_pa;
	harts[index] = h;
}

static void *h_hart(unsigned index)
{
	return harts[index];
}

static int h_alloc(void *hart, void *owner, struct hgei_line *out)
{
	return hgei_alloc(hart, owner, out);
}

static int h_free(void *hart, unsigned line, void *owner)
{
	return hgei_free(hart, line, owner);
}

static int h_arm(void *hart, unsigned line, void *owner)
{
	return hgei_arm(hart, line, owner);
}

static int h_disarm(void *hart, unsigned line, void *owner)
{
	return hgei_disarm(hart, line, owner);
}

static int h_alloc_remote(void *hart, void *owner, struct hgei_line *out)
{
	return hgei_remote_alloc(hart, owner, out);
}

static int h_free_remote(void *hart, unsigned line, void *owner)
{
	return hgei_remote_free(hart, line, owner);
}

static int h_free_remote_post(void *hart, unsigned line, void *owner, struct hgei_req *req)
{
	return hgei_remote_free_async(hart, line, owner, req);
}

/* The library's own handler: the wake hook is the one hgei_hart_init() registered. */
static unsigned h_sgei(void *hart, const struct hgei_ops *ops)
{
	(void)ops;
	return hgei_handle_sgei(hart);
}

const struct bench_impl bench_hgei = {
	.name = "hgei",
	.init = h_init,
	.hart = h_hart,
	.alloc = h_alloc,
	.free = h_free,
	.arm = h_arm,
	.disarm = h_disarm,
	.alloc_remote = h_alloc_remote,
	.free_remote = h_free_remote,
	.free_remote_post = h_free_remote_post,
	.sgei = h_sgei,
};
