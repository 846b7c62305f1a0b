/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The state the layer's files share, in a file of its own that calls nothing: boot,
 * devicetree, PMP, HSM, IPI, SBI and trap code all read it, and none of them has to
 * reach another's file for it.
 */
#include "mmode.h"

struct mm_hart mm_harts[MM_MAX_HARTS];
struct mm_platform mm_plat;

/* Trap stacks, one per hart: mscratch holds the top of this hart's while it runs
 * below M (entry.S sets it at reset, mm_enter_s() again on each way down). */
uint8_t mm_stacks[MM_MAX_HARTS * MM_STACK_SIZE] __attribute__((aligned(64)));

/* Set by cold boot once the tables above are filled (release); warm harts wait for it
 * in entry.S. In .data, not .bss: they read it before cold boot zeroes .bss. */
_Atomic uint32_t mm_cold_done __attribute__((section(".data"))) = 0;
