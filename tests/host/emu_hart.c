/* SPDX-License-Identifier: BSD-2-Clause */
/* The emulated harts behind hgei_port.h on the host (see emu_hart.h). */
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu_hart.h"
#include "hgei_port.h"

static _Thread_local struct emu_hart *self;
static struct emu_hart *_Atomic registry[EMU_MAX_HARTS];

void emu_hart_setup_mask(struct emu_hart *e, uint32_t hartid, uint64_t impl)
{
	if (hartid >= EMU_MAX_HARTS) {
		fprintf(stderr, "emu_hart: hartid %u >= %u\n", hartid, EMU_MAX_HARTS);
		abort();
	}
	e->hartid = hartid;
	e->impl = impl & ~1ULL;		/* bit 0 is never a guest file */
	atomic_store(&e->hgeie, 0);
	atomic_store(&e->hgeip, 0);
	atomic_store(&e->hie, 0);
	atomic_store(&e->kicks, 0);
	atomic_store(&e->hgeie_writes, 0);
	atomic_store(&registry[hartid], e);
}

void emu_hart_setup(struct emu_hart *e, uint32_t hartid, unsigned geilen)
{
	emu_hart_setup_mask(e, hartid, geilen ? (~0ULL >> (64 - geilen)) << 1 : 0);
}

void emu_hart_bind(struct emu_hart *e)
{
	self = e;
}

struct emu_hart *emu_hart_self(void)
{
	return self;
}

struct emu_hart *emu_hart_by_id(uint32_t hartid)
{
	return hartid < EMU_MAX_HARTS ? atomic_load(&registry[hartid]) : NULL;
}

static struct emu_hart *cur(const char *what)
{
	if (!self) {
		fprintf(stderr, "emu_hart: %s from a thread bound to no hart\n", what);
		abort();
	}
	return self;
}

/* hgeie is touched only by its own thread; relaxed atomics let others peek. */
uint64_t hgei_arch_hgeie_read(void)
{
	return atomic_load_explicit(&cur("hgeie read")->hgeie, memory_order_relaxed);
}

void hgei_arch_hgeie_write(uint64_t v)
{
	struct emu_hart *e = cur("hgeie write");

	atomic_store_explicit(&e->hgeie, v & e->impl, memory_order_relaxed);
	atomic_fetch_add_explicit(&e->hgeie_writes, 1, memory_order_relaxed);
}

void hgei_arch_hgeie_set(uint64_t bits)
{
	struct emu_hart *e = cur("hgeie set");

	atomic_fetch_or_explicit(&e->hgeie, bits & e->impl, memory_order_relaxed);
	atomic_fetch_add_explicit(&e->hgeie_writes, 1, memory_order_relaxed);
}

void hgei_arch_hgeie_clear(uint64_t bits)
{
	struct emu_hart *e = cur("hgeie clear");

	atomic_fetch_and_explicit(&e->hgeie, ~bits, memory_order_relaxed);
	atomic_fetch_add_explicit(&e->hgeie_writes, 1, memory_order_relaxed);
}

/* Acquire: pairs with emu_hart_raise(), as an interrupt orders the MSI's writes. */
uint64_t hgei_arch_hgeip_read(void)
{
	return atomic_load_explicit(&cur("hgeip read")->hgeip, memory_order_acquire);
}

void hgei_arch_hie_set(uint64_t bits)
{
	atomic_fetch_or_explicit(&cur("hie set")->hie, bits, memory_order_relaxed);
}

/*
 * Interrupts: the harness takes traps only where a thread calls the handlers, so
 * masking only has to be tracked, for the tests that check it.
 */
static _Thread_local unsigned long irq_masked;

unsigned long hgei_arch_irq_save(void)
{
	unsigned long old = irq_masked;

	irq_masked = 1;
	return old;
}

void hgei_arch_irq_restore(unsigned long flags)
{
	irq_masked = flags;
}

bool emu_irqs_masked(void)
{
	return irq_masked;
}

/* A remote call's wait: the waiting hart still takes its own kicks, as a hart with
 * interrupts enabled would, so two harts calling each other cannot deadlock. */
void hgei_arch_relax(void)
{
	if (self && self->serve && !irq_masked && atomic_load(&self->kicks) &&
	    emu_hart_take_kicks(self))
		self->serve(self->serve_arg);
	sched_yield();
}

void emu_hart_raise(struct emu_hart *e, uint64_t bits)
{
	atomic_fetch_or_explicit(&e->hgeip, bits & e->impl, memory_order_release);
}

void emu_hart_lower(struct emu_hart *e, uint64_t bits)
{
	atomic_fetch_and_explicit(&e->hgeip, ~bits, memory_order_relaxed);
}

bool emu_hart_sgei_pending(struct emu_hart *e)
{
	return (atomic_load(&e->hie) & HGEI_CSR_HIE_SGEIE) &&
	       (atomic_load(&e->hgeip) & atomic_load(&e->hgeie));
}

unsigned emu_hart_take_kicks(struct emu_hart *e)
{
	/* Acquire: pairs with the kick's release, like an IPI after a fence. */
	return atomic_exchange_explicit(&e->kicks, 0, memory_order_acquire);
}

uint64_t emu_hart_hgeie(struct emu_hart *e)
{
	return atomic_load(&e->hgeie);
}

uint32_t hgei_port_hartid(void)
{
	return self ? self->hartid : UINT32_MAX;
}

void hgei_port_kick(uint32_t hartid)
{
	struct emu_hart *e = emu_hart_by_id(hartid);

	if (!e) {
		fprintf(stderr, "emu_hart: kick for unknown hart %u\n", hartid);
		abort();
	}
	atomic_fetch_add_explicit(&e->kicks, 1, memory_order_release);
}

/* ---- log ---------------------------------------------------------------------- */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_buf[16384];
static size_t log_len;
static bool log_capturing;

void hgei_port_log(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	pthread_mutex_lock(&log_lock);
	if (log_capturing) {
		n = snprintf(log_buf + log_len, sizeof(log_buf) - log_len, "%s\n", line);
		if (n > 0)
			log_len += (size_t)n < sizeof(log_buf) - log_len ?
				   (size_t)n : sizeof(log_buf) - log_len - 1;
	} else if (getenv("HGEI_LOG")) {
		fprintf(stderr, "%s\n", line);
	}
	pthread_mutex_unlock(&log_lock);
}

void emu_log_capture(bool on)
{
	pthread_mutex_lock(&log_lock);
	log_capturing = on;
	pthread_mutex_unlock(&log_lock);
}

bool emu_log_contains(const char *needle)
{
	bool found;

	pthread_mutex_lock(&log_lock);
	found = strstr(log_buf, needle) != NULL;
	pthread_mutex_unlock(&log_lock);
	return found;
}

void emu_log_clear(void)
{
	pthread_mutex_lock(&log_lock);
	log_len = 0;
	log_buf[0] = '\0';
	pthread_mutex_unlock(&log_lock);
}
