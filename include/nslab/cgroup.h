/* cgroups behind one interface, with a v2 (unified) and a v1 backend chosen at
 * run time. Every write and mkdir goes through the traced syscall layer. */
#ifndef NSLAB_CGROUP_H
#define NSLAB_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include "nslab/error.h"
#include "nslab/trace.h"

enum cgroup_version {
	CGROUP_NONE,
	CGROUP_V1,
	CGROUP_V2,
};

enum cgroup_controller {
	CG_MEMORY,
	CG_PIDS,
	CG_CPU,
	CG_CPUACCT,	/* v1 only: cpuacct.usage; on v2 cpu.stat has usage_usec */
	CG_COUNT
};

/* What the machine offers, found once. */
struct cgroup_system {
	int version;			/* enum cgroup_version */
	char root[PATH_MAX];		/* v2: the unified mount; v1: where the hierarchies are mounted */
	char v1_mount[CG_COUNT][PATH_MAX]; /* v1: the hierarchy holding each controller, "" if none */
	bool available[CG_COUNT];	/* the controller can be used */
	bool memsw;			/* v1 memory.memsw.* / v2 memory.swap.max exist */
	bool fake;			/* NSLAB_CGROUP_ROOT points at a plain directory tree (tests) */
};

/* Find the cgroup setup. NSLAB_CGROUP_ROOT (default /sys/fs/cgroup) and
 * NSLAB_CGROUP_VERSION (1, 2) override detection so tests can use a directory
 * tree laid out like cgroupfs; in a plain tree, files are created on write. */
int cgroup_detect(struct cgroup_system *cs, struct nslab_error *e);

struct cgroup_limits {
	long long memory;	/* bytes; 0: no limit */
	long long pids;		/* 0: no limit */
	int cpu_percent;	/* of one CPU, 1..(100 * CPUs); 0: no limit */
};

/* One container's cgroup: nslab/ID in each hierarchy it needs. */
struct cgroup {
	const struct cgroup_system *sys;
	char id[32];
	char dir[CG_COUNT][PATH_MAX];	/* v2: all the same dir; v1: one per controller used; "" unused */
	int dir_fd;			/* v2: O_PATH fd of the leaf, for CLONE_INTO_CGROUP; else -1 */
};

/* Which controllers these limits need. */
bool cgroup_limits_any(const struct cgroup_limits *l);
/* Create nslab/ID, enabling controllers on the way down on v2 (parent's
 * cgroup.subtree_control; processes stay in leaves), write the limits (and
 * memory.swap.max 0 / memory.memsw.limit_in_bytes, swappiness 0 on v1, so
 * the limit is a limit and not a push to swap). Explains EBUSY from the v2
 * no-internal-processes rule. On failure, removes what it made. */
int cgroup_create(const struct cgroup_system *cs, const char *id, const struct cgroup_limits *l, struct trace *t,
		  struct cgroup *cg, struct nslab_error *e);
/* Move pid into the cgroup (cgroup.procs in every hierarchy used). */
int cgroup_add_pid(const struct cgroup *cg, pid_t pid, struct trace *t, struct nslab_error *e);
/* Remove the leaf dirs (after every process left; retries EBUSY briefly,
 * killing what is left in cgroup.procs if kill_rest). */
int cgroup_destroy(struct cgroup *cg, bool kill_rest, struct trace *t, struct nslab_error *e);
/* Remove a cgroup dir by path, as `nslab cleanup` finds it in a state dir. */
int cgroup_remove_path(const char *dir, struct trace *t, struct nslab_error *e);

struct cgroup_stats {
	long long mem_current, mem_peak, mem_limit;	/* -1: unknown */
	long long mem_failcnt;				/* v1 memory.failcnt; v2 memory.events max */
	long long oom, oom_kill;			/* v2 memory.events; v1 memory.oom_control oom_kill */
	long long pids_current, pids_max;		/* pids_max -1: max */
	long long cpu_usage_ns;
	long long cpu_periods, cpu_throttled, cpu_throttled_ns;
	long long cpu_quota_us, cpu_period_us;		/* quota -1: max */
};

/* Read every figure the backend has; missing files leave -1. */
int cgroup_read_stats(const struct cgroup *cg, struct cgroup_stats *st);

/* `cgroup info`: version, where, controllers, and the knobs' names in both
 * versions side by side (memory.limit_in_bytes <-> memory.max, ...). */
void cgroup_info_print(const struct cgroup_system *cs, FILE *out);
/* `mem`: usage, peak, limit, failcnt, OOM kills, as text. */
void cgroup_stats_print(const struct cgroup_stats *st, FILE *out);

/* Pure parsers, exposed for tests. */
/* "max" -> -1, a number -> it; -EINVAL on garbage. */
int cgroup_parse_value(const char *text, long long *out);
/* Find "key N" in a flat-keyed file (memory.events, cpu.stat, memory.oom_control). */
int cgroup_parse_keyed(const char *text, const char *key, long long *out);

#endif
