/* cgroups behind one interface: detection, the shared create/join/remove steps, stats, parsers, printing. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "nslab/cgroup.h"
#include "nslab/size.h"
#include "nslab/sys.h"
#include "nslab/util.h"
#include "cgroup_internal.h"
#include "doctor_internal.h"

/* How long cgroup_destroy keeps retrying a busy rmdir. */
#define REMOVE_WAIT_NS (2000ULL * 1000 * 1000)
/* How deep cgroups made inside a container's cgroup are followed when removing it. */
#define MAX_NESTING 8

static const char *const controller_names[CG_COUNT] = {"memory", "pids", "cpu", "cpuacct"};

/* ---- small shared helpers ------------------------------------------------ */

int cg_path(char *buf, size_t size, const char *dir, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", dir, name);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

bool cg_exists(const char *dir, const char *name)
{
	char path[PATH_MAX + 64];
	return cg_path(path, sizeof(path), dir, name) == 0 && access(path, F_OK) == 0;
}

bool cg_words_has(const char *text, const char *word)
{
	size_t wlen = strlen(word);
	for (const char *p = text ? text : ""; *p;) {
		p += strspn(p, " \t\n,");
		size_t len = strcspn(p, " \t\n,");
		if (len == wlen && strncmp(p, word, len) == 0)
			return true;
		p += len;
	}
	return false;
}

bool cg_fs_magic_is(const char *path, unsigned long magic)
{
	struct statfs st;
	return statfs(path, &st) == 0 && (unsigned long)st.f_type == magic;
}

static bool is_cgroupfs(const char *path)
{
	return cg_fs_magic_is(path, CGROUP2_SUPER_MAGIC) || cg_fs_magic_is(path, CGROUP_SUPER_MAGIC);
}

int cg_mkdir(struct trace *t, const char *dir, bool exist_ok, const char *note, struct nslab_error *e)
{
	int r = sys_traced_mkdir(t, dir, 0755, note);
	if (r == 0 || (r == -EEXIST && exist_ok))
		return 0;
	if (r == -EEXIST)
		return nslab_error_set(e, EEXIST, "mkdir",
		                       "cgroup %s already exists: left by a run that was killed? (nslab cleanup)", dir);
	return nslab_error_set(e, -r, "mkdir", "mkdir %s: %s", dir, strerror(-r));
}

/* cgroupfs makes a cgroup's interface files itself; a plain directory needs them created. */
static void fake_prepare(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
}

int cg_write(const struct cgroup_system *cs, struct trace *t, const char *dir, const char *file, const char *text,
             const char *note, struct nslab_error *e)
{
	char path[PATH_MAX + 64], call[48];

	if (cg_path(path, sizeof(path), dir, file) < 0)
		return nslab_error_set(e, ENAMETOOLONG, "", "cgroup path too long: %s/%s", dir, file);
	if (cs->fake)
		fake_prepare(path);
	int r = sys_traced_write_file(t, path, text, note);
	if (r == 0)
		return 0;
	snprintf(call, sizeof(call), "write %s", file);
	return nslab_error_set(e, -r, call, "write '%s' to %s: %s", text, path, strerror(-r));
}

int cg_write_pids(const struct cgroup *cg, long long pids, struct trace *t, struct nslab_error *e)
{
	char text[32];

	snprintf(text, sizeof(text), "%lld", pids);
	return cg_write(cg->sys, t, cg->dir[CG_PIDS], "pids.max", text,
			"pids.max: once the cgroup holds this many tasks, fork and clone fail with EAGAIN", e);
}

static int read_small(const char *dir, const char *file, char *buf, size_t size)
{
	char path[PATH_MAX + 64];
	if (cg_path(path, sizeof(path), dir, file) < 0)
		return -ENAMETOOLONG;
	ssize_t n = read_file_at(AT_FDCWD, path, buf, size);
	return n < 0 ? (int)n : 0;
}

void cg_read_value(const char *dir, const char *file, long long *out, int *found)
{
	char buf[256];
	long long v;
	if (!dir[0] || read_small(dir, file, buf, sizeof(buf)) < 0 || cgroup_parse_value(buf, &v) < 0)
		return;
	*out = v;
	(*found)++;
}

void cg_read_keyed(const char *dir, const char *file, const char *key, long long *out, int *found)
{
	char buf[4096];
	long long v;
	if (!dir[0] || read_small(dir, file, buf, sizeof(buf)) < 0 || cgroup_parse_keyed(buf, key, &v) < 0)
		return;
	*out = v;
	(*found)++;
}

/* ---- pure parsers -------------------------------------------------------- */

int cgroup_parse_value(const char *text, long long *out)
{
	char word[32];
	if (!text)
		return -EINVAL;
	text += strspn(text, " \t");
	size_t len = strcspn(text, " \t\n");
	if (!len || len >= sizeof(word) || text[len + strspn(text + len, " \t\n")])
		return -EINVAL;
	memcpy(word, text, len);
	word[len] = '\0';
	if (strcmp(word, "max") == 0) {
		*out = -1;
		return 0;
	}
	return parse_llong(word, out) < 0 ? -EINVAL : 0;
}

int cgroup_parse_keyed(const char *text, const char *key, long long *out)
{
	size_t klen = strlen(key);
	for (const char *p = text ? text : ""; *p;) {
		size_t len = strcspn(p, "\n");
		if (len > klen && strncmp(p, key, klen) == 0 && (p[klen] == ' ' || p[klen] == '\t')) {
			char value[64];
			snprintf(value, sizeof(value), "%.*s", (int)(len - klen), p + klen);
			return cgroup_parse_value(value, out);
		}
		p += len;
		p += *p == '\n';
	}
	return -ENOENT;
}

/* ---- detection ----------------------------------------------------------- */

static bool any_limit_controller(const struct cgroup_system *cs)
{
	return cs->available[CG_MEMORY] || cs->available[CG_PIDS] || cs->available[CG_CPU];
}

/* Hybrid (systemd's legacy+unified) keeps controllers in v1 and an often empty
 * cgroup2 at ROOT/unified: use whichever actually has memory, pids or cpu. */
static int detect_unified(struct cgroup_system *v2, const char *root, const char *mountinfo)
{
	struct nslab_error ignored;
	if (snprintf(v2->root, sizeof(v2->root), "%s/unified", root) >= (int)sizeof(v2->root))
		return -1;
	if (!cg_fs_magic_is(v2->root, CGROUP2_SUPER_MAGIC))
		return -1;
	return cgroup_v2_detect(v2, mountinfo, false, &ignored);
}

static int detect_hybrid(struct cgroup_system *cs, const char *mountinfo, struct nslab_error *e)
{
	struct nslab_error ignored;
	/* 20 KB each: v2 is copied only when v1 will not do. */
	struct cgroup_system v1 = *cs;
	int r1 = cgroup_v1_detect(&v1, mountinfo, false, &ignored);
	if (r1 == 0 && any_limit_controller(&v1)) {
		*cs = v1;
		return 0;
	}
	struct cgroup_system v2 = *cs;
	int r2 = detect_unified(&v2, cs->root, mountinfo);
	if (r2 == 0 && (any_limit_controller(&v2) || r1 < 0)) {
		*cs = v2;
		return 0;
	}
	if (r1 == 0) {
		*cs = v1;
		return 0;
	}
	cs->version = CGROUP_NONE;
	return nslab_error_set(e, ENOENT, "",
	                       "no cgroup file system at %s (neither cgroup2 nor v1 hierarchies): mount one "
	                       "(mount -t cgroup2 none %s) or set NSLAB_CGROUP_ROOT",
	                       cs->root, cs->root);
}

int cgroup_detect(struct cgroup_system *cs, struct nslab_error *e)
{
	const char *root = getenv("NSLAB_CGROUP_ROOT");
	const char *forced = getenv("NSLAB_CGROUP_VERSION");

	memset(cs, 0, sizeof(*cs));
	snprintf(cs->root, sizeof(cs->root), "%s", root && *root ? root : "/sys/fs/cgroup");
	for (size_t len = strlen(cs->root); len > 1 && cs->root[len - 1] == '/'; len--)
		cs->root[len - 1] = '\0';
	_cleanup_free_ char *mountinfo = read_file_all("/proc/self/mountinfo");
	if (forced && strcmp(forced, "2") == 0)
		return cgroup_v2_detect(cs, mountinfo, true, e);
	if (forced && strcmp(forced, "1") == 0)
		return cgroup_v1_detect(cs, mountinfo, true, e);
	if (forced && *forced && strcmp(forced, "hybrid") != 0)
		return nslab_error_set(e, EINVAL, "", "NSLAB_CGROUP_VERSION=%s: use 1, 2 or hybrid", forced);
	if (cg_fs_magic_is(cs->root, CGROUP2_SUPER_MAGIC))
		return cgroup_v2_detect(cs, mountinfo, false, e);
	return detect_hybrid(cs, mountinfo, e);
}

/* ---- create, join -------------------------------------------------------- */

static const struct cgroup_backend *backend_of(const struct cgroup_system *cs)
{
	if (cs->version == CGROUP_V2)
		return &cgroup_v2_backend;
	if (cs->version == CGROUP_V1)
		return &cgroup_v1_backend;
	return NULL;
}

bool cgroup_limits_any(const struct cgroup_limits *l)
{
	return l && (l->memory > 0 || l->pids > 0 || l->cpu_percent > 0);
}

bool cgroup_limits_need(const struct cgroup_limits *l, int controller)
{
	switch (controller) {
	case CG_MEMORY: return l->memory > 0;
	case CG_PIDS: return l->pids > 0;
	case CG_CPU: return l->cpu_percent > 0;
	default: return false;
	}
}

static int check_id(const char *id, struct nslab_error *e)
{
	if (!id || !*id || strlen(id) >= sizeof(((struct cgroup *)0)->id))
		return nslab_error_set(e, EINVAL, "", "cgroup id '%s': 1 to 31 characters", id ? id : "");
	if (strchr(id, '/') || strcmp(id, ".") == 0 || strcmp(id, "..") == 0 || id[0] == '.')
		return nslab_error_set(e, EINVAL, "", "cgroup id '%s': must be a plain name, without '/'", id);
	return 0;
}

static int check_unavailable(const struct cgroup_system *cs, int c, struct nslab_error *e)
{
	const char *name = controller_names[c];
	if (cs->version == CGROUP_V2)
		return nslab_error_set(e, ENODEV, "",
		                       "a %s limit needs the %s controller, but %s/cgroup.controllers does not list "
		                       "it (a controller still bound to a v1 hierarchy is not offered in v2)",
		                       name, name, cs->root);
	if (cs->version == CGROUP_V1)
		return nslab_error_set(e, ENODEV, "",
		                       "a %s limit needs a cgroup v1 hierarchy with the %s controller, and none "
		                       "is mounted under %s",
		                       name, name, cs->root);
	return nslab_error_set(e, ENODEV, "", "a %s limit needs a cgroup file system, and none was found at %s", name,
	                       cs->root);
}

static int check_limits(const struct cgroup_system *cs, const struct cgroup_limits *l, struct nslab_error *e)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (l->memory < 0 || l->pids < 0)
		return nslab_error_set(e, EINVAL, "", "cgroup limits must not be negative");
	if (cpus < 1)
		cpus = 1;
	if (l->cpu_percent < 0 || l->cpu_percent > 100 * cpus)
		return nslab_error_set(e, EINVAL, "", "cpu limit %d%%: from 1 to %ld (100 per CPU, %ld CPUs here)",
		                       l->cpu_percent, 100 * cpus, cpus);
	for (int c = 0; c < CG_COUNT; c++) {
		if (cgroup_limits_need(l, c) && !cs->available[c])
			return check_unavailable(cs, c, e);
	}
	return 0;
}

/* The distinct dirs of cg (co-mounted v1 controllers and v2 share one). */
static size_t distinct_dirs(const struct cgroup *cg, const char *out[CG_COUNT])
{
	size_t n = 0;
	for (int c = 0; c < CG_COUNT; c++) {
		bool seen = !cg->dir[c][0];
		for (size_t j = 0; j < n && !seen; j++)
			seen = strcmp(out[j], cg->dir[c]) == 0;
		if (!seen)
			out[n++] = cg->dir[c];
	}
	return n;
}

static void forget_dir(struct cgroup *cg, const char *dir)
{
	char copy[PATH_MAX];
	snprintf(copy, sizeof(copy), "%s", dir);
	for (int c = 0; c < CG_COUNT; c++) {
		if (strcmp(cg->dir[c], copy) == 0)
			cg->dir[c][0] = '\0';
	}
}

static int remove_leaf(const char *dir, bool fake, bool kill_rest, struct trace *t, struct nslab_error *e);

/* Undo a half-made cgroup_create: the dirs it made, then the parent if empty. */
static void undo_create(struct cgroup *cg, struct trace *t)
{
	const char *dirs[CG_COUNT];
	struct nslab_error ignored;
	closep(&cg->dir_fd);
	cg->dir_fd = -1;
	size_t n = distinct_dirs(cg, dirs);
	for (size_t i = n; i-- > 0;) {
		char leaf[PATH_MAX];
		snprintf(leaf, sizeof(leaf), "%s", dirs[i]);
		if (remove_leaf(leaf, cg->sys->fake, false, t, &ignored) == 0)
			cg_remove_parent(leaf, cg->sys->fake, t);
		forget_dir(cg, leaf);
	}
}

int cgroup_create(const struct cgroup_system *cs, const char *id, const struct cgroup_limits *l, struct trace *t,
                  struct cgroup *cg, struct nslab_error *e)
{
	static const struct cgroup_limits no_limits;
	const struct cgroup_backend *b = backend_of(cs);

	memset(cg, 0, sizeof(*cg));
	cg->sys = cs;
	cg->dir_fd = -1;
	if (!l)
		l = &no_limits;
	if (check_id(id, e) < 0 || check_limits(cs, l, e) < 0)
		return -1;
	if (!b)
		return nslab_error_set(e, ENODEV, "", "no cgroup file system found at %s", cs->root);
	snprintf(cg->id, sizeof(cg->id), "%s", id);
	int r = b->create(cg, l, t, e);
	if (r < 0) {
		undo_create(cg, t);
		return nslab_error_prefix(e, "cgroup %s", id);
	}
	return 0;
}

int cgroup_add_pid(const struct cgroup *cg, pid_t pid, struct trace *t, struct nslab_error *e)
{
	const char *dirs[CG_COUNT];
	char text[24];

	snprintf(text, sizeof(text), "%d", (int)pid);
	size_t n = distinct_dirs(cg, dirs);
	for (size_t i = 0; i < n; i++) {
		int r = cg_write(cg->sys, t, dirs[i], "cgroup.procs", text,
		                 "move the process (all its threads) into this cgroup; children it forks are born "
		                 "here",
		                 e);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- remove -------------------------------------------------------------- */

static bool interface_file_name(const char *name)
{
	static const char *const prefixes[] = {"cgroup.", "memory.", "pids.", "cpu.", "cpuacct.", "cpuset.", "io."};
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	}
	return strcmp(name, "tasks") == 0 || strcmp(name, "notify_on_release") == 0;
}

/* In cgroupfs the interface files go with the dir; in a fake tree we delete them. */
static void fake_clear(const char *dir)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	for (struct dirent *ent; d && (ent = readdir(d));) {
		if (ent->d_type == DT_REG && interface_file_name(ent->d_name))
			unlinkat(dirfd(d), ent->d_name, 0);
	}
}

static bool has_subdirs(const char *dir)
{
	struct stat st;

	/* cgroupfs (like tmpfs and ext4) counts a dir's subdirs in its link
	 * count, 2 + n; a file system that says 1 (btrfs) is listed. */
	if (stat(dir, &st) == 0 && st.st_nlink >= 2)
		return st.st_nlink > 2;
	_cleanup_closedir_ DIR *d = opendir(dir);
	for (struct dirent *ent; d && (ent = readdir(d));) {
		if (ent->d_type == DT_DIR && strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, ".."))
			return true;
	}
	return false;
}

static void sleep_ns(unsigned long long ns)
{
	struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000ULL), .tv_nsec = (long)(ns % 1000000000ULL)};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* SIGKILL every pid cgroup.procs lists; the pids that were there go into buf. */
static void kill_listed(const char *dir, bool do_kill, struct trace *t, char *list, size_t size)
{
	char buf[16384];
	size_t len = 0;

	list[0] = '\0';
	if (read_small(dir, "cgroup.procs", buf, sizeof(buf)) < 0)
		return;
	for (char *p = buf, *end; *p; p = end) {
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		str_appendf(list, size, &len, "%s%ld", len ? " " : "", pid);
		if (do_kill && pid > 0 && pid != getpid())
			sys_traced_kill(t, (pid_t)pid, SIGKILL,
			                "end what is left in the cgroup: rmdir needs it without processes");
	}
}

static int remove_busy_error(const char *dir, const char *pids, struct nslab_error *e)
{
	if (pids[0])
		return nslab_error_set(e, EBUSY, "rmdir",
		                       "cannot remove cgroup %s: processes are still in it (cgroup.procs: %s); end "
		                       "them, then nslab cleanup",
		                       dir, pids);
	return nslab_error_set(e, EBUSY, "rmdir",
	                       "cannot remove cgroup %s: still busy after 2 s though cgroup.procs is empty "
	                       "(exiting processes not yet reaped, or a child cgroup inside)",
	                       dir);
}

static int remove_dir(const char *dir, bool fake, bool kill_rest, int depth, struct trace *t, struct nslab_error *e);

#define RMDIR_NOTE "rmdir removes a cgroup once no process is left in it"

/* Cgroups a container made inside its own (a cgroup namespace and a writable
 * cgroupfs allow it) go first, deepest first: rmdir refuses a parent. */
static int remove_children(const char *dir, bool fake, bool kill_rest, int depth, struct trace *t,
                           struct nslab_error *e)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	int ret = 0;

	for (struct dirent *ent; d && depth < MAX_NESTING && (ent = readdir(d));) {
		char sub[PATH_MAX];
		if (ent->d_type != DT_DIR || ent->d_name[0] == '.' || cg_path(sub, sizeof(sub), dir, ent->d_name) < 0)
			continue;
		if (remove_dir(sub, fake, kill_rest, depth + 1, t, e) < 0)
			ret = -1;
	}
	return ret;
}

/* rmdir a cgroup, retrying EBUSY for a while (exiting processes, killed ones). */
static int remove_dir(const char *dir, bool fake, bool kill_rest, int depth, struct trace *t, struct nslab_error *e)
{
	unsigned long long deadline = now_ns() + REMOVE_WAIT_NS, delay = 10 * 1000 * 1000;
	char pids[256];

	/* Nearly always empty: look inside only when rmdir refuses. */
	if (!fake && !has_subdirs(dir)) {
		int r = sys_traced_rmdir(t, dir, RMDIR_NOTE);
		if (r == 0 || r == -ENOENT)
			return 0;
	}
	if (remove_children(dir, fake, kill_rest, depth, t, e) < 0)
		return -1;
	if (fake)
		fake_clear(dir);
	for (;;) {
		int r = sys_traced_rmdir(t, dir, RMDIR_NOTE);
		if (r == 0 || r == -ENOENT)
			return 0;
		if (r != -EBUSY)
			return nslab_error_set(e, -r, "rmdir", "cannot remove cgroup %s: %s", dir, strerror(-r));
		kill_listed(dir, kill_rest, t, pids, sizeof(pids));
		if (now_ns() > deadline)
			return remove_busy_error(dir, pids, e);
		sleep_ns(delay);
		delay = delay * 2 > 200 * 1000 * 1000 ? 200 * 1000 * 1000 : delay * 2;
	}
}

static int remove_leaf(const char *dir, bool fake, bool kill_rest, struct trace *t, struct nslab_error *e)
{
	return remove_dir(dir, fake, kill_rest, 0, t, e);
}

/* The shared nslab/ parent goes only when no other container's cgroup is in it. */
void cg_remove_parent(const char *leaf, bool fake, struct trace *t)
{
	char parent[PATH_MAX];
	snprintf(parent, sizeof(parent), "%s", leaf);
	char *slash = strrchr(parent, '/');
	if (!slash)
		return;
	*slash = '\0';
	const char *base = strrchr(parent, '/');
	if (!base || strcmp(base + 1, CG_PARENT) != 0 || has_subdirs(parent))
		return;
	if (fake)
		fake_clear(parent);
	sys_traced_rmdir(t, parent, "the shared nslab/ parent is empty now; another run makes it again");
}

int cgroup_destroy(struct cgroup *cg, bool kill_rest, struct trace *t, struct nslab_error *e)
{
	const char *dirs[CG_COUNT];
	struct nslab_error err;
	int ret = 0;

	if (!cg->sys) /* never created: nothing to remove, and dir_fd is not ours */
		return 0;
	closep(&cg->dir_fd);
	cg->dir_fd = -1;
	size_t n = distinct_dirs(cg, dirs);
	char leaves[CG_COUNT][PATH_MAX];
	for (size_t i = 0; i < n; i++)
		snprintf(leaves[i], sizeof(leaves[i]), "%s", dirs[i]);
	/* Keep going after a failure: one stuck hierarchy must not leave the others behind. */
	for (size_t i = 0; i < n; i++) {
		int r = remove_leaf(leaves[i], cg->sys->fake, kill_rest, t, &err);
		if (r < 0 && ret == 0) {
			*e = err;
			ret = r;
		}
		if (r < 0)
			continue;
		forget_dir(cg, leaves[i]);
		cg_remove_parent(leaves[i], cg->sys->fake, t);
	}
	return ret;
}

/* Only .../nslab/ID: cleanup must never rmdir (or, in a fake tree, empty) anything else. */
static bool nslab_leaf_path(const char *dir)
{
	const char *slash = strrchr(dir, '/');
	if (!slash || !slash[1] || slash[1] == '.')
		return false;
	size_t plen = strlen(CG_PARENT);
	if ((size_t)(slash - dir) < plen + 1)
		return false;
	return strncmp(slash - plen - 1, "/" CG_PARENT, plen + 1) == 0;
}

int cgroup_remove_path(const char *dir, struct trace *t, struct nslab_error *e)
{
	struct stat st;

	if (!dir || strlen(dir) >= PATH_MAX)
		return nslab_error_set(e, EINVAL, "", "cgroup path too long");
	if (!nslab_leaf_path(dir))
		return nslab_error_set(e, EINVAL, "", "%s is not an nslab cgroup (.../nslab/ID)", dir);
	if (stat(dir, &st) < 0 && errno == ENOENT)
		return 0;
	bool fake = !is_cgroupfs(dir);
	if (remove_leaf(dir, fake, false, t, e) < 0)
		return -1;
	cg_remove_parent(dir, fake, t);
	return 0;
}

/* ---- stats --------------------------------------------------------------- */

int cgroup_read_stats(const struct cgroup *cg, struct cgroup_stats *st)
{
	int found = 0;

	*st = (struct cgroup_stats){
	    .mem_current = -1,
	    .mem_peak = -1,
	    .mem_limit = -1,
	    .mem_failcnt = -1,
	    .oom = -1,
	    .oom_kill = -1,
	    .pids_current = -1,
	    .pids_max = -1,
	    .cpu_usage_ns = -1,
	    .cpu_periods = -1,
	    .cpu_throttled = -1,
	    .cpu_throttled_ns = -1,
	    .cpu_quota_us = -1,
	    .cpu_period_us = -1,
	};
	const struct cgroup_backend *b = cg && cg->sys ? backend_of(cg->sys) : NULL;
	if (!b)
		return -EINVAL;
	b->read_stats(cg, st, &found);
	return found ? 0 : -ENOENT;
}

static void print_bytes(FILE *out, const char *label, long long v)
{
	char buf[32];
	size_format(v, buf, sizeof(buf));
	fprintf(out, "%s%s", label, buf);
}

static void print_memory(const struct cgroup_stats *st, FILE *out)
{
	if (st->mem_current < 0 && st->mem_limit < 0)
		return;
	fputs("memory:      ", out);
	if (st->mem_current >= 0)
		print_bytes(out, "", st->mem_current);
	else
		fputs("?", out);
	fputs(" in use", out);
	if (st->mem_peak >= 0)
		print_bytes(out, ", peak ", st->mem_peak);
	if (st->mem_limit >= 0)
		print_bytes(out, ", limit ", st->mem_limit);
	else
		fputs(", no limit", out);
	fputs("\n", out);
	/* Some v1 kernels count no limit hits when the memsw limit triggers the
	 * OOM killer: a 0 next to a kill would only confuse. */
	if (st->mem_failcnt > 0 || (st->mem_failcnt == 0 && st->oom_kill <= 0))
		fprintf(out, "limit hits:  %lld (times usage reached the limit and the kernel had to reclaim)\n",
		        st->mem_failcnt);
	if (st->oom_kill >= 0 && st->oom >= 0)
		fprintf(out, "OOM:         %lld kill%s (%lld time%s out of memory)\n", st->oom_kill,
		        st->oom_kill == 1 ? "" : "s", st->oom, st->oom == 1 ? "" : "s");
	else if (st->oom_kill >= 0)
		fprintf(out, "OOM:         %lld kill%s\n", st->oom_kill, st->oom_kill == 1 ? "" : "s");
}

static void print_cpu(const struct cgroup_stats *st, FILE *out)
{
	if (st->cpu_usage_ns >= 0)
		fprintf(out, "cpu used:    %lld.%03lld s\n", st->cpu_usage_ns / 1000000000LL,
		        st->cpu_usage_ns / 1000000LL % 1000);
	if (st->cpu_quota_us > 0 && st->cpu_period_us > 0)
		fprintf(out, "cpu limit:   %lld%% of one CPU (%lld us every %lld us)\n",
		        st->cpu_quota_us * 100 / st->cpu_period_us, st->cpu_quota_us, st->cpu_period_us);
	else if (st->cpu_period_us > 0)
		fputs("cpu limit:   none\n", out);
	if (st->cpu_throttled >= 0 && st->cpu_periods >= 0)
		fprintf(out, "throttled:   %lld of %lld periods", st->cpu_throttled, st->cpu_periods);
	if (st->cpu_throttled >= 0 && st->cpu_periods >= 0 && st->cpu_throttled_ns >= 0)
		fprintf(out, ", %lld.%03lld s waiting for the next period", st->cpu_throttled_ns / 1000000000LL,
		        st->cpu_throttled_ns / 1000000LL % 1000);
	if (st->cpu_throttled >= 0 && st->cpu_periods >= 0)
		fputs("\n", out);
}

void cgroup_stats_print(const struct cgroup_stats *st, FILE *out)
{
	print_memory(st, out);
	if (st->pids_current >= 0 && st->pids_max >= 0)
		fprintf(out, "pids:        %lld of at most %lld\n", st->pids_current, st->pids_max);
	else if (st->pids_current >= 0)
		fprintf(out, "pids:        %lld (no limit)\n", st->pids_current);
	print_cpu(st, out);
}

/* ---- cgroup info --------------------------------------------------------- */

struct knob_row {
	const char *what, *v1, *v2, *note;
};

static const struct knob_row knob_rows[] = {
    {"memory limit", "memory.limit_in_bytes", "memory.max", ""},
    {"swap limit", "memory.memsw.limit_in_bytes", "memory.swap.max", "v1 memsw is memory+swap; v2 swap only"},
    {"memory in use", "memory.usage_in_bytes", "memory.current", ""},
    {"peak use", "memory.max_usage_in_bytes", "memory.peak", ""},
    {"limit reached", "memory.failcnt", "memory.events max", ""},
    {"OOM kills", "memory.oom_control", "memory.events oom_kill", "v1: its oom_kill line"},
    {"swap eagerness", "memory.swappiness", "(none)", "v2 has only the global vm.swappiness"},
    {"threads", "tasks", "cgroup.threads", ""},
    {"processes", "cgroup.procs", "cgroup.procs", "write a PID here to move it"},
    {"process limit", "pids.max", "pids.max", "fork fails with EAGAIN past it"},
    {"cpu limit", "cpu.cfs_quota_us + cpu.cfs_period_us", "cpu.max", "v2: \"QUOTA PERIOD\" in one file"},
    {"cpu share", "cpu.shares", "cpu.weight", "default 1024 in v1, 100 in v2"},
    {"cpu time used", "cpuacct.usage", "cpu.stat usage_usec", "ns in v1, us in v2"},
};

static void info_where(const struct cgroup_system *cs, FILE *out)
{
	if (cs->version == CGROUP_V2) {
		fprintf(out, "cgroup version: 2, one unified hierarchy at %s\n", cs->root);
	} else if (cs->version == CGROUP_V1) {
		fprintf(out, "cgroup version: 1, one hierarchy per controller under %s\n", cs->root);
		for (int c = 0; c < CG_COUNT; c++)
			fprintf(out, "  %-8s %s\n", controller_names[c],
			        cs->v1_mount[c][0] ? cs->v1_mount[c] : "(not mounted)");
	} else {
		fprintf(out, "cgroup version: none found at %s, so no limits\n", cs->root);
	}
	if (cs->fake)
		fputs("  (a plain directory tree standing in for cgroupfs: NSLAB_CGROUP_ROOT)\n", out);
}

static void info_controllers(const struct cgroup_system *cs, FILE *out)
{
	fputs("controllers:", out);
	for (int c = 0; c < CG_COUNT; c++) {
		if (c == CG_CPUACCT && cs->version == CGROUP_V2)
			continue;
		fprintf(out, " %s %s%s", controller_names[c], cs->available[c] ? "yes" : "no",
		        c + 1 < CG_COUNT && !(c + 1 == CG_CPUACCT && cs->version == CGROUP_V2) ? "," : "");
	}
	fputs("\n", out);
	if (cs->version == CGROUP_V2)
		fprintf(out, "swap limit: %s\n", cs->memsw ? "memory.swap.max (nslab writes 0)" : "not offered");
	else if (cs->version == CGROUP_V1)
		fprintf(out, "swap limit: %s\n",
		        cs->memsw ? "memory.memsw.limit_in_bytes (nslab sets it to the memory limit)"
		                  : "not offered (swap accounting off)");
	fprintf(out, "nslab's cgroups: %s/%s/ID\n", cs->version == CGROUP_V1 ? "<hierarchy>" : cs->root, CG_PARENT);
}

void cgroup_info_print(const struct cgroup_system *cs, FILE *out)
{
	bool v1 = cs->version == CGROUP_V1, v2 = cs->version == CGROUP_V2;

	info_where(cs, out);
	info_controllers(cs, out);
	fputs("\nthe same knobs in both versions (* marks the one this machine uses):\n", out);
	fprintf(out, "  %-15s %-38s %-24s %s\n", "what", v1 ? "v1 *" : "v1", v2 ? "v2 *" : "v2", "note");
	for (size_t i = 0; i < ARRAY_SIZE(knob_rows); i++) {
		const struct knob_row *k = &knob_rows[i];
		fprintf(out, "  %-15s %-38s %-24s %s\n", k->what, k->v1, k->v2, k->note);
	}
}
