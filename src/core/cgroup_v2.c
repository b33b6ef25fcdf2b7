/* cgroup v2 backend: one unified tree, controllers handed down through cgroup.subtree_control. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "nslab/util.h"
#include "cgroup_internal.h"

static const char *const v2_names[] = {[CG_MEMORY] = "memory", [CG_PIDS] = "pids", [CG_CPU] = "cpu"};

/* memory.swap.max appears only in non-root cgroups with the memory controller
 * and swap accounting, so look one level down (init.scope, system.slice, nslab). */
static bool swap_max_somewhere(const char *root)
{
	_cleanup_closedir_ DIR *d = opendir(root);
	for (struct dirent *ent; d && (ent = readdir(d));) {
		char dir[PATH_MAX];
		if (ent->d_type != DT_DIR || ent->d_name[0] == '.')
			continue;
		if (cg_path(dir, sizeof(dir), root, ent->d_name) == 0 && cg_exists(dir, "memory.swap.max"))
			return true;
	}
	return false;
}

static void read_controllers(struct cgroup_system *cs)
{
	char path[PATH_MAX + 64], text[512];
	if (cg_path(path, sizeof(path), cs->root, "cgroup.controllers") < 0 ||
	    read_file_at(AT_FDCWD, path, text, sizeof(text)) < 0)
		return;
	for (int c = CG_MEMORY; c <= CG_CPU; c++)
		cs->available[c] = cg_words_has(text, v2_names[c]);
}

int cgroup_v2_detect(struct cgroup_system *cs, const char *mountinfo, bool forced, struct nslab_error *e)
{
	bool real = cg_fs_magic_is(cs->root, CGROUP2_SUPER_MAGIC);

	if (!real && !forced)
		return nslab_error_set(e, ENOENT, "", "%s is not a cgroup2 mount", cs->root);
	if (!real && (cg_fs_magic_is(cs->root, CGROUP_SUPER_MAGIC) || cgroup_v1_mounts_under(mountinfo, cs->root)))
		return nslab_error_set(e, EINVAL, "",
		                       "NSLAB_CGROUP_VERSION=2, but %s holds cgroup v1 hierarchies: point "
		                       "NSLAB_CGROUP_ROOT at a cgroup2 mount (on hybrid machines often %s/unified)",
		                       cs->root, cs->root);
	if (access(cs->root, F_OK) < 0)
		return nslab_error_set(e, errno, "", "cgroup root %s: %s", cs->root, strerror(errno));
	cs->version = CGROUP_V2;
	cs->fake = !real;
	read_controllers(cs);
	cs->memsw = swap_max_somewhere(cs->root);
	return 0;
}

/* ---- create -------------------------------------------------------------- */

/* "+memory +pids +cpu", only what the limits use. */
static void enable_text(const struct cgroup_limits *l, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int c = CG_MEMORY; c <= CG_CPU; c++) {
		if (cgroup_limits_need(l, c))
			str_appendf(buf, size, &len, "%s+%s", len ? " " : "", v2_names[c]);
	}
}

static int enable_controllers(const struct cgroup_system *cs, struct trace *t, const char *dir, const char *text,
                              struct nslab_error *e)
{
	int r = cg_write(cs, t, dir, "cgroup.subtree_control", text,
	                 "v2 enables controllers top-down: this lets the cgroups below use them", e);
	if (r == -EBUSY)
		return nslab_error_set(e, EBUSY, "write cgroup.subtree_control",
		                       "cannot write '%s' to %s/cgroup.subtree_control: the cgroup %s has "
		                       "processes in it, and cgroup v2's no-internal-processes rule lets only a "
		                       "cgroup without processes hand controllers to its children; keep processes "
		                       "in leaf cgroups (move them into a child cgroup first)",
		                       text, dir, dir);
	if (r == -ENOENT)
		return nslab_error_set(e, ENOENT, "write cgroup.subtree_control",
		                       "cannot write '%s' to %s/cgroup.subtree_control: a controller there is not "
		                       "in %s/cgroup.controllers (its parent does not hand it down)",
		                       text, dir, dir);
	return r;
}

static int write_memory(const struct cgroup *cg, long long bytes, struct trace *t, struct nslab_error *e)
{
	const char *leaf = cg->dir[CG_MEMORY];
	char text[32];

	snprintf(text, sizeof(text), "%lld", bytes);
	if (cg_write(cg->sys, t, leaf, "memory.max", text,
	             "memory.max: above this the kernel reclaims, then the OOM killer ends a process in the cgroup",
	             e) < 0)
		return -1;
	if (cg->sys->fake ? !cg->sys->memsw : !cg_exists(leaf, "memory.swap.max"))
		return 0;
	return cg_write(cg->sys, t, leaf, "memory.swap.max", "0",
	                "memory.swap.max 0: no swap, so the memory limit is the whole budget", e);
}

static int write_limits(const struct cgroup *cg, const struct cgroup_limits *l, struct trace *t, struct nslab_error *e)
{
	char text[48];

	if (l->memory > 0 && write_memory(cg, l->memory, t, e) < 0)
		return -1;
	if (l->pids > 0 && cg_write_pids(cg, l->pids, t, e) < 0)
		return -1;
	snprintf(text, sizeof(text), "%lld %d", (long long)l->cpu_percent * CG_PERIOD_US / 100, CG_PERIOD_US);
	if (l->cpu_percent > 0 &&
	    cg_write(cg->sys, t, cg->dir[CG_CPU], "cpu.max", text,
	             "cpu.max QUOTA PERIOD: the cgroup may run QUOTA us of CPU time every PERIOD us, then it "
	             "waits (is throttled) until the next period",
	             e) < 0)
		return -1;
	return 0;
}

/* 1 when the parent vanished between its mkdir and the leaf's (another nslab's
 * cgroup_destroy removed it as empty): the caller goes round again. */
static int try_make_leaf(const struct cgroup_system *cs, const char *parent, const char *leaf, const char *enable,
                         struct trace *t, struct nslab_error *e)
{
	if (enable[0] && enable_controllers(cs, t, cs->root, enable, e) < 0)
		return -1;
	if (cg_mkdir(t, parent, true, "the shared parent of nslab's cgroups (EEXIST is fine)", e) < 0)
		return -1;
	if (enable[0] && enable_controllers(cs, t, parent, enable, e) < 0)
		return e->err == ENOENT && access(parent, F_OK) < 0 ? 1 : -1;
	if (cg_mkdir(t, leaf, false, "mkdir in cgroupfs makes a cgroup; the kernel fills it with interface files", e) ==
	    0)
		return 0;
	if (e->err == ENOENT)
		return 1;
	cg_remove_parent(leaf, cs->fake, t);
	return -1;
}

static int make_leaf(struct cgroup *cg, const char *enable, struct trace *t, struct nslab_error *e)
{
	const struct cgroup_system *cs = cg->sys;
	char parent[PATH_MAX], leaf[PATH_MAX];
	int r = 1;

	if (cg_path(parent, sizeof(parent), cs->root, CG_PARENT) < 0 || cg_path(leaf, sizeof(leaf), parent, cg->id) < 0)
		return nslab_error_set(e, ENAMETOOLONG, "", "cgroup path too long under %s", cs->root);
	for (int attempt = 0; attempt < 3 && r == 1; attempt++)
		r = try_make_leaf(cs, parent, leaf, enable, t, e);
	if (r != 0)
		return -1;
	for (int c = 0; c < CG_COUNT; c++)
		snprintf(cg->dir[c], sizeof(cg->dir[c]), "%s", leaf);
	return 0;
}

static int v2_create(struct cgroup *cg, const struct cgroup_limits *l, struct trace *t, struct nslab_error *e)
{
	char enable[64];

	enable_text(l, enable, sizeof(enable));
	if (make_leaf(cg, enable, t, e) < 0 || write_limits(cg, l, t, e) < 0)
		return -1;
	/* Kept for clone3(CLONE_INTO_CGROUP): the child starts inside, with no window outside the limits. */
	cg->dir_fd = open(cg->dir[CG_MEMORY], O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cg->dir_fd < 0)
		return nslab_error_set(e, errno, "open", "open %s: %s", cg->dir[CG_MEMORY], strerror(errno));
	return 0;
}

/* ---- stats --------------------------------------------------------------- */

/* cpu.max: "max 100000" or "50000 100000". */
static void read_cpu_max(const char *dir, struct cgroup_stats *st, int *found)
{
	char path[PATH_MAX + 64], text[64], quota[32];
	long long q, p;

	if (cg_path(path, sizeof(path), dir, "cpu.max") < 0 || read_file_at(AT_FDCWD, path, text, sizeof(text)) < 0)
		return;
	size_t len = strcspn(text, " ");
	if (!text[len] || len >= sizeof(quota))
		return;
	snprintf(quota, sizeof(quota), "%.*s", (int)len, text);
	if (cgroup_parse_value(quota, &q) < 0 || cgroup_parse_value(text + len + 1, &p) < 0)
		return;
	st->cpu_quota_us = q;
	st->cpu_period_us = p;
	(*found)++;
}

static void usec_to_ns(long long *v)
{
	if (*v >= 0)
		*v *= 1000;
}

static void v2_read_stats(const struct cgroup *cg, struct cgroup_stats *st, int *found)
{
	const char *d = cg->dir[CG_MEMORY];

	cg_read_value(d, "memory.current", &st->mem_current, found);
	cg_read_value(d, "memory.peak", &st->mem_peak, found);
	cg_read_value(d, "memory.max", &st->mem_limit, found);
	cg_read_keyed(d, "memory.events", "max", &st->mem_failcnt, found);
	cg_read_keyed(d, "memory.events", "oom", &st->oom, found);
	cg_read_keyed(d, "memory.events", "oom_kill", &st->oom_kill, found);
	cg_read_value(d, "pids.current", &st->pids_current, found);
	cg_read_value(d, "pids.max", &st->pids_max, found);
	cg_read_keyed(d, "cpu.stat", "usage_usec", &st->cpu_usage_ns, found);
	cg_read_keyed(d, "cpu.stat", "nr_periods", &st->cpu_periods, found);
	cg_read_keyed(d, "cpu.stat", "nr_throttled", &st->cpu_throttled, found);
	cg_read_keyed(d, "cpu.stat", "throttled_usec", &st->cpu_throttled_ns, found);
	usec_to_ns(&st->cpu_usage_ns);
	usec_to_ns(&st->cpu_throttled_ns);
	read_cpu_max(d, st, found);
}

const struct cgroup_backend cgroup_v2_backend = {
    .create = v2_create,
    .read_stats = v2_read_stats,
};
