/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The host harness: an emulated hart per thread. A thread binds itself to a struct
 * emu_hart; the library's CSR accesses (hgei_port.h) then act on that hart's hgeie,
 * hgeip and hie. Other threads may inject MSIs into its hgeip, kick it, and read it.
 */
#ifndef EMU_HART_H
#define EMU_HART_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define EMU_MAX_HARTS	64

struct emu_hart {
	uint32_t hartid;
	uint64_t impl;			/* implemented hgeie/hgeip bits */
	_Atomic uint64_t hgeie;		/* written by the bound thread only */
	_Atomic uint64_t hgeip;		/* raised by any thread (MSI), lowered on claim */
	_Atomic uint64_t hie;
	_Atomic uint32_t kicks;		/* hgei_port_kick() requests not yet taken */
	_Atomic uint64_t hgeie_writes;	/* CSR writes of any kind to hgeie */
	/* What the hart's kick handler does, for remote waits (hgei_arch_relax()). */
	void (*serve)(void *arg);
	void *serve_arg;
};

/* Sets up @e with GEILEN @geilen (bits 1..geilen) and registers it under @hartid. */
void emu_hart_setup(struct emu_hart *e, uint32_t hartid, unsigned geilen);
/* The same with an arbitrary implemented-bit mask (to test odd probe readbacks). */
void emu_hart_setup_mask(struct emu_hart *e, uint32_t hartid, uint64_t impl);
/* The calling thread becomes hart @e (NULL: no hart; CSR access then aborts). */
void emu_hart_bind(struct emu_hart *e);
struct emu_hart *emu_hart_self(void);
struct emu_hart *emu_hart_by_id(uint32_t hartid);

/* An MSI reaches guest file(s) @bits of @e: hgeip rises (implemented bits only). */
void emu_hart_raise(struct emu_hart *e, uint64_t bits);
/* The guest claimed: hgeip falls. */
void emu_hart_lower(struct emu_hart *e, uint64_t bits);
/* Would @e take an SGEI now (hgeip & hgeie and hie.SGEIE)? */
bool emu_hart_sgei_pending(struct emu_hart *e);
/* Takes the pending kicks of @e; returns how many there were. */
unsigned emu_hart_take_kicks(struct emu_hart *e);
uint64_t emu_hart_hgeie(struct emu_hart *e);

/* Are the calling thread's interrupts masked (inside a library call)? */
bool emu_irqs_masked(void);

/* Log: hgei_port_log() lines go to stderr when HGEI_LOG is set in the environment;
 * while capture is on they go to a buffer instead, for assertions. */
void emu_log_capture(bool on);
bool emu_log_contains(const char *needle);
void emu_log_clear(void);

#endif
