/* SPDX-License-Identifier: BSD-2-Clause */
#include "hgei_errno.h"

const char *hgei_strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case HGEI_OK:		return "OK";
	case HGEI_EPERM:	return "EPERM";
	case HGEI_ENOENT:	return "ENOENT";
	case HGEI_EBUSY:	return "EBUSY";
	case HGEI_EEXIST:	return "EEXIST";
	case HGEI_ENODEV:	return "ENODEV";
	case HGEI_EINVAL:	return "EINVAL";
	case HGEI_ENOSPC:	return "ENOSPC";
	case HGEI_ERANGE:	return "ERANGE";
	case HGEI_EBADF:	return "EBADF";
	case HGEI_E2BIG:	return "E2BIG";
	default:		return "EUNKNOWN";
	}
}
