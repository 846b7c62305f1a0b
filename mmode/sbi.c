/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SBI dispatcher: the extensions the HS-mode runtime uses (firmware/sbi.c), nothing
 * else. Everything unknown returns SBI_ERR_NOT_SUPPORTED.
 */
#include "mmode.h"

#define SBI_SPEC_VERSION	(2UL << 24)	/* 2.0 */
#define MM_SBI_IMPL_VERSION	1

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
	case SBI_EXT_BASE_GET_SPEC_VERSION:
		*value = SBI_SPEC_VERSION;
		return SBI_SUCCESS;
	case SBI_EXT_BASE_GET_IMPL_ID:
		*value = SBI_IMPL_HARTGEI;
		return SBI_SUCCESS;
	case SBI_EXT_BASE_GET_IMPL_VERSION:
		*value = MM_SBI_IMPL_VERSION;
		return SBI_SUCCESS;
	case SBI_EXT_BASE_PROBE_EXT:
		*value = probe(a0);
		return SBI_SUCCESS;
	case SBI_EXT_BASE_GET_MVENDORID:
		*value = mm_csr_read(CSR_MVENDORID);
		return SBI_SUCCESS;
	case SBI_EXT_BASE_GET_MARCHID:
		*value = mm_csr_read(CSR_MARCHID);
		return SBI_SUCCESS;
	case SBI_EXT_BASE_GET_MIMPID:
		*value = mm_csr_read(CSR_MIMPID);
		return SBI_SUCCESS;
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
	case SBI_EXT_DBCN_CONSOLE_WRITE:
	case SBI_EXT_DBCN_CONSOLE_READ:
		if (a2 || !mm_s_range_ok(a1, a0))
			return SBI_ERR_INVALID_PARAM;
		if (fid == SBI_EXT_DBCN_CONSOLE_WRITE) {
			mm_console_write((const char *)a1, a0);
			*value = (long)a0;
		} else {
			*value = (long)mm_console_read((char *)a1, a0);
		}
		return SBI_SUCCESS;
	case SBI_EXT_DBCN_CONSOLE_WRITE_BYTE:
		c = (char)a0;
		mm_console_write(&c, 1);
		return SBI_SUCCESS;
	}
	return SBI_ERR_NOT_SUPPORTED;
}

static long srst(unsigned long fid, unsigned long type, unsigned long reason)
{
	if (fid != SBI_EXT_SRST_RESET)
		return SBI_ERR_NOT_SUPPORTED;
	if (type == SBI_SRST_RESET_TYPE_SHUTDOWN)
		mm_shutdown(reason == SBI_SRST_RESET_REASON_SYSFAIL ? 1 : 0);
	if (type == SBI_SRST_RESET_TYPE_COLD_REBOOT || type == SBI_SRST_RESET_TYPE_WARM_REBOOT)
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
		if (fid == SBI_EXT_HSM_HART_START)
			err = mm_hsm_start(a0, a1, a2);
		else if (fid == SBI_EXT_HSM_HART_STOP)
			mm_hsm_stop();
		else if (fid == SBI_EXT_HSM_HART_GET_STATUS)
			err = mm_hsm_status(a0, &value);
		break;
	case SBI_EXT_IPI:
		if (fid == SBI_EXT_IPI_SEND_IPI)
			err = mm_ipi_send(a0, a1);
		break;
	case SBI_EXT_TIME:
		if (fid == SBI_EXT_TIME_SET_TIMER) {
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
