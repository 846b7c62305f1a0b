/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ns16550a UART behind SBI DBCN and legacy putchar, plus a small line builder for
 * this layer's own messages (no printf down here).
 *
 * One DBCN call's bytes go out together under a spin lock, so lines from different
 * harts do not interleave. A lock is acceptable here: this is the console, never an
 * HGEI path, the holder runs with interrupts off and holds it only for one call's
 * bytes (the runtime writes one line per call), and a hart waiting on it is one that
 * was going to block on the UART anyway. Output of the over-range or dying paths may
 * take it too; nothing takes it twice (M-mode traps do not nest).
 */
#include "board.h"
#include "mmode.h"

#define UART_THR	0
#define UART_RBR	0
#define UART_LSR	5
#define LSR_DR		0x01
#define LSR_THRE	0x20

static _Atomic uint32_t console_lock;

static volatile uint8_t *uart(void)
{
	return (volatile uint8_t *)BOARD_UART0;
}

static void lock(void)
{
	while (atomic_exchange_explicit(&console_lock, 1, memory_order_acquire))
		while (atomic_load_explicit(&console_lock, memory_order_relaxed))
			;
}

static void unlock(void)
{
	atomic_store_explicit(&console_lock, 0, memory_order_release);
}

void mm_console_write(const char *s, size_t len)
{
	volatile uint8_t *u = uart();

	lock();
	while (len--) {
		while (!(u[UART_LSR] & LSR_THRE))
			;
		u[UART_THR] = (uint8_t)*s++;
	}
	unlock();
}

size_t mm_console_read(char *s, size_t len)
{
	volatile uint8_t *u = uart();
	size_t n = 0;

	lock();
	while (n < len && (u[UART_LSR] & LSR_DR))
		s[n++] = (char)u[UART_RBR];
	unlock();
	return n;
}

void mm_line_str(struct mm_line *l, const char *s)
{
	while (*s && l->len < sizeof(l->buf))
		l->buf[l->len++] = *s++;
}

void mm_line_dec(struct mm_line *l, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while (v /= 10);
	while (n && l->len < sizeof(l->buf))
		l->buf[l->len++] = tmp[--n];
}

void mm_line_hex(struct mm_line *l, uint64_t v)
{
	int shift = 60;

	mm_line_str(l, "0x");
	while (shift > 0 && !(v >> shift))
		shift -= 4;
	for (; shift >= 0 && l->len < sizeof(l->buf); shift -= 4)
		l->buf[l->len++] = "0123456789abcdef"[(v >> shift) & 0xf];
}

void mm_line_emit(struct mm_line *l)
{
	mm_console_write(l->buf, l->len);
}
