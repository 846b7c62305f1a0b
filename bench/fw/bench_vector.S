/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The bench's HS trap vector for the contention and vCPU runs: the runtime's
 * (firmware/trap_vector.S, the same 16 caller-saved registers) calling bench_trap(),
 * which hands an SGEI to the design under test and every other trap to fw_trap().
 */
#define REG_SIZE	8
#define FRAME_SIZE	(16 * REG_SIZE)

	.text
	.balign	4
	.globl	bench_trap_vector
bench_trap_vector:
	addi	sp, sp, -FRAME_SIZE
	sd	ra, 0 * REG_SIZE(sp)
	sd	t0, 1 * REG_SIZE(sp)
	sd	t1, 2 * REG_SIZE(sp)
	sd	t2, 3 * REG_SIZE(sp)
	sd	a0, 4 * REG_SIZE(sp)
	sd	a1, 5 * REG_SIZE(sp)
	sd	a2, 6 * REG_SIZE(sp)
	sd	a3, 7 * REG_SIZE(sp)
	sd	a4, 8 * REG_SIZE(sp)
	sd	a5, 9 * REG_SIZE(sp)
	sd	a6, 10 * REG_SIZE(sp)
	sd	a7, 11 * REG_SIZE(sp)
	sd	t3, 12 * REG_SIZE(sp)
	sd	t4, 13 * REG_SIZE(sp)
	sd	t5, 14 * REG_SIZE(sp)
	sd	t6, 15 * REG_SIZE(sp)
	csrr	a0, scause
	call	bench_trap
	ld	ra, 0 * REG_SIZE(sp)
	ld	t0, 1 * REG_SIZE(sp)
	ld	t1, 2 * REG_SIZE(sp)
	ld	t2, 3 * REG_SIZE(sp)
	ld	a0, 4 * REG_SIZE(sp)
	ld	a1, 5 * REG_SIZE(sp)
	ld	a2, 6 * REG_SIZE(sp)
	ld	a3, 7 * REG_SIZE(sp)
	ld	a4, 8 * REG_SIZE(sp)
	ld	a5, 9 * REG_SIZE(sp)
	ld	a6, 10 * REG_SIZE(sp)
	ld	a7, 11 * REG_SIZE(sp)
	ld	t3, 12 * REG_SIZE(sp)
	ld	t4, 13 * REG_SIZE(sp)
	ld	t5, 14 * REG_SIZE(sp)
	ld	t6, 15 * REG_SIZE(sp)
	addi	sp, sp, FRAME_SIZE
	sret
