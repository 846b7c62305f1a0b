/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Per-hart TLS. picolibc is built for local-exec TLS (errno lives there) and the
 * runtime keeps fw_self there too, so every hart's tp points at its own copy of the
 * .tdata/.tbss template. On RISC-V tp points at the first byte of the block.
 */
#include <string.h>
#include "fw.h"

extern char __tdata_start[], __tdata_size[], __tbss_offset[], __tbss_size[];
extern char __tls_block_size[], __tls_align[];

size_t fw_tls_size(void)
{
	return (size_t)__tls_block_size;
}

size_t fw_tls_align(void)
{
	return (size_t)__tls_align < 16 ? 16 : (size_t)__tls_align;
}

void fw_tls_init(void *block)
{
	memcpy(block, __tdata_start, (size_t)__tdata_size);
	memset((char *)block + (size_t)__tbss_offset, 0, (size_t)__tbss_size);
}
