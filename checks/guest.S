/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The test guest: a few dozen instructions that run in VS-mode on one guest interrupt
 * file and believe they are an S-mode kernel. It enables its file through
 * siselect/sireg, reports ready, sleeps in wfi, claims each external interrupt with
 * stopei and reports the claim to HS by ecall. Everything it touches besides its code
 * is guest-physical: its data page (GUEST_RAM_GPA, s0 throughout) and, through the
 * interrupt file, the IMSIC page HS mapped for it. Its own page(s) are mapped at
 * their host address, so the code needs no relocation.
 */
#include "guest_abi.h"
/* Ssaia CSRs by number (in VS-mode they reach the vs* copies, i.e. guest file VGEIN)
 * and the sie/sstatus bits. */
#define HGEI_ENC_SHORT_NAMES
#include "hgei_riscv_enc.h"

	.section .text.guest, "ax"
	/* The guest's gp is not the firmware's: no gp-relative relaxation of la. */
	.option	norelax
	/* Whole pages of their own, so the G-stage map exposes no firmware code. */
	.balign	GUEST_PAGE_SIZE
	.globl	fw_guest_start
fw_guest_start:

/* a0, a1: identities to enable; a2: the data page. */
	.globl	fw_guest_entry
fw_guest_entry:
	li	t1, 1
	sll	t2, t1, a0
	sll	t3, t1, a1
	or	a0, t2, t3
	li	a1, 0
/* a0: the eie0 mask to enable; a1: 1 to take one interrupt at a time (each claim
 * reported before the next interrupt: the overcommit stage, several MSIs pending);
 * a2: the data page. */
	.globl	fw_guest_entry_eie
fw_guest_entry_eie:
	mv	s0, a2
	sd	a1, GUEST_ONE_AT_A_TIME(s0)
	li	t0, GUEST_PAGE_SIZE
	add	sp, s0, t0
	la	t0, guest_vector
	csrw	stvec, t0
	li	t0, HGEI_VS_EIDELIVERY	/* eidelivery = 1 */
	csrw	CSR_SISELECT, t0
	li	t1, 1
	csrw	CSR_SIREG, t1
	li	t0, HGEI_VS_EITHRESHOLD	/* eithreshold = 0: every identity */
	csrw	CSR_SISELECT, t0
	csrw	CSR_SIREG, zero
	li	t0, HGEI_VS_EIE0		/* eie0: the identities */
	csrw	CSR_SISELECT, t0
	csrw	CSR_SIREG, a0
	li	t0, HGEI_VS_EIDELIVERY	/* read back what reached the file */
	csrw	CSR_SISELECT, t0
	csrr	a0, CSR_SIREG
	li	t0, HGEI_VS_EIE0
	csrw	CSR_SISELECT, t0
	csrr	a1, CSR_SIREG
	li	a7, GUEST_CALL_READY
	ecall
	li	t0, SIE_SEIE
	csrs	sie, t0
	csrs	sstatus, SSTATUS_SIE
	li	t0, 1
	sd	t0, GUEST_WAITING(s0)

/* Interrupts on: a claim the vector recorded is reported from here. */
	.globl	fw_guest_wait
fw_guest_wait:
	ld	t0, GUEST_PENDING(s0)
	bnez	t0, guest_report
	wfi
	j	fw_guest_wait
	.globl	fw_guest_wait_end
fw_guest_wait_end:

/* Reads the claim with interrupts masked so the vector cannot overwrite it halfway,
 * then unmasks before the ecall: HS resumes a blocked guest right after it, and an
 * interrupt that waited must be taken there, before the next instruction. */
guest_report:
	csrc	sstatus, SSTATUS_SIE
	sd	zero, GUEST_PENDING(s0)
	ld	a0, GUEST_ID(s0)
	ld	a1, GUEST_SEPC(s0)
	ld	a2, GUEST_SCAUSE(s0)
	ld	a3, GUEST_INSTRET(s0)
	csrs	sstatus, SSTATUS_SIE
	li	a7, GUEST_CALL_CLAIMED
	ecall
	.globl	fw_guest_resume
fw_guest_resume:
	j	fw_guest_wait

/* The supervisor external interrupt (scause 9). instret is read second so the
 * blocked-path count ends as close to the vector as a free register allows. */
	.balign	4
guest_vector:
	csrw	sscratch, t0
	csrr	t0, instret
	sd	t0, GUEST_INSTRET(s0)
	csrr	t0, scause
	sd	t0, GUEST_SCAUSE(s0)
	csrr	t0, sepc
	sd	t0, GUEST_SEPC(s0)
	csrrw	t0, CSR_STOPEI, zero
	srli	t0, t0, 16
	sd	t0, GUEST_ID(s0)
	addi	sp, sp, -16
	sd	t1, 0(sp)
	ld	t1, GUEST_CLAIMS(s0)
	addi	t1, t1, 1
	sd	t1, GUEST_CLAIMS(s0)
	li	t1, 1
	sd	t1, GUEST_PENDING(s0)
	/* One at a time: return masked, so the next interrupt waits until this claim
	 * is reported (the report unmasks); it would overwrite GUEST_ID before HS has
	 * read it. */
	ld	t0, GUEST_ONE_AT_A_TIME(s0)
	beqz	t0, 1f
	li	t0, SSTATUS_SPIE
	csrc	sstatus, t0
1:
	ld	t1, 0(sp)
	addi	sp, sp, 16
	csrr	t0, sscratch
	sret

	.balign	GUEST_PAGE_SIZE
	.globl	fw_guest_end
fw_guest_end:
