/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ns16550a UART behind SBI DBCN and legacy putchar, plus a small line builder for
 * this layer's own messages (no printf down here).
 *
 * Output goes through a ring of line slots so that no hart ever waits for another to
 * finish printing: with hundreds of harts on two host cores, a spin lock around the
 * UART made every waiter burn the host time the holder needed (512 harts took ~18 s
 * instead of ~1.5 s to come up). A writer takes a ticket, copies its bytes into the
 * ticket's slot and commits it; then whoever wins a try-lock drains committed slots
 * to the UART in ticket order, and everyone else just returns. One call's bytes
 * (up to SLOT_BYTES, a whole runtime line) stay together, and each hart's lines keep
 * their order. Only a writer that finds its slot still full (RING_SLOTS lines
 * pending) waits, and it drains while it waits.
 */
#include "board.h"
#include "mmode.h"

#define UART_THR	0
#define UART_RBR	0
#define UART_LSR	5
#define LSR_DR		0x01
#define LSR_THRE	0x20

#define RING_SLOTS	512		/* a power of two */
#define SLOT_BYTES	256

/* seq encodes the slot's round r = ticket / RING_SLOTS: 2r free for that round's
 * ticket, 2r + 1 committed. BSS zero = every slot free for round 0. */
struct slot {
	_Atomic uint64_t seq;
	uint32_t len;
	char buf[SLOT_BYTES];
};

static struct slot ring[RING_SLOTS];
static _Atomic uint64_t ring_tail;	/* next ticket; any writer */
static uint64_t ring_head;		/* next ticket to print; drain lock holder only */
static _Atomic uint32_t drain_lock;

static volatile uint8_t *uart(void)
{
	return (volatile uint8_t *)BOARD_UART0;
}

static void uart_write(const char *s, size_t len)
{
	volatile uint8_t *u = uart();

	while (len--) {
		while (!(u[UART_LSR] & LSR_THRE))
			;
		u[UART_THR] = (uint8_t)*s++;
	}
}

static int committed(uint64_t ticket)
{
	return atomic_load_explicit(&ring[ticket % RING_SLOTS].seq, memory_order_acquire) ==
	       ticket / RING_SLOTS * 2 + 1;
}

/*
 * Prints every committed slot, in order, if no other hart is doing so. After
 * unlocking it looks again: a writer that committed while we held the lock lost the
 * try-lock and relies on us. The seq_cst fences on both sides (commit then try-lock,
 * unlock then look) make sure at least one of the two sees the other.
 */
static void drain(void)
{
	do {
		if (atomic_exchange_explicit(&drain_lock, 1, memory_order_acquire))
			return;
		while (committed(ring_head)) {
			struct slot *sl = &ring[ring_head % RING_SLOTS];

			uart_write(sl->buf, sl->len);
			atomic_store_explicit(&sl->seq, (ring_head / RING_SLOTS + 1) * 2,
					      memory_order_release);
			ring_head++;
		}
		atomic_store_explicit(&drain_lock, 0, memory_order_release);
		atomic_thread_fence(memory_order_seq_cst);
	} while (committed(ring_head));
}

static void put_slot(const char *s, size_t len)
{
	uint64_t ticket = atomic_fetch_add_explicit(&ring_tail, 1, memory_order_relaxed);
	struct slot *sl = &ring[ticket % RING_SLOTS];
	uint64_t round = ticket / RING_SLOTS * 2;

	while (atomic_load_explicit(&sl->seq, memory_order_acquire) != round)
		drain();
	for (size_t i = 0; i < len; i++)
		sl->buf[i] = s[i];
	sl->len = (uint32_t)len;
	atomic_store_explicit(&sl->seq, round + 1, memory_order_release);
	atomic_thread_fence(memory_order_seq_cst);
	drain();
}

void mm_console_write(const char *s, size_t len)
{
	while (len) {
		size_t n = len < SLOT_BYTES ? len : SLOT_BYTES;

		put_slot(s, n);
		s += n;
		len -= n;
	}
}

/* Before the machine stops: whatever is committed must be out. Bounded, in case a
 * writer died between its ticket and its commit. */
void mm_console_flush(void)
{
	for (unsigned long tries = 0; tries < 1000000; tries++) {
		drain();
		if (ring_head == atomic_load_explicit(&ring_tail, memory_order_acquire))
			return;
	}
}

/* Only DBCN read touches the receiver; two harts reading at once split the input. */
size_t mm_console_read(char *s, size_t len)
{
	volatile uint8_t *u = uart();
	size_t n = 0;

	while (n < len && (u[UART_LSR] & LSR_DR))
		s[n++] = (char)u[UART_RBR];
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
