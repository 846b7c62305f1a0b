/* SPDX-License-Identifier: BSD-2-Clause */
/* The HS-mode runtime's internal interface: per-hart state, console, exit, heap. */
#ifndef FW_H
#define FW_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hgei.h"
#include "hgei_dt.h"

enum fw_hart_state {
	FW_HART_ABSENT = 0,	/* not started (disabled cpu or start failed) */
	FW_HART_STARTING,
	FW_HART_UP,
	FW_HART_DONE,
	FW_HART_FAILED,
};

/*
 * A line's owner as the runtime knows it. lib/hgei's owner pointer is one of these,
 * embedded in whatever holds the line (a vCPU, a test's slot); the runtime's hgei_ops
 * (owner.c) pass each callback straight to the owner's own, which finds its holder
 * with fw_container_of(). Set both before the line is allocated.
 */
struct fw_owner {
	void (*wake)(struct fw_owner *o, uint32_t hartid, unsigned line);
	void (*revoke)(struct fw_owner *o, uint32_t hartid, unsigned line);	/* or NULL */
};
#define fw_container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))
/* owner.c: the hgei_ops every hart of the runtime is brought up with. */
extern const struct hgei_ops fw_hgei_ops;

/* One per cpu node; reached on its own hart through fw_self (TLS, via tp). */
struct fw_hart {
	/* entry.S reads these two at fixed offsets. */
	uint64_t stack_top;
	uint64_t tls;
	uint32_t hartid;
	uint32_t index;			/* position in fw_harts[] (sorted by hartid) */
	_Atomic uint32_t state;		/* enum fw_hart_state; boot hart reads it */
	long start_err;			/* SBI error of hart_start, 0 if it started */
	const struct hgei_dt_hart *dt;	/* NULL when no S-level IMSIC names this hart */
	int lines;			/* usable lines from hgei_hart_init, or -errno */
	unsigned geilen;
	struct hgei_hart hgei;
};

#define FW_STACK_SIZE	8192

extern _Thread_local struct fw_hart *fw_self;
extern struct fw_hart *fw_harts;	/* sorted by hartid; written by the boot hart only */
extern uint32_t fw_nr_harts;
extern uint32_t fw_boot_hartid;

/* console.c: one call prints one whole line, so harts do not interleave mid-line. */
void fw_console_init(void);
void fw_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fw_vprintf(const char *fmt, va_list ap);

/* exit.c */
void fw_exit(int code) __attribute__((noreturn));
void fw_fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* heap.c: bump allocator, boot hart only, before the other harts start. */
void fw_heap_init(const void *dtb);
void *fw_heap_alloc(size_t size, size_t align);

/* tls.c */
size_t fw_tls_size(void);
size_t fw_tls_align(void);
void fw_tls_init(void *block);

/* trap.S / trap.c */
void fw_trap_vector(void);
void fw_trap_init(void);
void fw_trap(uint64_t scause);

/* boot.c / hart.c */
void fw_boot_main(unsigned long hartid, const void *dtb) __attribute__((noreturn));
void fw_hart_main(unsigned long hartid, struct fw_hart *self) __attribute__((noreturn));
void fw_secondary_entry(void);
/* report.c: boot hart, once the stages are over; ends the run. */
void fw_report(void) __attribute__((noreturn));
/** A hart other than the boot hart whose stages are over (or that a stage restarted
 * and that has finished): marks it DONE for the report, wakes the boot hart and
 * sleeps for good. */
void fw_hart_finish(struct fw_hart *self) __attribute__((noreturn));
struct fw_hart *fw_hart_by_id(uint32_t hartid);

/* wait.c */
extern uint64_t fw_timebase_hz;
uint64_t fw_time(void);
bool fw_wait_until(bool (*cond)(void *), void *arg, uint64_t deadline);

/* Progress watchdogs (wait.c): a wait fails after FW_STALL_S of this hart's running
 * time with no progress anywhere, not after a fixed total. */
#ifndef FW_STALL_S
#define FW_STALL_S	30
#endif
struct fw_watchdog {
	uint64_t limit;		/* idle ticks allowed */
	uint64_t idle;		/* idle ticks so far */
	uint64_t last;		/* time CSR at the last check */
	uint64_t seen;		/* global progress count at the last check */
	uint64_t local;		/* the caller's own progress value at the last check */
};
/** Any hart: something the self-test waits for happened (bumps one global count). */
void fw_progress(void);
/** Starts @w: it expires after @seconds of checks that saw no progress. */
void fw_watchdog_start(struct fw_watchdog *w, unsigned seconds);
/** True once neither the global count nor @local moved for the limit; a gap between
 * checks longer than 1 s counts as 1 s (this hart was not scheduled). */
bool fw_watchdog_expired(struct fw_watchdog *w, uint64_t local);
unsigned fw_watchdog_seconds(const struct fw_watchdog *w);
/** fw_wait_until() with @w in place of a deadline. */
bool fw_wait_progress(bool (*cond)(void *), void *arg, struct fw_watchdog *w);
void fw_barrier(uint32_t nr_harts);
void fw_kick_all(void);

#endif
