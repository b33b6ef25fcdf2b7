/* doctor: what this machine allows for containers, and why. */
#ifndef NSLAB_DOCTOR_H
#define NSLAB_DOCTOR_H

#include <stddef.h>
#include <stdio.h>

enum doctor_status {
	DOCTOR_OK,
	DOCTOR_WARN,
	DOCTOR_NO,
	DOCTOR_INFO,
};

struct doctor_check {
	char name[64];
	int status;		/* enum doctor_status */
	char detail[512];	/* what was found and, when not OK, why and what to do */
};

#define DOCTOR_MAX_CHECKS 64

struct doctor_report {
	struct doctor_check checks[DOCTOR_MAX_CHECKS];
	size_t n;
};

/* Probe the machine; never fails as a whole, each check says what it found. */
void doctor_run(struct doctor_report *r);
void doctor_print(const struct doctor_report *r, FILE *out);

/* Pure helpers, exposed for unit tests. */
/* 1 if the mount at "/" in this mountinfo text is shared, 0 if not, -1 if not found. */
int doctor_root_is_shared(const char *mountinfo);
/* Parse "a b c" cgroup.controllers text into a comma list in out. */
void doctor_controllers_list(const char *text, char *out, size_t size);
/* The cgroup v1 controllers (fstype "cgroup") mounted at or under root, per this
 * mountinfo text, as a comma list without duplicates; returns how many. */
int doctor_cgroup_v1_controllers(const char *mountinfo, const char *root, char *out, size_t size);
/* From /proc/PID/cgroup text, the path of the hierarchy holding controller
 * ("" or NULL: the cgroup2 "0::" line) into out; 0, or -1 when absent. */
int doctor_proc_cgroup_path(const char *text, const char *controller, char *out, size_t size);

#endif
