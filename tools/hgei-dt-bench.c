/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hgei-dt-bench: what hgei_dt_discover() costs on real blobs. Prints, per file, the
 * blob size, the harts found and the mean wall time of one discovery over many runs.
 *   hgei-dt-bench [-n RUNS] FILE.dtb...
 * For instruction counts: valgrind --tool=callgrind --toggle-collect=hgei_dt_discover
 *   build/tools/hgei-dt-bench -n 1 FILE.dtb
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "hgei_dt.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void *load(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	void *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET))
		return NULL;
	/* libfdt wants the blob 8-byte aligned; malloc's alignment is enough. */
	buf = malloc((size_t)n);
	*size = buf ? fread(buf, 1, (size_t)n, f) : 0;
	fclose(f);
	return buf;
}

static int bench(const char *path, long runs)
{
	struct hgei_dt_table t = { 0 };
	size_t size;
	void *fdt = load(path, &size);
	double t0, ns;
	long i;
	int n, ret = 0;

	n = fdt ? hgei_dt_count_cpus(fdt, size) : -1;
	if (n < 0) {
		fprintf(stderr, "hgei-dt-bench: %s: not a readable DTB\n", path);
		free(fdt);
		return 1;
	}
	t.max_harts = t.max_cpus = (uint32_t)n;
	t.max_errors = 16;
	t.harts = calloc((size_t)n + 1, sizeof(*t.harts));
	t.cpus = calloc((size_t)n + 1, sizeof(*t.cpus));
	t.errors = calloc(t.max_errors, sizeof(*t.errors));
	t0 = now_ns();
	for (i = 0; i < runs; i++)
		ret |= hgei_dt_discover(fdt, size, &t);
	ns = (now_ns() - t0) / (double)runs;
	printf("%s: %zu bytes, %u harts, %.0f ns per discovery, %.1f ns per hart%s\n",
	       path, size, t.nr_harts, ns, t.nr_harts ? ns / t.nr_harts : 0.0,
	       ret ? " (errors)" : "");
	free(t.harts);
	free(t.cpus);
	free(t.errors);
	free(fdt);
	return 0;
}

int main(int argc, char **argv)
{
	long runs = 2000;
	int i = 1, err = 0;

	if (argc > 2 && !strcmp(argv[1], "-n")) {
		runs = atol(argv[2]);
		i = 3;
	}
	if (i >= argc || runs <= 0) {
		fprintf(stderr, "usage: hgei-dt-bench [-n RUNS] FILE.dtb...\n");
		return 2;
	}
	for (; i < argc; i++)
		err |= bench(argv[i], runs);
	return err;
}
