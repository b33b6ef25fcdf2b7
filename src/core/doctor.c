/* doctor: probe what this machine allows for containers and explain why. */
#include "nslab/doctor.h"
#include "nslab/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435 /* the same number on every architecture */
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif
#ifndef OVERLAYFS_SUPER_MAGIC
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#endif

#define NOBODY_ID 65534
#define PATH_LEN 512

/* What doctor_run learns once and every check may use. */
struct doctor_ctx {
	struct utsname uts;
	int major, minor; /* kernel version, 0.0 when unparsable */
	int root;	  /* effective uid 0 in the initial user namespace */
	int ns_root;	  /* effective uid 0, but inside a user namespace */
};

/* What the probe children need: whether to drop to nobody first, and the
 * overlay test's temp dir. */
struct probe_args {
	int drop;
	const char *dir;
};

/* ---- small helpers ---------------------------------------------------- */

__attribute__((format(printf, 4, 5))) static void check_add(struct doctor_report *r,
							     const char *name, int status,
							     const char *fmt, ...)
{
	if (r->n >= DOCTOR_MAX_CHECKS)
		return;
	struct doctor_check *c = &r->checks[r->n++];
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->status = status;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

/* Append to a NUL-terminated buffer; silently stops when it is full. */
__attribute__((format(printf, 3, 4))) static void appendf(char *buf, size_t size,
							    const char *fmt, ...)
{
	size_t len = strnlen(buf, size);
	if (len + 1 >= size)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

static const char *errno_name(int err)
{
	const char *name = strerrorname_np(err);
	return name ? name : "unknown error";
}

/* Read a whole file of unknown size (procfs reports 0); malloc'd, NULL on error. */
static char *read_all(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 16384, len = 0;
	_cleanup_free_ char *buf = malloc(cap);
	if (!buf)
		return NULL;
	for (;;) {
		if (len + 1 == cap) {
			char *bigger = realloc(buf, cap * 2);
			if (!bigger)
				return NULL;
			buf = bigger;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return NULL;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return steal_pointer(&buf);
}

static int read_long(const char *path, long *out)
{
	char buf[64];
	*out = -1;
	ssize_t n = read_file_at(AT_FDCWD, path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	char *end;
	errno = 0;
	*out = strtol(buf, &end, 10);
	if (errno || end == buf)
		return -EINVAL;
	return 0;
}

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

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* rm -rf for our own temp dir: dirs are made 0700 first because overlay
 * leaves work/work with mode 000. */
static void remove_tree_at(int at, const char *name)
{
	struct stat st;
	if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlinkat(at, name, 0);
		return;
	}
	fchmodat(at, name, 0700, 0);
	int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d && fd >= 0)
		close(fd);
	for (struct dirent *e; d && (e = readdir(d));) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			remove_tree_at(dirfd(d), e->d_name);
	}
	if (d)
		closedir(d);
	unlinkat(at, name, AT_REMOVEDIR);
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

/* ---- mountinfo ---------------------------------------------------------- */

struct mountinfo_entry {
	const char *mountpoint; /* with octal escapes decoded */
	const char *fstype;
	const char *superopts;
	int shared; /* the optional fields hold shared:N */
};

static int is_octal(char c)
{
	return c >= '0' && c <= '7';
}

/* The kernel escapes space, tab, newline and backslash as \ooo. */
static void mountinfo_unescape(char *s)
{
	char *w = s;
	for (const char *p = s; *p;) {
		if (p[0] == '\\' && is_octal(p[1]) && is_octal(p[2]) && is_octal(p[3])) {
			*w++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 4;
			continue;
		}
		*w++ = *p++;
	}
	*w = '\0';
}

/* Split one line in place: id parent maj:min root mountpoint options
 * optional... - fstype source superoptions. -1 when incomplete (a line cut
 * short has no separator or lacks the fields after it). */
static int mountinfo_parse_line(char *line, struct mountinfo_entry *e)
{
	char *fields[6];
	char *save = NULL;
	char *tok = strtok_r(line, " ", &save);
	size_t i;
	memset(e, 0, sizeof(*e));
	for (i = 0; i < 6 && tok; i++, tok = strtok_r(NULL, " ", &save))
		fields[i] = tok;
	if (i < 6)
		return -1;
	for (; tok && strcmp(tok, "-") != 0; tok = strtok_r(NULL, " ", &save))
		e->shared |= strncmp(tok, "shared:", 7) == 0;
	if (!tok)
		return -1;
	e->fstype = strtok_r(NULL, " ", &save);
	const char *source = strtok_r(NULL, " ", &save);
	e->superopts = strtok_r(NULL, " ", &save);
	if (!e->fstype || !source || !e->superopts)
		return -1;
	mountinfo_unescape(fields[4]);
	e->mountpoint = fields[4];
	return 0;
}

typedef void (*mountinfo_fn)(const struct mountinfo_entry *e, void *arg);

static void mountinfo_each(const char *text, mountinfo_fn fn, void *arg)
{
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, len);
		struct mountinfo_entry e;
		if (line && mountinfo_parse_line(line, &e) == 0)
			fn(&e, arg);
		free(line);
		p += len + (nl ? 1 : 0);
	}
}

static void root_visit(const struct mountinfo_entry *e, void *arg)
{
	int *shared = arg;
	if (strcmp(e->mountpoint, "/") == 0)
		*shared = e->shared; /* keep going: a later mount on / hides this one */
}

int doctor_root_is_shared(const char *mountinfo)
{
	int shared = -1;
	if (!mountinfo)
		return -1;
	mountinfo_each(mountinfo, root_visit, &shared);
	return shared;
}

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

static void v1_visit_mount(const struct mountinfo_entry *e, void *arg)
{
	struct v1_visit *v = arg;
	if (strcmp(e->fstype, "cgroup") == 0 && path_under(e->mountpoint, v->root))
		v1_add_names(v, e->superopts);
}

int doctor_cgroup_v1_controllers(const char *mountinfo, const char *root, char *out, size_t size)
{
	struct v1_visit v = { .root = root, .out = out, .size = size };
	if (!out || size == 0)
		return 0;
	out[0] = '\0';
	if (!mountinfo || !root)
		return 0;
	mountinfo_each(mountinfo, v1_visit_mount, &v);
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

/* ---- checks: kernel and namespaces -------------------------------------- */

static void check_kernel(struct doctor_report *r, const struct doctor_ctx *ctx)
{
	check_add(r, "kernel", DOCTOR_INFO, "Linux %s on %s (%s)", ctx->uts.release,
		  ctx->uts.machine, ctx->uts.version);
}

/* The initial user namespace maps all 2^32 ids onto themselves. */
static int in_initial_userns(void)
{
	char text[256];
	unsigned inside, outside, count;
	if (read_file_at(AT_FDCWD, "/proc/self/uid_map", text, sizeof(text)) < 0)
		return 1; /* no user namespaces at all */
	if (sscanf(text, "%u %u %u", &inside, &outside, &count) != 3)
		return 0;
	return inside == 0 && outside == 0 && count == 4294967295u;
}

static void check_privilege(struct doctor_report *r, const struct doctor_ctx *ctx)
{
	if (ctx->root) {
		check_add(r, "privilege", DOCTOR_INFO,
			  "running as root: every feature is available. The user-namespace "
			  "and overlay tests below drop to nobody (65534) to show what an "
			  "ordinary user would get.");
		return;
	}
	if (ctx->ns_root) {
		check_add(r, "privilege", DOCTOR_INFO,
			  "running as uid 0 inside a user namespace: root here, but the host "
			  "sees your outside uid, so nslab treats this as rootless. Cgroup "
			  "limits need a delegated cgroup and veth links need the host network "
			  "namespace.");
		return;
	}
	check_add(r, "privilege", DOCTOR_INFO,
		  "running as uid %u, not root: nslab works rootless through a user "
		  "namespace that maps you to 0 inside. That rules out cgroup limits "
		  "unless your cgroup is delegated (see below) and veth links (creating "
		  "one needs CAP_NET_ADMIN in the host network namespace); loopback in a "
		  "new network namespace still works.",
		  (unsigned)geteuid());
}

static const struct ns_kind {
	const char *name;
	const char *flag;
	const char *since;
	const char *config;
	const char *isolates;
} ns_kinds[] = {
	{ "pid", "CLONE_NEWPID", "2.6.24", "CONFIG_PID_NS", "process IDs" },
	{ "user", "CLONE_NEWUSER", "3.8", "CONFIG_USER_NS", "user and group IDs and capabilities" },
	{ "uts", "CLONE_NEWUTS", "2.6.19", "CONFIG_UTS_NS", "the hostname and NIS domain name" },
	{ "mnt", "CLONE_NEWNS", "2.4.19", "nothing (always built in)", "the mount table" },
	{ "net", "CLONE_NEWNET", "2.6.29", "CONFIG_NET_NS",
	  "network devices, addresses, routes and ports" },
	{ "ipc", "CLONE_NEWIPC", "2.6.19", "CONFIG_IPC_NS",
	  "System V IPC and POSIX message queues" },
	{ "cgroup", "CLONE_NEWCGROUP", "4.6", "CONFIG_CGROUPS", "the view of the cgroup tree" },
	{ "time", "CLONE_NEWTIME", "5.6", "CONFIG_TIME_NS", "CLOCK_MONOTONIC and CLOCK_BOOTTIME" },
};

static void check_namespace(struct doctor_report *r, const struct doctor_ctx *ctx,
			    const struct ns_kind *k)
{
	char name[64], path[64];
	snprintf(name, sizeof(name), "%s namespace", k->name);
	snprintf(path, sizeof(path), "/proc/self/ns/%s", k->name);
	if (access(path, F_OK) == 0) {
		check_add(r, name, DOCTOR_OK, "%s isolates %s (Linux %s+)", k->flag, k->isolates,
			  k->since);
		return;
	}
	check_add(r, name, DOCTOR_NO,
		  "%s is missing: %s namespaces came in Linux %s (this is %s) and need %s; "
		  "%s is unavailable until the kernel is upgraded or rebuilt",
		  path, k->name, k->since, ctx->uts.release, k->config, k->flag);
}

static void check_clone3(struct doctor_report *r)
{
	/* size 0 is below CLONE_ARGS_SIZE_VER0, so a kernel that has clone3
	 * rejects it before creating anything. */
	long rc = syscall(SYS_clone3, NULL, 0);
	int err = rc < 0 ? errno : 0;
	if (err == EINVAL || err == EFAULT) {
		check_add(r, "clone3", DOCTOR_OK,
			  "clone3(NULL, 0) answered %s, so the call exists (Linux 5.3+): "
			  "nslab launches children with clone3",
			  errno_name(err));
		return;
	}
	if (err == ENOSYS) {
		check_add(r, "clone3", DOCTOR_WARN,
			  "clone3 answered ENOSYS: the kernel predates 5.3, or a seccomp "
			  "filter hides it on purpose (Docker's default profile does) so "
			  "runtimes fall back. nslab falls back to clone(2), which does "
			  "everything the lessons need.");
		return;
	}
	check_add(r, "clone3", DOCTOR_WARN,
		  "clone3(NULL, 0) answered %s (%s), probably a seccomp filter; nslab falls "
		  "back to clone(2)",
		  errno_name(err), strerror(err));
}

static void check_time_exec(struct doctor_report *r, const struct doctor_ctx *ctx)
{
	if (access("/proc/self/ns/time_for_children", F_OK) != 0) {
		check_add(r, "time ns entry", DOCTOR_INFO,
			  "no time namespaces here, so --time is unavailable");
		return;
	}
	(void)ctx;
	check_add(r, "time ns entry", DOCTOR_INFO,
		  "unshare(CLONE_NEWTIME) leaves the caller outside; nslab's child "
		  "writes the offsets, then joins with setns(time_for_children), "
		  "which every kernel with time namespaces allows");
}

static void check_max_namespaces(struct doctor_report *r)
{
	static const char *const kinds[] = { "user", "pid", "net", "mnt",
					     "uts", "ipc", "cgroup", "time" };
	char detail[400] = "", zero[64] = "";
	int found = 0;
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		char path[96];
		long v;
		snprintf(path, sizeof(path), "/proc/sys/user/max_%s_namespaces", kinds[i]);
		if (read_long(path, &v) < 0)
			continue;
		appendf(detail, sizeof(detail), "%s%s %ld", found++ ? ", " : "", kinds[i], v);
		if (v == 0 && !zero[0])
			snprintf(zero, sizeof(zero), "%s", kinds[i]);
	}
	if (!found) {
		check_add(r, "max namespaces", DOCTOR_INFO,
			  "no limits under /proc/sys/user (kernel before 4.9)");
		return;
	}
	if (zero[0]) {
		check_add(r, "max namespaces", DOCTOR_WARN,
			  "per-user limits: %s. max_%s_namespaces is 0, so creating one fails "
			  "with ENOSPC; raise it: sysctl -w user.max_%s_namespaces=10000",
			  detail, zero, zero);
		return;
	}
	check_add(r, "max namespaces", DOCTOR_INFO,
		  "per-user limits (/proc/sys/user/max_*_namespaces): %s", detail);
}

/* ---- checks: unprivileged user namespaces ------------------------------- */

static void check_userns_sysctls(struct doctor_report *r, const struct doctor_ctx *ctx)
{
	char found[200] = "", hint[300] = "";
	int status = DOCTOR_OK;
	long v;
	if (read_long("/proc/sys/kernel/unprivileged_userns_clone", &v) == 0) {
		appendf(found, sizeof(found), "kernel.unprivileged_userns_clone=%ld; ", v);
		if (v == 0 && status == DOCTOR_OK) {
			status = DOCTOR_NO;
			snprintf(hint, sizeof(hint), "the Debian switch blocks them; allow: "
				 "sysctl -w kernel.unprivileged_userns_clone=1");
		}
	}
	if (read_long("/proc/sys/user/max_user_namespaces", &v) == 0) {
		appendf(found, sizeof(found), "user.max_user_namespaces=%ld; ", v);
		if (v == 0 && status == DOCTOR_OK) {
			status = DOCTOR_NO;
			snprintf(hint, sizeof(hint), "a limit of 0 blocks them (for root too); "
				 "sysctl -w user.max_user_namespaces=10000");
		}
	}
	if (read_long("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", &v) == 0) {
		appendf(found, sizeof(found), "kernel.apparmor_restrict_unprivileged_userns=%ld; ",
			v);
		if (v == 1 && status == DOCTOR_OK) {
			status = DOCTOR_WARN;
			snprintf(hint, sizeof(hint),
				 "AppArmor (Ubuntu 23.10+) lets unshare succeed but gives the new "
				 "namespace no capabilities, so mounts fail; allow with sysctl -w "
				 "kernel.apparmor_restrict_unprivileged_userns=0 or an AppArmor "
				 "profile for nslab with the rule 'userns,'");
		}
	}
	if (!found[0]) {
		check_add(r, "userns sysctls", DOCTOR_OK,
			  "none of the usual switches exist, so no sysctl restricts "
			  "unprivileged user namespaces");
		return;
	}
	if (status == DOCTOR_OK) {
		check_add(r, "userns sysctls", DOCTOR_OK,
			  "%sunprivileged user namespaces are allowed", found);
		return;
	}
	check_add(r, "userns sysctls", status, "%s%s%s", found, hint,
		  ctx->root ? " (only rootless use is affected; as root nslab goes ahead)" : "");
}

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

static void check_userns_unshare(struct doctor_report *r, const struct doctor_ctx *ctx)
{
	const char *who = ctx->root ? "as nobody (65534)" : "as you";
	struct probe_args args = { .drop = ctx->root };
	struct probe_result res;
	int rc = probe_in_child(probe_userns, &args, &res);
	if (rc < 0) {
		check_add(r, "userns unshare", DOCTOR_WARN, "could not run the test child: %s",
			  strerror(-rc));
		return;
	}
	if (res.stage == STAGE_DONE) {
		check_add(r, "userns unshare", DOCTOR_OK,
			  "%s, unshare(CLONE_NEWUSER) worked: rootless containers are possible",
			  who);
		return;
	}
	if (res.stage == STAGE_DROP) {
		check_add(r, "userns unshare", DOCTOR_WARN, "could not test: %s failed: %s",
			  stage_names[res.stage], strerror(res.err));
		return;
	}
	check_add(r, "userns unshare", DOCTOR_NO,
		  "%s, unshare(CLONE_NEWUSER) failed with %s: %s. Rootless nslab cannot "
		  "start containers here%s",
		  who, errno_name(res.err), userns_errno_hint(res.err),
		  ctx->root ? "; as root it still can" : "");
}

/* ---- checks: mounts and overlay ----------------------------------------- */

static void check_root_propagation(struct doctor_report *r)
{
	_cleanup_free_ char *text = read_all("/proc/self/mountinfo");
	int shared = doctor_root_is_shared(text);
	if (shared < 0) {
		check_add(r, "/ propagation", DOCTOR_WARN,
			  "could not find / in /proc/self/mountinfo%s; nslab makes every new "
			  "mount namespace MS_REC|MS_PRIVATE first anyway",
			  text ? "" : " (unreadable)");
		return;
	}
	if (shared) {
		check_add(r, "/ propagation", DOCTOR_WARN,
			  "/ is a shared mount (systemd makes it so): a mount made in a new "
			  "mount namespace would propagate back to the host unless / is made "
			  "private first. nslab always does mount(NULL, \"/\", NULL, "
			  "MS_REC|MS_PRIVATE) first; do the same by hand (unshare(1) does it "
			  "too).");
		return;
	}
	check_add(r, "/ propagation", DOCTOR_OK,
		  "/ is private (not shared), which is fine: mounts in a new mount "
		  "namespace stay there. nslab still makes / MS_REC|MS_PRIVATE first, as "
		  "it must on systemd machines where / is shared.");
}

static void check_overlay_fs(struct doctor_report *r)
{
	char buf[8192];
	if (read_file_at(AT_FDCWD, "/proc/filesystems", buf, sizeof(buf)) < 0) {
		check_add(r, "overlay fs", DOCTOR_WARN, "could not read /proc/filesystems");
		return;
	}
	if (strstr(buf, "\toverlay\n")) {
		check_add(r, "overlay fs", DOCTOR_OK,
			  "overlay is in /proc/filesystems: layered root file systems work");
		return;
	}
	check_add(r, "overlay fs", DOCTOR_NO,
		  "overlay is not in /proc/filesystems: load it (modprobe overlay; the kernel "
		  "needs CONFIG_OVERLAY_FS). Without it --overlay is unavailable; a plain "
		  "root directory still works.");
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
		check_add(r, "overlay in userns", DOCTOR_OK,
			  "%s in a new user+mount namespace, mounting overlay worked with "
			  "\"userxattr\" (overlay keeps its metadata in user.overlay.* xattrs, "
			  "which an unprivileged mount may set; Linux 5.11+)",
			  who);
		return;
	}
	if (res->stage == STAGE_DONE) {
		check_add(r, "overlay in userns", DOCTOR_OK,
			  "%s in a new user+mount namespace, mounting overlay worked only "
			  "without \"userxattr\" (it failed with %s: the kernel predates the "
			  "option or has a distribution patch)",
			  who, errno_name(res->err_first));
		return;
	}
	if (res->stage == STAGE_MOUNT) {
		check_add(r, "overlay in userns", DOCTOR_NO,
			  "%s in a new user+mount namespace, mounting overlay failed: with "
			  "userxattr %s, without %s. Unprivileged overlay needs Linux 5.11+; "
			  "rootless, overlay layers are unavailable.%s",
			  who, errno_name(res->err_first), errno_name(res->err), tmp_note());
		return;
	}
	check_add(r, "overlay in userns", DOCTOR_NO, "%s, %s failed with %s (%s)", who,
		  stage_names[res->stage], errno_name(res->err), strerror(res->err));
}

/* The layers live in a temp dir under /tmp that this function removes on
 * every path, whatever the child did. */
static void check_overlay_userns(struct doctor_report *r, const struct doctor_ctx *ctx)
{
	char dir[] = "/tmp/nslab-doctor-XXXXXX";
	struct probe_result res;
	if (!mkdtemp(dir)) {
		check_add(r, "overlay in userns", DOCTOR_WARN,
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
	remove_tree_at(AT_FDCWD, dir);
	if (rc < 0) {
		check_add(r, "overlay in userns", DOCTOR_WARN, "could not test: %s failed: %s",
			  what, strerror(-rc));
		return;
	}
	report_overlay(r, ctx, &res);
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
		check_add(r, "cgroup version", DOCTOR_OK,
			  "cgroup v2 only: one unified hierarchy at %s; nslab uses its v2 "
			  "backend",
			  cg->root);
		return;
	case CG_HYBRID:
		check_add(r, "cgroup version", DOCTOR_OK,
			  "hybrid: cgroup v1 hierarchies under %s plus cgroup2 at %s/unified; "
			  "a controller works in one hierarchy at a time, so limits go where "
			  "the controllers are (see below)",
			  cg->root, cg->root);
		return;
	case CG_V1:
		check_add(r, "cgroup version", DOCTOR_OK,
			  "cgroup v1: one hierarchy per controller under %s; nslab uses its v1 "
			  "backend (most current distributions are v2 only)",
			  cg->root);
		return;
	}
	check_add(r, "cgroup version", DOCTOR_NO,
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
			appendf(out, size, "%s%s", out[0] ? ", " : "", wanted[i]);
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
	_cleanup_free_ char *text = read_all("/proc/self/mountinfo");
	if (doctor_cgroup_v1_controllers(text, cg->root, list, sizeof(list)) == 0)
		v1_controllers_from_dirs(cg->root, list, sizeof(list));
	missing_limits(list, missing, sizeof(missing));
	if (!missing[0]) {
		check_add(r, "cgroup v1 controllers", DOCTOR_OK, "mounted under %s: %s", cg->root,
			  list);
		return;
	}
	check_add(r, "cgroup v1 controllers", DOCTOR_WARN,
		  "mounted under %s: %s. Missing %s, so that limit is unavailable unless it "
		  "is on cgroup2.",
		  cg->root, list[0] ? list : "(none)", missing);
}

/* On hybrid machines a controller lives in v1 or v2, never both. */
static void report_hybrid_v2(struct doctor_report *r, const struct cgroup_view *cg,
			     const char *list, const char *missing)
{
	if (!list[0]) {
		check_add(r, "cgroup v2 controllers", DOCTOR_INFO,
			  "cgroup2 at %s has no controllers: limits use v1", cg->v2);
		return;
	}
	if (strcmp(missing, "memory, pids, cpu") == 0) {
		check_add(r, "cgroup v2 controllers", DOCTOR_INFO,
			  "cgroup2 at %s has only %s (controllers no v1 hierarchy took): "
			  "limits use v1",
			  cg->v2, list);
		return;
	}
	check_add(r, "cgroup v2 controllers", DOCTOR_INFO,
		  "cgroup2 at %s has %s: limits on those can use cgroup2, the rest use v1",
		  cg->v2, list);
}

static void check_cgroup_v2(struct doctor_report *r, const struct cgroup_view *cg)
{
	char path[CG_PATH_LEN + 32], text[512], list[256], missing[64];
	snprintf(path, sizeof(path), "%s/cgroup.controllers", cg->v2);
	ssize_t n = read_file_at(AT_FDCWD, path, text, sizeof(text));
	if (n < 0) {
		check_add(r, "cgroup v2 controllers", DOCTOR_WARN, "could not read %s: %s", path,
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
		check_add(r, "cgroup v2 controllers", DOCTOR_OK, "%s lists %s", path, list);
		return;
	}
	check_add(r, "cgroup v2 controllers", DOCTOR_WARN,
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
		check_add(r, "cgroup v2 subtree_control", DOCTOR_WARN, "could not read %s: %s",
			  path, strerror((int)-n));
		return;
	}
	doctor_controllers_list(text, list, sizeof(list));
	missing_limits(list, missing, sizeof(missing));
	if (!missing[0]) {
		check_add(r, "cgroup v2 subtree_control", DOCTOR_OK,
			  "%s has %s: child cgroups get memory, pids and cpu", path, list);
		return;
	}
	check_add(r, "cgroup v2 subtree_control", ctx->root ? DOCTOR_INFO : DOCTOR_WARN,
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
		check_add(r, "cgroup write access", DOCTOR_OK,
			  "%s is writable (%s): nslab can create its cgroup there", dir,
			  ctx->root ? "root" : "delegated to you");
		return;
	}
	int err = errno;
	if (ctx->root) {
		check_add(r, "cgroup write access", DOCTOR_NO,
			  "%s is not writable even as root: %s (%s); is cgroupfs mounted "
			  "read-only, as inside many containers?",
			  dir, errno_name(err), strerror(err));
		return;
	}
	check_add(r, "cgroup write access", DOCTOR_NO,
		  "%s is not writable by uid %u (%s): cgroup limits need root or a delegated "
		  "cgroup. %s",
		  dir, (unsigned)geteuid(), errno_name(err),
		  cg->mode == CG_V2 ? "With systemd: systemd-run --user --scope -p "
				      "Delegate=yes nslab"
				    : "cgroup v1 has no safe delegation; run as root for limits.");
}

static void check_cgroups(struct doctor_report *r, const struct doctor_ctx *ctx)
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

/* ---- run and print ------------------------------------------------------ */

void doctor_run(struct doctor_report *r)
{
	struct doctor_ctx ctx = { .root = geteuid() == 0 && in_initial_userns() };
	ctx.ns_root = geteuid() == 0 && !ctx.root;
	r->n = 0;
	if (uname(&ctx.uts) == 0)
		sscanf(ctx.uts.release, "%d.%d", &ctx.major, &ctx.minor);
	else
		snprintf(ctx.uts.release, sizeof(ctx.uts.release), "unknown");
	check_kernel(r, &ctx);
	check_privilege(r, &ctx);
	for (size_t i = 0; i < ARRAY_SIZE(ns_kinds); i++)
		check_namespace(r, &ctx, &ns_kinds[i]);
	check_clone3(r);
	check_max_namespaces(r);
	check_userns_sysctls(r, &ctx);
	check_userns_unshare(r, &ctx);
	check_time_exec(r, &ctx);
	check_root_propagation(r);
	check_overlay_fs(r);
	check_overlay_userns(r, &ctx);
	check_cgroups(r, &ctx);
}

static const char *status_mark(int status)
{
	switch (status) {
	case DOCTOR_OK:
		return "ok  ";
	case DOCTOR_WARN:
		return "warn";
	case DOCTOR_NO:
		return "no  ";
	default:
		return "info";
	}
}

#define PRINT_WIDTH 80
#define PRINT_INDENT 6

/* Print text word by word from column col, wrapping before PRINT_WIDTH;
 * continuation lines are indented. A word longer than a line stays whole. */
static void print_wrapped(FILE *out, const char *text, size_t col)
{
	for (const char *p = text; *p;) {
		p += strspn(p, " ");
		size_t len = strcspn(p, " ");
		if (!len)
			break;
		if (col > PRINT_INDENT && col + 1 + len > PRINT_WIDTH) {
			fprintf(out, "\n%*s", PRINT_INDENT, "");
			col = PRINT_INDENT;
		} else if (col > PRINT_INDENT) {
			fputc(' ', out);
			col++;
		}
		fprintf(out, "%.*s", (int)len, p);
		col += len;
		p += len;
	}
	fputc('\n', out);
}

void doctor_print(const struct doctor_report *r, FILE *out)
{
	size_t ok = 0, warn = 0, no = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct doctor_check *c = &r->checks[i];
		ok += c->status == DOCTOR_OK;
		warn += c->status == DOCTOR_WARN;
		no += c->status == DOCTOR_NO;
		fprintf(out, "%s  %s:", status_mark(c->status), c->name);
		print_wrapped(out, c->detail, 4 + 2 + strlen(c->name) + 1);
	}
	fprintf(out, "summary: %zu ok, %zu warning%s, %zu unavailable\n", ok, warn,
		warn == 1 ? "" : "s", no);
}
