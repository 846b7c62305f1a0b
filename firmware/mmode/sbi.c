/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SBI dispatcher: the extensions the HS-mode runtime uses (firmware/sbi.c), nothing
 * else. Everything unknown returns SBI_ERR_NOT_SUPPORTED.
 */
#include "../sbi.h"
#include "mmode.h"

#define SBI_SPEC_VERSION	(2UL << 24)	/* 2.0 */
#define MM_SBI_IMPL_VERSION	1

#define SRST_SHUTDOWN		0
#define SRST_COLD_REBOOT	1
#define SRST_WARM_REBOOT	2
#define SRST_REASON_FAILURE	1

static long probe(unsigned long eid)
{
	switch (eid) {
	case SBI_EXT_LEGACY_PUTCHAR:
	case SBI_EXT_BASE:
	case SBI_EXT_TIME:
	case SBI_EXT_IPI:
	case SBI_EXT_HSM:
	case SBI_EXT_SRST:
	case SBI_EXT_DBCN:
		return 1;
	}
	return 0;
}

static long base(unsigned long fid, unsigned long a0, long *value)
{
	switch (fid) {
	case 0: *value = SBI_SPEC_VERSION; return SBI_SUCCESS;
	case 1: *value = SBI_IMPL_HARTGEI; return SBI_SUCCESS;
	case 2: *value = MM_SBI_IMPL_VERSION; return SBI_SUCCESS;
	case 3: *value = probe(a0); return SBI_SUCCESS;
	case 4: *value = mm_csr_read(CSR_MVENDORID); return SBI_SUCCESS;
	case 5: *value = mm_csr_read(CSR_MARCHID); return SBI_SUCCESS;
	case 6: *value = mm_csr_read(CSR_MIMPID); return SBI_SUCCESS;
	}
	return SBI_ERR_NOT_SUPPORTED;
}

/* Buffers are physical addresses (S runs with satp = 0 or must translate itself);
 * they must lie in RAM and outside this layer, which S-mode may not read through us. */
static long dbcn(unsigned long fid, unsigned long a0, unsigned long a1, unsigned long a2,
		 long *value)
{
	char c;

	switch (fid) {
	case 0:
	case 1:
		if (a2 || !mm_s_range_ok(a1, a0))
			return SBI_ERR_INVALID_PARAM;
		if (fid == 0)
			mm_console_write((const char *)a1, a0);
		*value = fid == 0 ? (long)a0 : (long)mm_console_read((char *)a1, a0);
		return SBI_SUCCESS;
	case 2:
		c = (char)a0;
		mm_console_write(&c, 1);
		return SBI_SUCCESS;
	}
	return SBI_ERR_NOT_SUPPORTED;
}

static long srst(unsigned long fid, unsigned long type, unsigned long reason)
{
	if (fid != 0)
		return SBI_ERR_NOT_SUPPORTED;
	if (type == SRST_SHUTDOWN)
		mm_shutdown(reason == SRST_REASON_FAILURE ? 1 : 0);
	if (type == SRST_COLD_REBOOT || type == SRST_WARM_REBOOT)
		mm_reboot();
	return SBI_ERR_INVALID_PARAM;
}

void mm_sbi_dispatch(struct mm_frame *f)
{
	unsigned long eid = f->x[MM_A7], fid = f->x[MM_A6];
	unsigned long a0 = f->x[MM_A0], a1 = f->x[MM_A1], a2 = f->x[MM_A2];
	long err = SBI_ERR_NOT_SUPPORTED, value = 0;
	char c;

	switch (eid) {
	case SBI_EXT_LEGACY_PUTCHAR:
		/* Legacy calls return in a0 only; a1 is left as it was. */
		c = (char)a0;
		mm_console_write(&c, 1);
		f->x[MM_A0] = 0;
		return;
	case SBI_EXT_BASE:
		err = base(fid, a0, &value);
		break;
	case SBI_EXT_DBCN:
		err = dbcn(fid, a0, a1, a2, &value);
		break;
	case SBI_EXT_HSM:
		if (fid == 0)
			err = mm_hsm_start(a0, a1, a2);
		else if (fid == 1)
			mm_hsm_stop();
		else if (fid == 2)
			err = mm_hsm_status(a0, &value);
		break;
	case SBI_EXT_IPI:
		if (fid == 0)
			err = mm_ipi_send(a0, a1);
		break;
	case SBI_EXT_TIME:
		if (fid == 0) {
			mm_timer_set(mm_self(), a0);
			err = SBI_SUCCESS;
		}
		break;
	case SBI_EXT_SRST:
		err = srst(fid, a0, a1);
		break;
	}
	f->x[MM_A0] = (uint64_t)err;
	f->x[MM_A1] = (uint64_t)value;
}
