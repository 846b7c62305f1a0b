/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The bench's HS trap vector for the contention and vCPU runs: the runtime's
 * (firmware/trap_vector.S, the same 16 caller-saved registers) calling bench_trap(),
 * which hands an SGEI to the design under test and every other trap to fw_trap().
 */
#include "../../firmware/trap_vector.h"

	HS_TRAP_VECTOR bench_trap_vector, bench_trap
