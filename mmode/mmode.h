/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The M-mode layer of the bare boot path (build/hartgei-m.elf): just enough machine
 * mode for the HS-mode runtime — PMP, delegation, and the SBI calls firmware/sbi.c
 * makes (BASE, legacy putchar, DBCN, HSM, IPI, TIME, SRST). Nothing here runs on an
 * HGEI path: SGEI and the IMSIC guest files never reach M-mode.
 *
 * This code runs under whatever gp and tp the trapped code had, so it is built
 * -mno-relax and uses no TLS; it calls nothing in the HS image except libfdt, and that
 * only during cold boot with gp set up (entry.S).
 */
#ifndef MM_MMODE_H
#define MM_MMODE_H

/* QEMU virt's -smp limit; per-hart state is a static array of this size. */
#ifndef MM_MAX_HARTS
#define MM_MAX_HARTS		512
#endif
#define MM_STACK_SIZE		(1 << MM_STACK_SHIFT)	/* per hart, for traps */
#define MM_EXIT_FATAL		3	/* QEMU exit status when the M-mode layer gives up */

/* CSR numbers and fields, SBI IDs and errors: include/hgei_riscv_enc.h. */
#define HGEI_ENC_SHORT_NAMES
#include "hgei_riscv_enc.h"

#define MM_STACK_SHIFT		11	/* log2(MM_STACK_SIZE) */
#define MM_COLD_STACK_SIZE	8192	/* the lottery winner's, for cold boot and libfdt */

#ifndef __ASSEMBLER__
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* CSR access, this layer's own: it shares only the encodings (hgei_riscv_enc.h) with
 * the library and the runtime, no code, so it builds and links as a firmware of its
 * own. "memory": a CSR write can change what later loads and stores do (PMP, mstatus). */
#define mm_csr_read(csr) ({ uint64_t __v; \
	__asm__ volatile("csrr %0, %1" : "=r"(__v) : "i"(csr) : "memory"); __v; })
#define mm_csr_write(csr, v) \
	__asm__ volatile("csrw %0, %1" :: "i"(csr), "rK"((uint64_t)(v)) : "memory")
#define mm_csr_set(csr, v) \
	__asm__ volatile("csrs %0, %1" :: "i"(csr), "rK"((uint64_t)(v)) : "memory")
#define mm_csr_clear(csr, v) \
	__asm__ volatile("csrc %0, %1" :: "i"(csr), "rK"((uint64_t)(v)) : "memory")

/*
 * Writes a CSR the hart may not implement: only valid while mtvec = mm_probe_vector
 * (cold/warm boot, before the hart leaves M-mode), which skips a faulting csr
 * instruction and sets t5. Evaluates to 0 when the write took, -1 when it trapped.
 */
#define mm_csr_try_write(csr, v) ({ \
	register uint64_t __fault __asm__("t5") = 0; \
	__asm__ volatile("csrw %1, %2" : "+r"(__fault) : "i"(csr), "r"((uint64_t)(v)) \
			 : "t6", "memory"); \
	__fault ? -1 : 0; })

/* SBI HSM as this layer keeps it; BSS zero is STOPPED. CLAIMED: a hart_start caller
 * owns the mailbox and is filling it in (reported as START_PENDING). */
enum mm_hsm_state {
	MM_HSM_STOPPED = 0,
	MM_HSM_CLAIMED,
	MM_HSM_START_PENDING,
	MM_HSM_STARTED,
};

/* One per hartid, reached only through mm_self() or mm_hart(). Cache-line sized so
 * harts polling their own word do not share a line with a neighbour's. */
struct mm_hart {
	volatile uint32_t *msip;	/* ACLINT MSWI word; NULL: hart not in the devicetree */
	volatile uint64_t *mtimecmp;
	/* The starter writes the mailbox between CLAIMED and START_PENDING (release);
	 * the target reads it after seeing START_PENDING (acquire). */
	_Atomic uint32_t hsm;
	/* An S-level IPI is owed: any sender sets it, this hart takes it (exchange). */
	_Atomic uint32_t ipi;
	uintptr_t start_addr;
	uintptr_t opaque;
} __attribute__((aligned(64)));

/* Register frame built by entry.S: x1..x31 at index 1..31 (x0's slot unused). */
struct mm_frame {
	uint64_t x[32];
};
#define MM_A0	10
#define MM_A1	11
#define MM_A2	12
#define MM_A6	16
#define MM_A7	17

/* The PMP entries every hart writes (pmp.c); pmpcfg0 and pmpcfg2 hold 16. */
#define MM_PMP_MAX		16
struct mm_pmp {
	uint64_t addr[MM_PMP_MAX];
	uint8_t cfg[MM_PMP_MAX];
	unsigned int n, max;		/* entries planned; entries this machine has */
};

/* Memory map facts from cold boot; read-only once the other harts run. */
struct mm_platform {
	uintptr_t ram_base, ram_end;	/* the /memory region holding the image */
	struct mm_pmp pmp;
};

/* data.c */
extern struct mm_hart mm_harts[MM_MAX_HARTS];
extern struct mm_platform mm_plat;
extern uint8_t mm_stacks[];
extern _Atomic uint32_t mm_cold_done;
/* linker-m.ld */
extern char __mm_start[], __mm_end[];

static inline struct mm_hart *mm_hart(unsigned long hartid)
{
	return hartid < MM_MAX_HARTS ? &mm_harts[hartid] : NULL;
}

static inline struct mm_hart *mm_self(void)
{
	return &mm_harts[mm_csr_read(CSR_MHARTID)];
}

/* True when [addr, addr + len) lies in RAM and outside this layer's memory: what S-mode
 * may hand us as a buffer or an entry point. */
static inline int mm_s_range_ok(uintptr_t addr, size_t len)
{
	uintptr_t end = addr + len;

	if (end < addr || addr < mm_plat.ram_base || end > mm_plat.ram_end)
		return 0;
	return end <= (uintptr_t)__mm_start || addr >= (uintptr_t)__mm_end;
}

/* Big-endian devicetree cells to a number (devicetree.c and pmp.c). */
static inline uint64_t mm_dt_cells(const uint32_t *p, int cells)
{
	uint64_t v = 0;

	while (cells-- > 0)
		v = (v << 32) | __builtin_bswap32(*p++);
	return v;
}

/* entry.S: reset and the boot-time vector. */
void mm_probe_vector(void);
/* trap_vector.S: the vector once a hart runs below M (installed by mm_hart_setup()). */
void mm_trap_vector(void);
/* enter.S */
void mm_enter_s(uintptr_t addr, unsigned long a0, unsigned long a1) __attribute__((noreturn));

/* setup.c: this hart's PMP, delegation, counters and extension enables. */
void mm_hart_setup(void);

/* devicetree.c: cold boot only. */
void mm_dt_parse(const void *dtb);

/* pmp.c: the plan (cold boot, from the devicetree) and each hart's copy of it. */
void mm_pmp_plan(const void *dtb);
void mm_pmp_apply(void);

/* console.c */
void mm_console_write(const char *s, size_t len);
size_t mm_console_read(char *s, size_t len);
void mm_console_flush(void);
/* A message of this layer's own, built up then written in one go. */
struct mm_line {
	char buf[160];
	size_t len;
};
void mm_line_str(struct mm_line *l, const char *s);
void mm_line_dec(struct mm_line *l, uint64_t v);
void mm_line_hex(struct mm_line *l, uint64_t v);
void mm_line_emit(struct mm_line *l);

/* reset.c */
void mm_shutdown(int failure_code) __attribute__((noreturn));
void mm_reboot(void) __attribute__((noreturn));
void mm_die(const char *what, unsigned long hartid) __attribute__((noreturn));
void mm_die_trap(struct mm_frame *f, uint64_t mcause) __attribute__((noreturn));

/* hsm.c */
long mm_hsm_start(unsigned long hartid, uintptr_t addr, uintptr_t opaque);
long mm_hsm_status(unsigned long hartid, long *state);
void mm_hsm_stop(void) __attribute__((noreturn));
void mm_park(void) __attribute__((noreturn));

/* ipi.c */
long mm_ipi_send(unsigned long mask, unsigned long base);
void mm_ipi_take(struct mm_hart *self);
void mm_msip_write(struct mm_hart *h, uint32_t v);

/* timer */
void mm_timer_set(struct mm_hart *self, uint64_t when);
void mm_timer_fire(void);

/* sbi.c */
void mm_sbi_dispatch(struct mm_frame *f);

#endif /* __ASSEMBLER__ */
#endif
