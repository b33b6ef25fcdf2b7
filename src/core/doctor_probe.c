/* doctor probes: forked children that try unshare(CLONE_NEWUSER) and an overlay mount in a user namespace. */
#include "nslab/doctor.h"
#include "nslab/util.h"
#include "nslab/tree.h"
#include "doctor_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef OVERLAYFS_SUPER_MAGIC
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#endif

#define NOBODY_ID 65534

/* What the probe children need: whether to drop to nobody first, and the
 * overlay test's temp dir. */
struct probe_args {
	int drop;
	const char *dir;
};

static int write_text(const char *path, const char *text)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = strlen(text);
	ssize_t n = write(fd, text, len);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

/* ---- probes in a throw-away child --------------------------------------- */

/* These probes change nothing on the host (the child's namespaces and mounts
 * die with it), so they call the kernel directly instead of through the
 * traced sys_ layer, which would also pull the trace module into doctor. */

enum probe_stage {
	STAGE_DROP,
	STAGE_UNSHARE,
	STAGE_SETGROUPS,
	STAGE_UID_MAP,
	STAGE_GID_MAP,
	STAGE_PRIVATE,
	STAGE_MKDIR,
	STAGE_MOUNT,
	STAGE_DONE,
};

static const char *const stage_names[] = {
	[STAGE_DROP] = "dropping to nobody (setgroups, setresgid, setresuid)",
	[STAGE_UNSHARE] = "unshare",
	[STAGE_SETGROUPS] = "writing \"deny\" to /proc/self/setgroups",
	[STAGE_UID_MAP] = "writing /proc/self/uid_map",
	[STAGE_GID_MAP] = "writing /proc/self/gid_map",
	[STAGE_PRIVATE] = "mount(NULL, \"/\", MS_REC|MS_PRIVATE)",
	[STAGE_MKDIR] = "creating lower/upper/work/merged",
	[STAGE_MOUNT] = "mounting overlay",
	[STAGE_DONE] = "done",
};

struct probe_result {
	int stage;	 /* enum probe_stage reached; STAGE_DONE on success */
	int err;	 /* errno at that stage */
	int err_first;	 /* overlay: errno of the first (userxattr) attempt */
	int userxattr; /* overlay: the mount that worked used userxattr */
};

typedef void (*probe_fn)(void *arg, struct probe_result *res);

/* Mark the stage; true (stop) when rc is a failure. */
static int probe_step(struct probe_result *res, int stage, int rc)
{
	res->stage = stage;
	res->err = rc < 0 ? -rc : 0;
	return rc < 0;
}

/* Run fn in a forked child that reports over a pipe and exits; the child
 * is always reaped before this returns. 0, or -errno when no report came. */
static int probe_in_child(probe_fn fn, void *arg, struct probe_result *res)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		int err = errno;
		close(fds[0]);
		close(fds[1]);
		return -err;
	}
	if (pid == 0) {
		struct probe_result mine = { 0 };
		close(fds[0]);
		fn(arg, &mine);
		_exit(write(fds[1], &mine, sizeof(mine)) == (ssize_t)sizeof(mine) ? 0 : 1);
	}
	close(fds[1]);
	ssize_t n;
	do
		n = read(fds[0], res, sizeof(*res));
	while (n < 0 && errno == EINTR);
	close(fds[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return n == (ssize_t)sizeof(*res) ? 0 : -EPIPE;
}

/* As root, become nobody: the question is what an ordinary user may do. */
static int drop_to_nobody(int drop)
{
	if (!drop)
		return 0;
	if (setgroups(0, NULL) < 0)
		return -errno;
	if (setresgid(NOBODY_ID, NOBODY_ID, NOBODY_ID) < 0)
		return -errno;
	if (setresuid(NOBODY_ID, NOBODY_ID, NOBODY_ID) < 0)
		return -errno;
	/* Changing uid made us non-dumpable, which leaves /proc/self owned by
	 * root and uid_map unwritable for us. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

static int unshare_rc(int flags)
{
	return unshare(flags) < 0 ? -errno : 0;
}

static void probe_userns(void *arg, struct probe_result *res)
{
	const struct probe_args *a = arg;
	if (probe_step(res, STAGE_DROP, drop_to_nobody(a->drop)))
		return;
	if (probe_step(res, STAGE_UNSHARE, unshare_rc(CLONE_NEWUSER)))
		return;
	res->stage = STAGE_DONE;
}

/* Map ourselves to 0 the way a rootless runtime does. */
static int map_self_to_root(struct probe_result *res, uid_t uid, gid_t gid)
{
	char map[64];
	if (probe_step(res, STAGE_SETGROUPS, write_text("/proc/self/setgroups", "deny")))
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	if (probe_step(res, STAGE_UID_MAP, write_text("/proc/self/uid_map", map)))
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	if (probe_step(res, STAGE_GID_MAP, write_text("/proc/self/gid_map", map)))
		return -1;
	return 0;
}

static int make_layer_dirs(const char *dir)
{
	static const char *const names[] = { "lower", "upper", "work", "merged" };
	char path[PATH_LEN];
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (mkdir(path, 0755) < 0)
			return -errno;
	}
	return 0;
}

static int mount_overlay(const char *dir, int userxattr)
{
	char opts[4 * PATH_LEN], merged[PATH_LEN];
	snprintf(opts, sizeof(opts), "lowerdir=%s/lower,upperdir=%s/upper,workdir=%s/work%s", dir,
		 dir, dir, userxattr ? ",userxattr" : "");
	snprintf(merged, sizeof(merged), "%s/merged", dir);
	return mount("overlay", merged, "overlay", 0, opts) < 0 ? -errno : 0;
}

/* The child's mounts live in its own private mount namespace and vanish
 * when it exits. */
static void probe_overlay(void *arg, struct probe_result *res)
{
	const struct probe_args *a = arg;
	const char *dir = a->dir;
	if (probe_step(res, STAGE_DROP, drop_to_nobody(a->drop)))
		return;
	uid_t uid = getuid();
	gid_t gid = getgid();
	if (probe_step(res, STAGE_UNSHARE, unshare_rc(CLONE_NEWUSER | CLONE_NEWNS)))
		return;
	if (map_self_to_root(res, uid, gid) < 0)
		return;
	int rc = mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ? -errno : 0;
	if (probe_step(res, STAGE_PRIVATE, rc))
		return;
	if (probe_step(res, STAGE_MKDIR, make_layer_dirs(dir)))
		return;
	rc = mount_overlay(dir, 1);
	res->userxattr = rc == 0;
	res->err_first = -rc;
	if (rc < 0)
		rc = mount_overlay(dir, 0);
	if (probe_step(res, STAGE_MOUNT, rc))
		return;
	res->stage = STAGE_DONE;
}

/* ---- checks: what the probes found ------------------------------------ */

static const char *userns_errno_hint(int err)
{
	switch (err) {
	case EPERM:
		return "blocked by a sysctl (see above), by a seccomp filter, or because "
		       "this process is chrooted";
	case ENOSPC:
		return "user.max_user_namespaces is 0 or used up";
	case EINVAL:
		return "the kernel lacks CONFIG_USER_NS";
	case EUSERS:
		return "user namespaces are nested too deep";
	default:
		return "unexpected";
	}
}

void doctor_check_userns_unshare(struct doctor_report *r, const struct doctor_ctx *ctx)
{
	const char *who = ctx->root ? "as nobody (65534)" : "as you";
	struct probe_args args = { .drop = ctx->root };
	struct probe_result res;
	int rc = probe_in_child(probe_userns, &args, &res);
	if (rc < 0) {
		doctor_add_check(r, "userns unshare", DOCTOR_WARN, "could not run the test child: %s",
				 strerror(-rc));
		return;
	}
	if (res.stage == STAGE_DONE) {
		doctor_add_check(r, "userns unshare", DOCTOR_OK,
				 "%s, unshare(CLONE_NEWUSER) worked: rootless containers are possible",
				 who);
		return;
	}
	if (res.stage == STAGE_DROP) {
		doctor_add_check(r, "userns unshare", DOCTOR_WARN, "could not test: %s failed: %s",
				 stage_names[res.stage], strerror(res.err));
		return;
	}
	doctor_add_check(r, "userns unshare", DOCTOR_NO,
			 "%s, unshare(CLONE_NEWUSER) failed with %s: %s. Rootless nslab cannot "
			 "start containers here%s",
			 who, doctor_errno_name(res.err), userns_errno_hint(res.err),
			 ctx->root ? "; as root it still can" : "");
}

static const char *tmp_note(void)
{
	struct statfs st;
	if (statfs("/tmp", &st) == 0 && (unsigned long)st.f_type == OVERLAYFS_SUPER_MAGIC)
		return " /tmp is itself an overlay, which cannot be an upper dir.";
	return "";
}

static void report_overlay(struct doctor_report *r, const struct doctor_ctx *ctx,
			   const struct probe_result *res)
{
	const char *who = ctx->root ? "as nobody (65534)" : "as you";
	if (res->stage == STAGE_DONE && res->userxattr) {
		doctor_add_check(r, "overlay in userns", DOCTOR_OK,
				 "%s in a new user+mount namespace, mounting overlay worked with "
				 "\"userxattr\" (overlay keeps its metadata in user.overlay.* xattrs, "
				 "which an unprivileged mount may set; Linux 5.11+)",
				 who);
		return;
	}
	if (res->stage == STAGE_DONE) {
		doctor_add_check(r, "overlay in userns", DOCTOR_OK,
				 "%s in a new user+mount namespace, mounting overlay worked only "
				 "without \"userxattr\" (it failed with %s: the kernel predates the "
				 "option or has a distribution patch)",
				 who, doctor_errno_name(res->err_first));
		return;
	}
	if (res->stage == STAGE_MOUNT) {
		doctor_add_check(r, "overlay in userns", DOCTOR_NO,
				 "%s in a new user+mount namespace, mounting overlay failed: with "
				 "userxattr %s, without %s. Unprivileged overlay needs Linux 5.11+; "
				 "rootless, overlay layers are unavailable.%s",
				 who, doctor_errno_name(res->err_first), doctor_errno_name(res->err), tmp_note());
		return;
	}
	doctor_add_check(r, "overlay in userns", DOCTOR_NO, "%s, %s failed with %s (%s)", who,
			 stage_names[res->stage], doctor_errno_name(res->err), strerror(res->err));
}

/* The layers live in a temp dir under /tmp that this function removes on
 * every path, whatever the child did. */
void doctor_check_overlay_userns(struct doctor_report *r, const struct doctor_ctx *ctx)
{
	char dir[] = "/tmp/nslab-doctor-XXXXXX";
	struct probe_result res;
	if (!mkdtemp(dir)) {
		doctor_add_check(r, "overlay in userns", DOCTOR_WARN,
				 "could not test: mkdtemp in /tmp failed: %s", strerror(errno));
		return;
	}
	struct probe_args args = { .drop = ctx->root, .dir = dir };
	const char *what = "chown to nobody";
	int rc = 0;
	if (ctx->root && chown(dir, NOBODY_ID, NOBODY_ID) < 0)
		rc = -errno;
	if (rc == 0) {
		what = "the test child";
		rc = probe_in_child(probe_overlay, &args, &res);
	}
	struct nslab_error rm_err;
	tree_remove(dir, &rm_err);
	if (rc < 0) {
		doctor_add_check(r, "overlay in userns", DOCTOR_WARN, "could not test: %s failed: %s",
				 what, strerror(-rc));
		return;
	}
	report_overlay(r, ctx, &res);
}
