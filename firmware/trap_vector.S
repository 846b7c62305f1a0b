/* SPDX-License-Identifier: BSD-2-Clause */
/* The runtime's HS-mode trap vector: every trap while the hart runs the runtime goes
 * to fw_trap(). */
#include "trap_vector.h"

	HS_TRAP_VECTOR fw_trap_vector, fw_trap
