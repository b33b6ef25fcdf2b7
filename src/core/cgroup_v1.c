/* cgroup v1 backend: one hierarchy per controller (or co-mounted group), nslab/ID in each one used. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "nslab/probe.h"
#include "nslab/util.h"
#include "cgroup_internal.h"

static const char *const v1_names[CG_COUNT] = {"memory", "pids", "cpu", "cpuacct"};

/* v1 writes "no limit" as the largest page-aligned value, 9223372036854771712
 * with 4 KiB pages; anything this close to 2^63 means none. */
#define V1_UNLIMITED (LLONG_MAX - (1LL << 20))

struct v1_scan {
	const char *root;
	struct cgroup_system *cs; /* NULL: only count */
	int mounts;
};

static bool path_under(const char *path, const char *root)
{
	size_t len = strlen(root);
	if (len == 1 && root[0] == '/')
		return true;
	return strncmp(path, root, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

/* The superoptions of a v1 mount list its controllers: "rw,memory", "rw,cpu,cpuacct". */
static void v1_visit(const struct mount_info *m, void *data)
{
	struct v1_scan *s = data;

	if (strcmp(m->fstype, "cgroup") != 0 || !path_under(m->target, s->root))
		return;
	s->mounts++;
	for (int c = 0; s->cs && c < CG_COUNT; c++) {
		if (!s->cs->v1_mount[c][0] && cg_words_has(m->super, v1_names[c]))
			snprintf(s->cs->v1_mount[c], sizeof(s->cs->v1_mount[c]), "%s", m->target);
	}
}

static void v1_scan_text(struct v1_scan *s, const char *mountinfo)
{
	if (mountinfo)
		probe_mounts_each(mountinfo, v1_visit, s);
}

int cgroup_v1_mounts_under(const char *mountinfo, const char *root)
{
	struct v1_scan s = {.root = root};
	v1_scan_text(&s, mountinfo);
	return s.mounts;
}

/* A fake tree: ROOT/memory, ROOT/pids, ROOT/cpu, ROOT/cpuacct or ROOT/cpu,cpuacct dirs. */
static int v1_fake_dirs(struct cgroup_system *cs)
{
	int found = 0;
	for (int c = 0; c < CG_COUNT; c++) {
		const char *name = v1_names[c];
		if ((c == CG_CPU || c == CG_CPUACCT) && !cg_exists(cs->root, name))
			name = "cpu,cpuacct";
		if (cg_exists(cs->root, name) && cg_path(cs->v1_mount[c], sizeof(cs->v1_mount[c]), cs->root, name) == 0)
			found++;
	}
	return found;
}

int cgroup_v1_detect(struct cgroup_system *cs, const char *mountinfo, bool forced, struct nslab_error *e)
{
	struct v1_scan s = {.root = cs->root, .cs = cs};

	if (cg_fs_magic_is(cs->root, CGROUP2_SUPER_MAGIC))
		return nslab_error_set(e, EINVAL, "", "%s is cgroup2, not a place for v1 hierarchies", cs->root);
	v1_scan_text(&s, mountinfo);
	if (!s.mounts && !(forced && v1_fake_dirs(cs)))
		return nslab_error_set(e, ENOENT, "", "no cgroup v1 hierarchies under %s", cs->root);
	cs->version = CGROUP_V1;
	cs->fake = !s.mounts;
	for (int c = 0; c < CG_COUNT; c++)
		cs->available[c] = cs->v1_mount[c][0] != '\0';
	cs->memsw = cs->available[CG_MEMORY] && cg_exists(cs->v1_mount[CG_MEMORY], "memory.memsw.limit_in_bytes");
	return 0;
}

/* ---- create -------------------------------------------------------------- */

/* Another nslab may remove the empty parent between the two mkdirs: go round again. */
static int mkdir_leaf(const struct cgroup_system *cs, const char *parent, const char *leaf, struct trace *t,
                      struct nslab_error *e)
{
	for (int attempt = 0;; attempt++) {
		if (cg_mkdir(t, parent, true, "the shared parent of nslab's cgroups in this hierarchy (EEXIST is fine)",
		             e) < 0)
			return -1;
		if (cg_mkdir(t, leaf, false,
		             "v1 has a tree per controller: the same cgroup is made once in each hierarchy it needs",
		             e) == 0)
			return 0;
		if (e->err != ENOENT || attempt == 2)
			break;
	}
	cg_remove_parent(leaf, cs->fake, t);
	return -1;
}

/* mount/nslab/ID for controller c, or the dir already made in a co-mounted hierarchy. */
static int make_leaf(struct cgroup *cg, int c, struct trace *t, struct nslab_error *e)
{
	const struct cgroup_system *cs = cg->sys;
	char parent[PATH_MAX], leaf[PATH_MAX];

	for (int j = 0; j < c; j++) {
		if (cg->dir[j][0] && strcmp(cs->v1_mount[j], cs->v1_mount[c]) == 0) {
			memcpy(cg->dir[c], cg->dir[j], sizeof(cg->dir[c]));
			return 0;
		}
	}
	if (cg_path(parent, sizeof(parent), cs->v1_mount[c], CG_PARENT) < 0 ||
	    cg_path(leaf, sizeof(leaf), parent, cg->id) < 0)
		return nslab_error_set(e, ENAMETOOLONG, "", "cgroup path too long under %s", cs->v1_mount[c]);
	if (mkdir_leaf(cs, parent, leaf, t, e) < 0)
		return -1;
	snprintf(cg->dir[c], sizeof(cg->dir[c]), "%s", leaf);
	return 0;
}

static int write_memory(const struct cgroup *cg, long long bytes, struct trace *t, struct nslab_error *e)
{
	const struct cgroup_system *cs = cg->sys;
	const char *d = cg->dir[CG_MEMORY];
	char text[32];

	snprintf(text, sizeof(text), "%lld", bytes);
	if (cg_write(cs, t, d, "memory.limit_in_bytes", text,
	             "memory.limit_in_bytes: above this the kernel reclaims, then the OOM killer ends a process in "
	             "the cgroup",
	             e) < 0)
		return -1;
	/* memsw may not be below limit_in_bytes, so it comes second. */
	if (cs->memsw &&
	    cg_write(cs, t, d, "memory.memsw.limit_in_bytes", text,
	             "memsw counts memory + swap: the same value means swap cannot stretch the limit", e) < 0)
		return -1;
	if (cg_write(cs, t, d, "memory.swappiness", "0",
	             "swappiness 0: reclaim in this cgroup does not push its memory out to swap", e) < 0)
		return -1;
	return cg_write(cs, t, d, "memory.oom_control", "0",
	                "oom_kill_disable 0: at the limit the OOM killer ends a process (1 would freeze them all)", e);
}

static int write_cpu(const struct cgroup *cg, int percent, struct trace *t, struct nslab_error *e)
{
	char text[32];

	snprintf(text, sizeof(text), "%d", CG_PERIOD_US);
	if (cg_write(cg->sys, t, cg->dir[CG_CPU], "cpu.cfs_period_us", text,
	             "the CFS bandwidth period: the quota is handed out afresh every this many us", e) < 0)
		return -1;
	snprintf(text, sizeof(text), "%lld", (long long)percent * CG_PERIOD_US / 100);
	return cg_write(cg->sys, t, cg->dir[CG_CPU], "cpu.cfs_quota_us", text,
	                "CPU time (us) the cgroup may use per period; then it waits (is throttled)", e);
}

static int write_limits(const struct cgroup *cg, const struct cgroup_limits *l, struct trace *t, struct nslab_error *e)
{
	if (l->memory > 0 && write_memory(cg, l->memory, t, e) < 0)
		return -1;
	if (l->pids > 0 && cg_write_pids(cg, l->pids, t, e) < 0)
		return -1;
	if (l->cpu_percent > 0 && write_cpu(cg, l->cpu_percent, t, e) < 0)
		return -1;
	return 0;
}

static int v1_create(struct cgroup *cg, const struct cgroup_limits *l, struct trace *t, struct nslab_error *e)
{
	for (int c = 0; c < CG_COUNT; c++) {
		/* cpuacct costs nothing and gives the CPU time used, limit or not. */
		bool used = cgroup_limits_need(l, c) || c == CG_CPUACCT;
		if (used && cg->sys->available[c] && make_leaf(cg, c, t, e) < 0)
			return -1;
	}
	return write_limits(cg, l, t, e);
}

/* ---- stats --------------------------------------------------------------- */

/* A charge is tried against memsw first when it exists, and a failure there
 * is counted only in memory.memsw.failcnt: each limit hit is in one of the two. */
static void read_failcnt(const char *dir, struct cgroup_stats *st, int *found)
{
	long long memsw = -1;
	cg_read_value(dir, "memory.failcnt", &st->mem_failcnt, found);
	cg_read_value(dir, "memory.memsw.failcnt", &memsw, found);
	if (st->mem_failcnt >= 0 && memsw > 0)
		st->mem_failcnt += memsw;
}

static void v1_read_stats(const struct cgroup *cg, struct cgroup_stats *st, int *found)
{
	const char *mem = cg->dir[CG_MEMORY], *pids = cg->dir[CG_PIDS], *cpu = cg->dir[CG_CPU];

	cg_read_value(mem, "memory.usage_in_bytes", &st->mem_current, found);
	cg_read_value(mem, "memory.max_usage_in_bytes", &st->mem_peak, found);
	cg_read_value(mem, "memory.limit_in_bytes", &st->mem_limit, found);
	if (st->mem_limit >= V1_UNLIMITED)
		st->mem_limit = -1;
	read_failcnt(mem, st, found);
	cg_read_keyed(mem, "memory.oom_control", "oom_kill", &st->oom_kill, found);
	cg_read_value(pids, "pids.current", &st->pids_current, found);
	cg_read_value(pids, "pids.max", &st->pids_max, found);
	cg_read_value(cg->dir[CG_CPUACCT], "cpuacct.usage", &st->cpu_usage_ns, found);
	cg_read_keyed(cpu, "cpu.stat", "nr_periods", &st->cpu_periods, found);
	cg_read_keyed(cpu, "cpu.stat", "nr_throttled", &st->cpu_throttled, found);
	cg_read_keyed(cpu, "cpu.stat", "throttled_time", &st->cpu_throttled_ns, found);
	cg_read_value(cpu, "cpu.cfs_quota_us", &st->cpu_quota_us, found);
	cg_read_value(cpu, "cpu.cfs_period_us", &st->cpu_period_us, found);
}

const struct cgroup_backend cgroup_v1_backend = {
    .create = v1_create,
    .read_stats = v1_read_stats,
};
