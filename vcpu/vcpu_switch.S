/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The world switch between the HS-mode runtime and a VS-mode guest.
 *
 * fw_vcpu_enter(regs) saves the runtime's callee-saved registers in regs, points stvec
 * at fw_vcpu_exit_vector and sscratch at regs, loads the guest's registers and srets
 * (the caller has set sepc, hstatus.SPV/VGEIN and sstatus.SPP, with interrupts masked).
 * The guest's next trap into HS, whatever it is, lands in fw_vcpu_exit_vector, which
 * saves the guest's registers, puts the runtime's back and returns scause from
 * fw_vcpu_enter. The runtime's own vector cannot take these traps: it would push its
 * frame on the guest's stack pointer, a guest-physical address.
 *
 * Layout of struct fw_vcpu_regs (vcpu.h checks it): gpr[32] at 0, host[16] (ra, sp,
 * gp, tp, s0..s11) at 256, host_stvec at 384.
 */
#define GPR(n)		((n) * 8)
#define HOST(n)		(256 + (n) * 8)
#define HOST_STVEC	384

	.text
	.balign	4
	.globl	fw_vcpu_enter
fw_vcpu_enter:
	sd	ra, HOST(0)(a0)
	sd	sp, HOST(1)(a0)
	sd	gp, HOST(2)(a0)
	sd	tp, HOST(3)(a0)
	sd	s0, HOST(4)(a0)
	sd	s1, HOST(5)(a0)
	sd	s2, HOST(6)(a0)
	sd	s3, HOST(7)(a0)
	sd	s4, HOST(8)(a0)
	sd	s5, HOST(9)(a0)
	sd	s6, HOST(10)(a0)
	sd	s7, HOST(11)(a0)
	sd	s8, HOST(12)(a0)
	sd	s9, HOST(13)(a0)
	sd	s10, HOST(14)(a0)
	sd	s11, HOST(15)(a0)
	csrr	t0, stvec
	sd	t0, HOST_STVEC(a0)
	la	t0, fw_vcpu_exit_vector
	csrw	stvec, t0
	csrw	sscratch, a0
	ld	x1, GPR(1)(a0)
	ld	x2, GPR(2)(a0)
	ld	x3, GPR(3)(a0)
	ld	x4, GPR(4)(a0)
	ld	x5, GPR(5)(a0)
	ld	x6, GPR(6)(a0)
	ld	x7, GPR(7)(a0)
	ld	x8, GPR(8)(a0)
	ld	x9, GPR(9)(a0)
	ld	x11, GPR(11)(a0)
	ld	x12, GPR(12)(a0)
	ld	x13, GPR(13)(a0)
	ld	x14, GPR(14)(a0)
	ld	x15, GPR(15)(a0)
	ld	x16, GPR(16)(a0)
	ld	x17, GPR(17)(a0)
	ld	x18, GPR(18)(a0)
	ld	x19, GPR(19)(a0)
	ld	x20, GPR(20)(a0)
	ld	x21, GPR(21)(a0)
	ld	x22, GPR(22)(a0)
	ld	x23, GPR(23)(a0)
	ld	x24, GPR(24)(a0)
	ld	x25, GPR(25)(a0)
	ld	x26, GPR(26)(a0)
	ld	x27, GPR(27)(a0)
	ld	x28, GPR(28)(a0)
	ld	x29, GPR(29)(a0)
	ld	x30, GPR(30)(a0)
	ld	x31, GPR(31)(a0)
	ld	x10, GPR(10)(a0)
	sret

	.balign	4
	.globl	fw_vcpu_exit_vector
fw_vcpu_exit_vector:
	csrrw	a0, sscratch, a0
	sd	x1, GPR(1)(a0)
	sd	x2, GPR(2)(a0)
	sd	x3, GPR(3)(a0)
	sd	x4, GPR(4)(a0)
	sd	x5, GPR(5)(a0)
	sd	x6, GPR(6)(a0)
	sd	x7, GPR(7)(a0)
	sd	x8, GPR(8)(a0)
	sd	x9, GPR(9)(a0)
	sd	x11, GPR(11)(a0)
	sd	x12, GPR(12)(a0)
	sd	x13, GPR(13)(a0)
	sd	x14, GPR(14)(a0)
	sd	x15, GPR(15)(a0)
	sd	x16, GPR(16)(a0)
	sd	x17, GPR(17)(a0)
	sd	x18, GPR(18)(a0)
	sd	x19, GPR(19)(a0)
	sd	x20, GPR(20)(a0)
	sd	x21, GPR(21)(a0)
	sd	x22, GPR(22)(a0)
	sd	x23, GPR(23)(a0)
	sd	x24, GPR(24)(a0)
	sd	x25, GPR(25)(a0)
	sd	x26, GPR(26)(a0)
	sd	x27, GPR(27)(a0)
	sd	x28, GPR(28)(a0)
	sd	x29, GPR(29)(a0)
	sd	x30, GPR(30)(a0)
	sd	x31, GPR(31)(a0)
	csrr	t0, sscratch
	sd	t0, GPR(10)(a0)
	ld	t0, HOST_STVEC(a0)
	csrw	stvec, t0
	ld	ra, HOST(0)(a0)
	ld	sp, HOST(1)(a0)
	ld	gp, HOST(2)(a0)
	ld	tp, HOST(3)(a0)
	ld	s0, HOST(4)(a0)
	ld	s1, HOST(5)(a0)
	ld	s2, HOST(6)(a0)
	ld	s3, HOST(7)(a0)
	ld	s4, HOST(8)(a0)
	ld	s5, HOST(9)(a0)
	ld	s6, HOST(10)(a0)
	ld	s7, HOST(11)(a0)
	ld	s8, HOST(12)(a0)
	ld	s9, HOST(13)(a0)
	ld	s10, HOST(14)(a0)
	ld	s11, HOST(15)(a0)
	csrr	a0, scause
	ret

/*
 * While a vCPU is blocked, stvec points here: the instret at (nearly) the first
 * instruction of every HS trap is kept in the struct sscratch points at (stamp at 0,
 * a spill slot at 8), then the runtime's vector runs as usual. The SGEI's wake hook
 * copies the stamp, so other traps taken meanwhile do not disturb the measurement.
 */
	.balign	4
	.globl	fw_vcpu_stamp_vector
fw_vcpu_stamp_vector:
	csrrw	t0, sscratch, t0
	sd	t1, 8(t0)
	csrr	t1, instret
	sd	t1, 0(t0)
	ld	t1, 8(t0)
	csrrw	t0, sscratch, t0
	j	fw_trap_vector
