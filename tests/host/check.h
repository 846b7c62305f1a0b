/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Minimal assertion helpers for host tests. Every CHECK counts as one assertion;
 * check_summary() prints the closing "N passed, N failed" line that tests/run.sh sums,
 * and returns the process exit status.
 */
#ifndef HGEI_TEST_CHECK_H
#define HGEI_TEST_CHECK_H

#include <stdio.h>
#include <stdatomic.h>

static atomic_uint check_passed, check_failed;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		atomic_fetch_add(&check_passed, 1);			\
	} else {							\
		atomic_fetch_add(&check_failed, 1);			\
		fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
	}								\
} while (0)

#define CHECK_EQ(a, b) do {						\
	long long __a = (long long)(a), __b = (long long)(b);		\
	CHECK(__a == __b, "%lld != %lld", __a, __b);			\
} while (0)

static inline int check_summary(const char *suite)
{
	unsigned p = atomic_load(&check_passed), f = atomic_load(&check_failed);

	printf("%s: %u passed, %u failed\n", suite, p, f);
	return f ? 1 : 0;
}

#endif
