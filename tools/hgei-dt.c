/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hgei-dt: prints what devicetree discovery finds in a DTB, with the same library
 * code the firmware runs. Exit 0: clean, 1: errors found, 2: not a valid DTB.
 *   hgei-dt [--json] FILE.dtb|-
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "hgei_dt.h"
#include "hgei_errno.h"

#define EXIT_ERRORS	1
#define EXIT_BAD_DTB	2

/* Reads a whole file (or stdin for "-"); returns NULL with errno set on failure. */
static char *read_blob(const char *path, size_t *size)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = 1 << 16, n = 0, got;
	char *buf = NULL, *p;

	if (!f)
		return NULL;
	do {
		if (n == cap || !buf) {
			cap = buf ? cap * 2 : cap;
			p = realloc(buf, cap);
			if (!p)
				break;
			buf = p;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	if (ferror(f) || !buf) {
		free(buf);
		buf = NULL;
		errno = errno ? errno : EIO;
	}
	if (f != stdin)
		fclose(f);
	*size = n;
	return buf;
}

/* Every hart of a node asks for the same path, and fdt_get_path() is linear: cache one. */
static const char *node_path(const void *fdt, int node)
{
	static char path[512];
	static int cached = -1;

	if (node >= 0 && node == cached)
		return path;
	cached = -1;
	if (node < 0 || fdt_get_path(fdt, node, path, sizeof(path)))
		snprintf(path, sizeof(path), "<offset %d>", node);
	else
		cached = node;
	return path;
}

/* JSON string; bytes outside printable ASCII are escaped so output always parses. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20 || ch > 0x7e)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static void print_json(const void *fdt, const struct hgei_dt_table *t)
{
	uint32_t i;

	printf("{\"harts\":[");
	for (i = 0; i < t->nr_harts; i++) {
		const struct hgei_dt_hart *h = &t->harts[i];

		printf("%s{\"hartid\":%u,\"node\":", i ? "," : "", h->hartid);
		json_str(node_path(fdt, h->node));
		printf(",\"group\":%u,\"index\":%u,\"slot_pa\":\"0x%llx\",\"dt_guest_files\":%u}",
		       h->group, h->index, (unsigned long long)h->slot_pa, h->dt_guest_files);
	}
	printf("],\"errors\":[");
	for (i = 0; i < t->nr_errors; i++) {
		const struct hgei_dt_error *e = &t->errors[i];

		printf("%s{\"node\":", i ? "," : "");
		if (e->node < 0)
			printf("null");
		else
			json_str(node_path(fdt, e->node));
		if (e->hartid == HGEI_DT_NO_HART)
			printf(",\"hartid\":null,\"message\":");
		else
			printf(",\"hartid\":%u,\"message\":", e->hartid);
		json_str(e->message);
		putchar('}');
	}
	if (t->nr_errors_dropped)
		printf("%s{\"node\":null,\"hartid\":null,\"message\":\"%u more errors dropped\"}",
		       t->nr_errors ? "," : "", t->nr_errors_dropped);
	printf("]}\n");
}

static void print_text(const void *fdt, const struct hgei_dt_table *t)
{
	uint32_t i;

	for (i = 0; i < t->nr_harts; i++) {
		const struct hgei_dt_hart *h = &t->harts[i];

		printf("hart %u: %s index %u group %u slot 0x%llx guest-files %u (raw %u, guest-index-bits %u)",
		       h->hartid, node_path(fdt, h->node), h->index,
		       h->group, (unsigned long long)h->slot_pa, h->dt_guest_files,
		       h->raw_guest_files, h->guest_index_bits);
		if (h->err)
			printf(" unusable: %s", hgei_strerror(h->err));
		putchar('\n');
	}
	for (i = 0; i < t->nr_errors; i++) {
		const struct hgei_dt_error *e = &t->errors[i];

		fprintf(stderr, "hgei-dt: %s: ", e->node < 0 ? "blob" :
			node_path(fdt, e->node));
		if (e->hartid != HGEI_DT_NO_HART)
			fprintf(stderr, "hart %u: ", e->hartid);
		fprintf(stderr, "%s (%s)\n", e->message, hgei_strerror(e->code));
	}
	if (t->nr_errors_dropped)
		fprintf(stderr, "hgei-dt: %u more errors dropped\n", t->nr_errors_dropped);
}

/*
 * The firmware trusts the header checks alone; the host can afford libfdt's full
 * structure check (one more linear pass) and then refuses the blob outright.
 */
static int check_full(const void *fdt, size_t size, struct hgei_dt_table *t, int ret)
{
	int err = fdt_check_full(fdt, size);
	struct hgei_dt_error *e = &t->errors[0];

	if (!err)
		return ret;
	t->nr_harts = 0;
	t->nr_errors = 1;
	t->nr_errors_dropped = 0;
	e->node = -1;
	e->hartid = HGEI_DT_NO_HART;
	e->code = -HGEI_EBADF;
	snprintf(e->message, sizeof(e->message), "malformed blob: %s", fdt_strerror(err));
	return -HGEI_EBADF;
}

/* A one-error table for failures before discovery could run (unreadable file). */
static int fail(bool json, const char *path, const char *why)
{
	fprintf(stderr, "hgei-dt: %s: %s\n", path, why);
	if (json) {
		printf("{\"harts\":[],\"errors\":[{\"node\":null,\"hartid\":null,\"message\":");
		json_str(why);
		printf("}]}\n");
	}
	return EXIT_BAD_DTB;
}

int main(int argc, char **argv)
{
	struct hgei_dt_table t = { 0 };
	bool json = argc == 3 && !strcmp(argv[1], "--json");
	const char *path = argv[argc - 1];
	size_t size;
	char *fdt;
	int n, ret;

	if (argc != 2 + json || !strncmp(path, "--", 2)) {
		fprintf(stderr, "usage: hgei-dt [--json] FILE.dtb|-\n");
		return EXIT_BAD_DTB;
	}
	fdt = read_blob(path, &size);
	if (!fdt)
		return fail(json, path, strerror(errno));
	n = hgei_dt_count_cpus(fdt, size);
	t.max_harts = t.max_cpus = n > 0 ? (uint32_t)n : 1;
	t.max_errors = 2 * t.max_harts + 64;
	t.harts = calloc(t.max_harts, sizeof(*t.harts));
	t.cpus = calloc(t.max_cpus, sizeof(*t.cpus));
	t.errors = calloc(t.max_errors, sizeof(*t.errors));
	if (!t.harts || !t.cpus || !t.errors)
		return fail(json, path, "out of memory");
	ret = hgei_dt_discover(fdt, size, &t);
	if (ret != -HGEI_EBADF)
		ret = check_full(fdt, size, &t, ret);
	if (json)
		print_json(fdt, &t);
	else
		print_text(fdt, &t);
	free(t.harts);
	free(t.cpus);
	free(t.errors);
	free(fdt);
	if (ret == -HGEI_EBADF)
		return EXIT_BAD_DTB;
	return ret ? EXIT_ERRORS : 0;
}
