/* SPDX-License-Identifier: BSD-2-Clause */
/* CSR access for the runtime. */
#ifndef FW_CSR_H
#define FW_CSR_H

#include <stdint.h>
/* CSR numbers and fields: include/hgei_riscv_enc.h, under their usual names. */
#define HGEI_ENC_SHORT_NAMES
#include "hgei_riscv_enc.h"
#include "hgei_arch_riscv.h"

/* The same inline CSR access lib/hgei uses. */
#define csr_read(csr)		hgei_csr_read(csr)
#define csr_write(csr, v)	hgei_csr_write(csr, v)
#define csr_set(csr, v)		hgei_csr_set(csr, v)
#define csr_clear(csr, v)	hgei_csr_clear(csr, v)

#endif
