/* SPDX-License-Identifier: BSD-2-Clause */
/* Medians, the measurement overhead, and the one output format bench/run.sh parses. */
#include "bench_fw.h"

uint64_t bench_median(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

uint64_t bench_overhead(void)
{
	uint64_t d[BENCH_RUNS];

	for (unsigned r = 0; r < BENCH_RUNS; r++) {
		uint64_t t0 = bench_instret();

		d[r] = bench_instret() - t0;
	}
	return bench_median(d, BENCH_RUNS);
}

void bench_print(const char *metric, uint64_t value, const char *unit)
{
	fw_printf("bench: %s=%lu %s\n", metric, (unsigned long)value, unit);
}
