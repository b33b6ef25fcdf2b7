/* doctor cgroup checks: the cgroup version, its controllers, delegation, and their parsers. */
#include "nslab/doctor.h"
#include "nslab/probe.h"
#include "nslab/util.h"
#include "doctor_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ---- comma lists -------------------------------------------------------- */

static int list_has(const char *list, const char *word)
{
	size_t wlen = strlen(word);
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		if (len == wlen && strncmp(p, word, len) == 0)
			return 1;
		p += len;
		p += *p == ',';
	}
	return 0;
}

/* Append word to a comma list; a word that does not fit whole is left out. */
static int list_append(char *out, size_t size, const char *word, size_t wlen)
{
	size_t len = strlen(out);
	size_t need = len + (len ? 1 : 0) + wlen + 1;
	if (need > size)
		return -1;
	if (len)
		out[len++] = ',';
	memcpy(out + len, word, wlen);
	out[len + wlen] = '\0';
	return 0;
}

void doctor_controllers_list(const char *text, char *out, size_t size)
{
	if (!out || size == 0)
		return;
	out[0] = '\0';
	for (const char *p = text ? text : ""; *p;) {
		p += strspn(p, " \t\n");
		size_t len = strcspn(p, " \t\n");
		if (len && list_append(out, size, p, len) < 0)
			return;
		p += len;
	}
}

/* ---- cgroup v1 controllers in mountinfo, paths in /proc/PID/cgroup ------ */

static const char *const v1_controllers[] = {
	"cpuset", "cpu",     "cpuacct", "blkio", "io",   "memory", "devices", "freezer",
	"net_cls", "perf_event", "net_prio", "hugetlb", "pids", "rdma", "misc",   "debug",
};

static int v1_controller_known(const char *word, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(v1_controllers); i++) {
		if (strlen(v1_controllers[i]) == len && strncmp(v1_controllers[i], word, len) == 0)
			return 1;
	}
	return 0;
}

struct v1_visit {
	const char *root;
	char *out;
	size_t size;
	int count;
};

static int path_under(const char *path, const char *root)
{
	size_t len = strlen(root);
	while (len > 1 && root[len - 1] == '/')
		len--;
	if (strncmp(path, root, len) != 0)
		return 0;
	return path[len] == '\0' || path[len] == '/' || (len == 1 && root[0] == '/');
}

/* Add the known controller names of a comma list (superoptions, or a
 * directory name like "cpu,cpuacct") to the visit's list. */
static void v1_add_names(struct v1_visit *v, const char *names)
{
	for (const char *p = names; *p;) {
		size_t len = strcspn(p, ",");
		char word[32];
		if (len && len < sizeof(word) && v1_controller_known(p, len)) {
			memcpy(word, p, len);
			word[len] = '\0';
			if (!list_has(v->out, word) && list_append(v->out, v->size, word, len) == 0)
				v->count++;
		}
		p += len;
		p += *p == ',';
	}
}

static void v1_visit_mount(struct v1_visit *v, const struct mount_info *m)
{
	if (strcmp(m->fstype, "cgroup") == 0 && path_under(m->target, v->root))
		v1_add_names(v, m->super);
}

int doctor_cgroup_v1_controllers(const char *mountinfo, const char *root, char *out, size_t size)
{
	struct v1_visit v = { .root = root, .out = out, .size = size };
	struct mount_list l = { 0 };
	if (!out || size == 0)
		return 0;
	out[0] = '\0';
	if (!mountinfo || !root)
		return 0;
	probe_mounts_parse(mountinfo, &l);
	for (size_t i = 0; i < l.n; i++)
		v1_visit_mount(&v, &l.v[i]);
	mount_list_free(&l);
	return v.count;
}

/* Lines look like "4:memory:/a/b" (v1) or "0::/a/b" (v2). */
int doctor_proc_cgroup_path(const char *text, const char *controller, char *out, size_t size)
{
	int v2 = !controller || !*controller;
	for (const char *p = text ? text : ""; *p;) {
		size_t len = strcspn(p, "\n");
		const char *c1 = memchr(p, ':', len);
		const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - p)) : NULL;
		if (c2) {
			char names[256];
			size_t nlen = (size_t)(c2 - c1 - 1);
			snprintf(names, sizeof(names), "%.*s", (int)nlen, c1 + 1);
			int match = v2 ? (nlen == 0 && strncmp(p, "0:", 2) == 0) : list_has(names, controller);
			if (match) {
				snprintf(out, size, "%.*s", (int)(len - (size_t)(c2 + 1 - p)), c2 + 1);
				return 0;
			}
		}
		p += len;
		p += *p == '\n';
	}
	return -1;
}

/* ---- checks: cgroups ---------------------------------------------------- */

enum cgroup_mode { CG_NONE, CG_V1, CG_HYBRID, CG_V2 };

#define CG_PATH_LEN (PATH_LEN + 16)

struct cgroup_view {
	char root[PATH_LEN];	/* NSLAB_CGROUP_ROOT or /sys/fs/cgroup */
	char v2[CG_PATH_LEN];	/* where cgroup2 is mounted, "" if nowhere */
	int mode;
};

static int v1_dirs_present(const char *root)
{
	static const char *const dirs[] = { "memory", "pids", "cpu", "cpu,cpuacct" };
	char path[PATH_LEN + 16];
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, dirs[i]);
		if (is_dir(path))
			return 1;
	}
	return 0;
}

static int cgroup_detect_mode(const char *root)
{
	const char *forced = getenv("NSLAB_CGROUP_VERSION");
	if (forced && strcmp(forced, "2") == 0)
		return CG_V2;
	if (forced && strcmp(forced, "hybrid") == 0)
		return CG_HYBRID;
	if (forced && strcmp(forced, "1") == 0)
		return CG_V1;
	struct statfs st;
	if (statfs(root, &st) < 0)
		return CG_NONE;
	if ((unsigned long)st.f_type == CGROUP2_SUPER_MAGIC)
		return CG_V2;
	if ((unsigned long)st.f_type != TMPFS_MAGIC || !v1_dirs_present(root))
		return CG_NONE;
	char unified[PATH_LEN + 16];
	snprintf(unified, sizeof(unified), "%s/unified", root);
	if (statfs(unified, &st) == 0 && (unsigned long)st.f_type == CGROUP2_SUPER_MAGIC)
		return CG_HYBRID;
	return CG_V1;
}

/* NSLAB_CGROUP_ROOT moves the cgroup root (default /sys/fs/cgroup) and
 * NSLAB_CGROUP_VERSION (1, 2 or hybrid) skips the statfs magic test, so unit
 * tests can point doctor at a fake tree in a temp dir. */
static void cgroup_view_init(struct cgroup_view *cg)
{
	const char *root = getenv("NSLAB_CGROUP_ROOT");
	snprintf(cg->root, sizeof(cg->root), "%s", root && *root ? root : "/sys/fs/cgroup");
	cg->mode = cgroup_detect_mode(cg->root);
	cg->v2[0] = '\0';
	if (cg->mode == CG_V2)
		snprintf(cg->v2, sizeof(cg->v2), "%s", cg->root);
	if (cg->mode == CG_HYBRID)
		snprintf(cg->v2, sizeof(cg->v2), "%s/unified", cg->root);
}

static void check_cgroup_version(struct doctor_report *r, const struct cgroup_view *cg)
{
	switch (cg->mode) {
	case CG_V2:
		doctor_add_check(r, "cgroup version", DOCTOR_OK,
				 "cgroup v2 only: one unified hierarchy at %s; nslab uses its v2 "
				 "backend",
				 cg->root);
		return;
	case CG_HYBRID:
		doctor_add_check(r, "cgroup version", DOCTOR_OK,
				 "hybrid: cgroup v1 hierarchies under %s plus cgroup2 at %s/unified; "
				 "a controller works in one hierarchy at a time, so limits go where "
				 "the controllers are (see below)",
				 cg->root, cg->root);
		return;
	case CG_V1:
		doctor_add_check(r, "cgroup version", DOCTOR_OK,
				 "cgroup v1: one hierarchy per controller under %s; nslab uses its v1 "
				 "backend (most current distributions are v2 only)",
				 cg->root);
		return;
	}
	doctor_add_check(r, "cgroup version", DOCTOR_NO,
			 "no cgroup file system at %s: mount one (mount -t cgroup2 none %s) or set "
			 "NSLAB_CGROUP_ROOT; until then memory, pids and cpu limits are unavailable",
			 cg->root, cg->root);
}

/* Which of memory, pids, cpu a comma list lacks, as "memory, cpu". */
static void missing_limits(const char *list, char *out, size_t size)
{
	static const char *const wanted[] = { "memory", "pids", "cpu" };
	out[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(wanted); i++) {
		if (!list_has(list, wanted[i]))
			doctor_appendf(out, size, "%s%s", out[0] ? ", " : "", wanted[i]);
	}
}

/* v1 controllers from the directory names, for trees mountinfo does not show. */
static void v1_controllers_from_dirs(const char *root, char *out, size_t size)
{
	_cleanup_closedir_ DIR *d = opendir(root);
	struct v1_visit v = { .root = root, .out = out, .size = size };
	for (struct dirent *e; d && (e = readdir(d));) {
		if (e->d_name[0] != '.')
			v1_add_names(&v, e->d_name);
	}
}

static void check_cgroup_v1(struct doctor_report *r, const struct cgroup_view *cg)
{
	char list[256], missing[64];
	_cleanup_free_ char *text = read_file_all("/proc/self/mountinfo");
	if (doctor_cgroup_v1_controllers(text, cg->root, list, sizeof(list)) == 0)
		v1_controllers_from_dirs(cg->root, list, sizeof(list));
	missing_limits(list, missing, sizeof(missing));
	if (!missing[0]) {
		doctor_add_check(r, "cgroup v1 controllers", DOCTOR_OK, "mounted under %s: %s", cg->root,
				 list);
		return;
	}
	doctor_add_check(r, "cgroup v1 controllers", DOCTOR_WARN,
			 "mounted under %s: %s. Missing %s, so that limit is unavailable unless it "
			 "is on cgroup2.",
			 cg->root, list[0] ? list : "(none)", missing);
}

/* On hybrid machines a controller lives in v1 or v2, never both. */
static void report_hybrid_v2(struct doctor_report *r, const struct cgroup_view *cg,
			     const char *list, const char *missing)
{
	if (!list[0]) {
		doctor_add_check(r, "cgroup v2 controllers", DOCTOR_INFO,
				 "cgroup2 at %s has no controllers: limits use v1", cg->v2);
		return;
	}
	if (strcmp(missing, "memory, pids, cpu") == 0) {
		doctor_add_check(r, "cgroup v2 controllers", DOCTOR_INFO,
				 "cgroup2 at %s has only %s (controllers no v1 hierarchy took): "
				 "limits use v1",
				 cg->v2, list);
		return;
	}
	doctor_add_check(r, "cgroup v2 controllers", DOCTOR_INFO,
			 "cgroup2 at %s has %s: limits on those can use cgroup2, the rest use v1",
			 cg->v2, list);
}

static void check_cgroup_v2(struct doctor_report *r, const struct cgroup_view *cg)
{
	char path[CG_PATH_LEN + 32], text[512], list[256], missing[64];
	snprintf(path, sizeof(path), "%s/cgroup.controllers", cg->v2);
	ssize_t n = read_file_at(AT_FDCWD, path, text, sizeof(text));
	if (n < 0) {
		doctor_add_check(r, "cgroup v2 controllers", DOCTOR_WARN, "could not read %s: %s", path,
				 strerror((int)-n));
		return;
	}
	doctor_controllers_list(text, list, sizeof(list));
	missing_limits(list, missing, sizeof(missing));
	if (cg->mode == CG_HYBRID) {
		report_hybrid_v2(r, cg, list, missing);
		return;
	}
	if (!missing[0]) {
		doctor_add_check(r, "cgroup v2 controllers", DOCTOR_OK, "%s lists %s", path, list);
		return;
	}
	doctor_add_check(r, "cgroup v2 controllers", DOCTOR_WARN,
			 "%s lists %s; missing %s (a controller still bound to a v1 hierarchy does "
			 "not appear in v2), so those limits are unavailable",
			 path, list[0] ? list : "nothing", missing);
}

static void check_cgroup_subtree(struct doctor_report *r, const struct doctor_ctx *ctx,
				 const struct cgroup_view *cg)
{
	char path[CG_PATH_LEN + 32], text[512], list[256], missing[64];
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", cg->v2);
	ssize_t n = read_file_at(AT_FDCWD, path, text, sizeof(text));
	if (n < 0) {
		doctor_add_check(r, "cgroup v2 subtree_control", DOCTOR_WARN, "could not read %s: %s",
				 path, strerror((int)-n));
		return;
	}
	doctor_controllers_list(text, list, sizeof(list));
	missing_limits(list, missing, sizeof(missing));
	if (!missing[0]) {
		doctor_add_check(r, "cgroup v2 subtree_control", DOCTOR_OK,
				 "%s has %s: child cgroups get memory, pids and cpu", path, list);
		return;
	}
	doctor_add_check(r, "cgroup v2 subtree_control", ctx->root ? DOCTOR_INFO : DOCTOR_WARN,
			 "%s has %s; not enabled for child cgroups: %s. %s", path,
			 list[0] ? list : "nothing", missing,
			 ctx->root ? "As root nslab enables them itself (writes +memory +pids +cpu)."
				   : "Rootless, ask for delegation: systemd-run --user --scope -p "
				     "Delegate=yes nslab");
}

/* The dir nslab would create its cgroup in: the root as root, your own
 * (possibly delegated) cgroup otherwise. */
static void cgroup_target_dir(const struct doctor_ctx *ctx, const struct cgroup_view *cg,
			      char *out, size_t size)
{
	char own[PATH_LEN] = "", text[4096];
	if (!ctx->root && read_file_at(AT_FDCWD, "/proc/self/cgroup", text, sizeof(text)) >= 0)
		doctor_proc_cgroup_path(text, cg->mode == CG_V2 ? "" : "memory", own, sizeof(own));
	if (strcmp(own, "/") == 0)
		own[0] = '\0';
	if (cg->mode == CG_V2)
		snprintf(out, size, "%s%s", cg->root, own);
	else
		snprintf(out, size, "%s/memory%s", cg->root, own);
}

static void check_cgroup_write(struct doctor_report *r, const struct doctor_ctx *ctx,
			       const struct cgroup_view *cg)
{
	char dir[2 * PATH_LEN + 32];
	cgroup_target_dir(ctx, cg, dir, sizeof(dir));
	if (faccessat(AT_FDCWD, dir, W_OK, AT_EACCESS) == 0) {
		doctor_add_check(r, "cgroup write access", DOCTOR_OK,
				 "%s is writable (%s): nslab can create its cgroup there", dir,
				 ctx->root ? "root" : "delegated to you");
		return;
	}
	int err = errno;
	if (ctx->root) {
		doctor_add_check(r, "cgroup write access", DOCTOR_NO,
				 "%s is not writable even as root: %s (%s); is cgroupfs mounted "
				 "read-only, as inside many containers?",
				 dir, doctor_errno_name(err), strerror(err));
		return;
	}
	doctor_add_check(r, "cgroup write access", DOCTOR_NO,
			 "%s is not writable by uid %u (%s): cgroup limits need root or a delegated "
			 "cgroup. %s",
			 dir, (unsigned)geteuid(), doctor_errno_name(err),
			 cg->mode == CG_V2 ? "With systemd: systemd-run --user --scope -p "
					     "Delegate=yes nslab"
					   : "cgroup v1 has no safe delegation; run as root for limits.");
}

void doctor_check_cgroups(struct doctor_report *r, const struct doctor_ctx *ctx)
{
	struct cgroup_view cg;
	cgroup_view_init(&cg);
	check_cgroup_version(r, &cg);
	if (cg.mode == CG_NONE)
		return;
	if (cg.mode == CG_V1 || cg.mode == CG_HYBRID)
		check_cgroup_v1(r, &cg);
	if (cg.v2[0])
		check_cgroup_v2(r, &cg);
	if (cg.mode == CG_V2)
		check_cgroup_subtree(r, ctx, &cg);
	check_cgroup_write(r, ctx, &cg);
}
