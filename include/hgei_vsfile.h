/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A guest interrupt file as HS-mode reaches it (AIA: Smaia/Ssaia): through
 * hstatus.VGEIN and the vsiselect/vsireg window on the hart that holds the file, and
 * by MSI writes to its page from anywhere. What a hypervisor needs to switch a vCPU's
 * file on, claim from it, and carry its state to another hart when the vCPU migrates.
 * Inline, RV64, HS-mode only; every function but hgei_msi_send() must run on the hart
 * whose file it touches (the line is that hart's).
 */
#ifndef HGEI_VSFILE_H
#define HGEI_VSFILE_H

#include <stdint.h>
#include "hgei_arch_riscv.h"
#include "hgei_riscv_enc.h"
#include "hgei_file_state.h"

/** Selects guest file @line for vsiselect/vsireg/vstopei; returns the old hstatus. */
static inline uint64_t hgei_vsfile_select(unsigned line)
{
	uint64_t old = hgei_csr_read(HGEI_CSR_HSTATUS);

	hgei_csr_write(HGEI_CSR_HSTATUS, (old & ~HGEI_HSTATUS_VGEIN_MASK) |
					    ((uint64_t)line << 12));
	return old;
}

/** Puts back the hstatus hgei_vsfile_select() returned. */
static inline void hgei_vsfile_deselect(uint64_t hstatus)
{
	hgei_csr_write(HGEI_CSR_HSTATUS, hstatus);
}

/** Writes register @reg (HGEI_VS_*) of the selected file. */
static inline void hgei_vsfile_write(unsigned reg, uint64_t v)
{
	hgei_csr_write(HGEI_CSR_VSISELECT, reg);
	hgei_csr_write(HGEI_CSR_VSIREG, v);
}

/** Reads register @reg (HGEI_VS_*) of the selected file. */
static inline uint64_t hgei_vsfile_read(unsigned reg)
{
	hgei_csr_write(HGEI_CSR_VSISELECT, reg);
	return hgei_csr_read(HGEI_CSR_VSIREG);
}

/** On the hart holding @line: the file on, nothing pending, only identity @id (1..63)
 * enabled, no threshold; with @id 0, off and empty. */
static inline void hgei_vsfile_setup_one(unsigned line, unsigned id)
{
	uint64_t hstatus = hgei_vsfile_select(line);

	hgei_vsfile_write(HGEI_VS_EIDELIVERY, id != 0);
	hgei_vsfile_write(HGEI_VS_EITHRESHOLD, 0);
	hgei_vsfile_write(HGEI_VS_EIP0, 0);
	hgei_vsfile_write(HGEI_VS_EIE0, id ? 1ULL << id : 0);
	hgei_vsfile_deselect(hstatus);
}

/** Reads and replaces @reg in one CSR access: an MSI landing meanwhile is either in
 * the value returned or in the file afterwards, never lost between the two. */
static inline uint64_t hgei_vsfile_swap(unsigned reg, uint64_t v)
{
	uint64_t old;

	hgei_csr_write(HGEI_CSR_VSISELECT, reg);
	__asm__ volatile("csrrw %0, %1, %2" : "=r"(old) : "i"(HGEI_CSR_VSIREG), "r"(v)
			 : "memory");
	return old;
}

/** Claims the selected file's top pending-and-enabled identity; 0 if none. */
static inline unsigned hgei_vsfile_claim(void)
{
	uint64_t v;

	__asm__ volatile("csrrw %0, %1, zero" : "=r"(v) : "i"(HGEI_CSR_VSTOPEI) : "memory");
	return (unsigned)(v >> 16);
}

/** An MSI: identity @id to the file at @file_pa (its seteipnum_le). Any hart. */
static inline void hgei_msi_send(uint64_t file_pa, unsigned id)
{
	*(volatile uint32_t *)(uintptr_t)file_pa = id;
}

/** On the hart holding @line: the file's configuration (delivery, threshold, enabled
 * identities) into @s; the file and s->eip stay as they are. */
static inline void hgei_vsfile_save(unsigned line, struct hgei_vsfile_state *s)
{
	uint64_t hstatus = hgei_vsfile_select(line);

	s->eidelivery = hgei_vsfile_read(HGEI_VS_EIDELIVERY);
	s->eithreshold = hgei_vsfile_read(HGEI_VS_EITHRESHOLD);
	for (unsigned w = 0; w < s->words; w++)
		s->eie[w] = hgei_vsfile_read(HGEI_VS_EIE0 + 2 * w);
	hgei_vsfile_deselect(hstatus);
}

/**
 * On the hart holding @line: moves the file's state into @s and leaves the file
 * switched off and empty (pending identities are taken with hgei_vsfile_swap()).
 * Disarm the line first, and make sure no MSI is still on its way to this file.
 */
static inline void hgei_vsfile_take(unsigned line, struct hgei_vsfile_state *s)
{
	uint64_t hstatus = hgei_vsfile_select(line);

	s->eidelivery = hgei_vsfile_swap(HGEI_VS_EIDELIVERY, 0);
	s->eithreshold = hgei_vsfile_read(HGEI_VS_EITHRESHOLD);
	for (unsigned w = 0; w < s->words; w++) {
		s->eie[w] = hgei_vsfile_swap(HGEI_VS_EIE0 + 2 * w, 0);
		s->eip[w] = hgei_vsfile_swap(HGEI_VS_EIP0 + 2 * w, 0);
	}
	hgei_vsfile_deselect(hstatus);
}

/**
 * On the hart holding @line: sets the file up from @s but for the pending
 * identities, which hgei_vsfile_forward() sends once the old file is drained.
 */
static inline void hgei_vsfile_load(unsigned line, const struct hgei_vsfile_state *s)
{
	uint64_t hstatus = hgei_vsfile_select(line);

	hgei_vsfile_write(HGEI_VS_EITHRESHOLD, s->eithreshold);
	for (unsigned w = 0; w < s->words; w++) {
		hgei_vsfile_write(HGEI_VS_EIP0 + 2 * w, 0);
		hgei_vsfile_write(HGEI_VS_EIE0 + 2 * w, s->eie[w]);
	}
	hgei_vsfile_write(HGEI_VS_EIDELIVERY, s->eidelivery);
	hgei_vsfile_deselect(hstatus);
}

/** Any hart: re-sends every identity pending in @s to the file at @file_pa. Returns
 * how many. Identity 0 is never an interrupt. */
static inline unsigned hgei_vsfile_forward(uint64_t file_pa, const struct hgei_vsfile_state *s)
{
	unsigned n = 0;

	for (unsigned w = 0; w < s->words; w++)
		for (uint64_t p = s->eip[w] & ~(w ? 0 : 1ULL); p; p &= p - 1, n++)
			hgei_msi_send(file_pa, 64 * w + (unsigned)__builtin_ctzll(p));
	return n;
}

/** hgei_move_ops file hooks (hgei.h) over struct hgei_vsfile_state. */
static inline void hgei_vsfile_op_save(unsigned line, void *s)
{
	hgei_vsfile_save(line, (struct hgei_vsfile_state *)s);
}

/** See hgei_vsfile_op_save(). */
static inline void hgei_vsfile_op_load(unsigned line, const void *s)
{
	hgei_vsfile_load(line, (const struct hgei_vsfile_state *)s);
}

/** See hgei_vsfile_op_save(). */
static inline void hgei_vsfile_op_drain(unsigned line, void *s)
{
	hgei_vsfile_take(line, (struct hgei_vsfile_state *)s);
}

/** See hgei_vsfile_op_save(). */
static inline void hgei_vsfile_op_forward(uint64_t file_pa, const void *s)
{
	(void)hgei_vsfile_forward(file_pa, (const struct hgei_vsfile_state *)s);
}

#endif
