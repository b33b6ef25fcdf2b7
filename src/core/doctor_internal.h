/* doctor internals: what doctor.c shares with the cgroup checks and the probes. */
#ifndef NSLAB_DOCTOR_INTERNAL_H
#define NSLAB_DOCTOR_INTERNAL_H

#include <stddef.h>
#include <sys/utsname.h>

#include "nslab/doctor.h"

#define PATH_LEN 512

/* What doctor_run learns once and every check may use. */
struct doctor_ctx {
	struct utsname uts;
	int major, minor; /* kernel version, 0.0 when unparsable */
	int root;	  /* effective uid 0 in the initial user namespace */
	int ns_root;	  /* effective uid 0, but inside a user namespace */
};

/* Add a check to the report; checks past DOCTOR_MAX_CHECKS are dropped. */
__attribute__((format(printf, 4, 5))) void doctor_add_check(struct doctor_report *r, const char *name,
							    int status, const char *fmt, ...);
/* Append to a NUL-terminated buffer; silently stops when it is full. */
__attribute__((format(printf, 3, 4))) void doctor_appendf(char *buf, size_t size, const char *fmt, ...);
/* "EPERM" for EPERM; "unknown error" when the number has no name. */
const char *doctor_errno_name(int err);

/* The checks that live in their own files, in the order doctor_run calls them. */
void doctor_check_userns_unshare(struct doctor_report *r, const struct doctor_ctx *ctx);
void doctor_check_overlay_userns(struct doctor_report *r, const struct doctor_ctx *ctx);
void doctor_check_cgroups(struct doctor_report *r, const struct doctor_ctx *ctx);

#endif
