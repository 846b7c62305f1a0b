/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one table of error codes hartgei returns. Values match Linux/POSIX errno so a
 * hypervisor can pass them straight through; every API call returns 0 or one of these,
 * negated.
 */
#ifndef HGEI_ERRNO_H
#define HGEI_ERRNO_H

#define HGEI_OK		0
#define HGEI_EPERM	1	/* a local call made on another hart (host builds check) */
#define HGEI_ENOENT	2	/* no such hart, node or property */
#define HGEI_EBUSY	16	/* line or hart in a state that forbids the call */
#define HGEI_EEXIST	17	/* hart already named by another S-level IMSIC node */
#define HGEI_ENODEV	19	/* hart offline or without any usable line */
#define HGEI_EINVAL	22	/* bad argument: line 0, line > n, not allocated, foreign owner */
#define HGEI_ENOSPC	28	/* every line of the hart is allocated; table full */
#define HGEI_ERANGE	34	/* devicetree value outside the binding's range */
#define HGEI_EBADF	9	/* not a devicetree blob (bad magic, version, size) */
#define HGEI_E2BIG	7	/* more harts than the caller's table holds */

/** Short name of an error code ("EINVAL"); accepts the code negated or not. */
const char *hgei_strerror(int err);

#endif
