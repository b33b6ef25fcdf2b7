/* The traced syscall layer: each wrapper makes one call and records it. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nslab/spec.h"
#include "nslab/sys.h"
#include "nslab/util.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

long sys_clone3(struct clone_args *args, size_t size) { return syscall(SYS_clone3, args, size); }

int sys_pivot_root(const char *new_root, const char *put_old)
{
	return (int)syscall(SYS_pivot_root, new_root, put_old);
}

struct flag_name {
	unsigned long flag;
	const char *name;
};

static const struct flag_name mount_flags[] = {
	{MS_RDONLY, "MS_RDONLY"},	{MS_NOSUID, "MS_NOSUID"},
	{MS_NODEV, "MS_NODEV"},		{MS_NOEXEC, "MS_NOEXEC"},
	{MS_SYNCHRONOUS, "MS_SYNCHRONOUS"}, {MS_REMOUNT, "MS_REMOUNT"},
	{MS_MANDLOCK, "MS_MANDLOCK"},	{MS_DIRSYNC, "MS_DIRSYNC"},
	{MS_NOATIME, "MS_NOATIME"},	{MS_NODIRATIME, "MS_NODIRATIME"},
	{MS_BIND, "MS_BIND"},		{MS_MOVE, "MS_MOVE"},
	{MS_REC, "MS_REC"},		{MS_SILENT, "MS_SILENT"},
	{MS_UNBINDABLE, "MS_UNBINDABLE"}, {MS_PRIVATE, "MS_PRIVATE"},
	{MS_SLAVE, "MS_SLAVE"},		{MS_SHARED, "MS_SHARED"},
	{MS_RELATIME, "MS_RELATIME"},	{MS_STRICTATIME, "MS_STRICTATIME"},
	{MS_LAZYTIME, "MS_LAZYTIME"},
};

static const struct flag_name umount_flags[] = {
	{MNT_FORCE, "MNT_FORCE"},
	{MNT_DETACH, "MNT_DETACH"},
	{MNT_EXPIRE, "MNT_EXPIRE"},
	{UMOUNT_NOFOLLOW, "UMOUNT_NOFOLLOW"},
};

static void flags_to_names(const struct flag_name *tab, size_t n, unsigned long flags, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (!(flags & tab[i].flag))
			continue;
		str_appendf(buf, size, &len, "%s%s", len ? "|" : "", tab[i].name);
		flags &= ~tab[i].flag;
	}
	if (flags)
		str_appendf(buf, size, &len, "%s%#lx", len ? "|" : "", flags);
	if (!len)
		str_appendf(buf, size, &len, "0");
}

void sys_mount_flags_names(unsigned long flags, char *buf, size_t size)
{
	flags_to_names(mount_flags, ARRAY_SIZE(mount_flags), flags, buf, size);
}

/* Quote a string as strace does, escaping what would break a trace line. */
static const char *quote(const char *s, char *buf, size_t size)
{
	size_t len = 0;

	if (!s) {
		snprintf(buf, size, "NULL");
		return buf;
	}
	str_appendf(buf, size, &len, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int r;
		if (*p == '\n')
			r = str_appendf(buf, size, &len, "\\n");
		else if (*p == '"' || *p == '\\')
			r = str_appendf(buf, size, &len, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			r = str_appendf(buf, size, &len, "\\x%02x", *p);
		else
			r = str_appendf(buf, size, &len, "%c", *p);
		if (r < 0)
			break;
	}
	str_appendf(buf, size, &len, "\"");
	return buf;
}

#define Q(s, b) quote((s), (b), sizeof(b))

/* Run `expr` (a syscall returning -1/errno), keep errno, record the event. */
#define TRACED(t, name, note, expr, ...)                                             \
	({                                                                           \
		unsigned long long start_ = trace_clock();                                \
		long long r_ = (expr);                                               \
		int e_ = r_ < 0 ? errno : 0;                                         \
		trace_record((t), (name), r_, e_, start_, (note), __VA_ARGS__);      \
		errno = e_;                                                          \
		r_ < 0 ? -e_ : r_;                                                   \
	})

static pid_t raw_clone(unsigned long flags, int cgroup_fd, bool *used_clone3)
{
	struct clone_args args = {
		.flags = flags,
		.exit_signal = SIGCHLD,
	};

	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (unsigned long long)cgroup_fd;
	}
	*used_clone3 = true;
	long r = sys_clone3(&args, sizeof(args));
	if (r >= 0 || errno != ENOSYS)
		return (pid_t)r;
	/* Before 5.3 there is no clone3; a NULL stack makes clone behave like fork. */
	*used_clone3 = false;
	if (cgroup_fd >= 0) {
		errno = ENOSYS;
		return -1;
	}
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
}

pid_t sys_traced_clone(struct trace *t, unsigned long flags, int cgroup_fd, const char *note)
{
	char names[256];
	bool used_clone3;
	unsigned long long start = trace_clock();

	trace_flush(t); /* what a child kept is sent once, not by both sides of the fork */
	pid_t pid = raw_clone(flags, cgroup_fd, &used_clone3);
	if (pid == 0)
		return 0;
	int err = pid < 0 ? errno : 0;
	spec_flags_names(flags, names, sizeof(names));
	if (used_clone3)
		trace_record(t, "clone3", pid, err, start, note,
			     "{flags=%s%s, exit_signal=SIGCHLD%s}, %zu", names,
			     cgroup_fd >= 0 ? "|CLONE_INTO_CGROUP" : "",
			     cgroup_fd >= 0 ? ", cgroup=<fd>" : "", sizeof(struct clone_args));
	else
		trace_record(t, "clone", pid, err, start, note, "flags=%s|SIGCHLD, stack=NULL", names);
	errno = err;
	return pid < 0 ? -err : pid;
}

int sys_traced_unshare(struct trace *t, unsigned long flags, const char *note)
{
	char names[256];

	spec_flags_names(flags, names, sizeof(names));
	return (int)TRACED(t, "unshare", note, unshare((int)flags), "%s", names);
}

int sys_traced_setns(struct trace *t, int fd, int nstype, const char *what, const char *note)
{
	char names[256];

	spec_flags_names((unsigned long)nstype, names, sizeof(names));
	return (int)TRACED(t, "setns", note, setns(fd, nstype), "%d</%s>, %s", fd, what, names);
}

int sys_traced_mount(struct trace *t, const char *src, const char *target, const char *fstype,
		     unsigned long flags, const char *data, const char *note)
{
	char names[256], qs[300], qt[300], qf[64], qd[1024];

	sys_mount_flags_names(flags, names, sizeof(names));
	return (int)TRACED(t, "mount", note, mount(src, target, fstype, flags, data), "%s, %s, %s, %s, %s",
			   Q(src, qs), Q(target, qt), Q(fstype, qf), names, Q(data, qd));
}

int sys_traced_umount2(struct trace *t, const char *target, int flags, const char *note)
{
	char names[128], qt[300];

	flags_to_names(umount_flags, ARRAY_SIZE(umount_flags), (unsigned long)flags, names, sizeof(names));
	return (int)TRACED(t, "umount2", note, umount2(target, flags), "%s, %s", Q(target, qt), names);
}

int sys_traced_pivot_root(struct trace *t, const char *new_root, const char *put_old, const char *note)
{
	char qn[300], qo[300];

	return (int)TRACED(t, "pivot_root", note, sys_pivot_root(new_root, put_old), "%s, %s", Q(new_root, qn),
			   Q(put_old, qo));
}

int sys_traced_chroot(struct trace *t, const char *path, const char *note)
{
	char q[300];

	return (int)TRACED(t, "chroot", note, chroot(path), "%s", Q(path, q));
}

int sys_traced_chdir(struct trace *t, const char *path, const char *note)
{
	char q[300];

	return (int)TRACED(t, "chdir", note, chdir(path), "%s", Q(path, q));
}

int sys_traced_fchdir(struct trace *t, int fd, const char *what, const char *note)
{
	return (int)TRACED(t, "fchdir", note, fchdir(fd), "%d<%s>", fd, what);
}

int sys_traced_mkdir(struct trace *t, const char *path, mode_t mode, const char *note)
{
	char q[300];

	return (int)TRACED(t, "mkdir", note, mkdir(path, mode), "%s, 0%o", Q(path, q), (unsigned)mode);
}

int sys_traced_rmdir(struct trace *t, const char *path, const char *note)
{
	char q[300];

	return (int)TRACED(t, "rmdir", note, rmdir(path), "%s", Q(path, q));
}

static const char *file_type(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "S_IFREG";
	case S_IFCHR: return "S_IFCHR";
	case S_IFBLK: return "S_IFBLK";
	case S_IFIFO: return "S_IFIFO";
	default: return "0";
	}
}

int sys_traced_mknod(struct trace *t, const char *path, mode_t mode, dev_t dev, const char *note)
{
	char q[300];

	return (int)TRACED(t, "mknod", note, mknod(path, mode, dev), "%s, %s|0%o, makedev(%u, %u)", Q(path, q),
			   file_type(mode), (unsigned)(mode & 07777), major(dev), minor(dev));
}

int sys_traced_symlink(struct trace *t, const char *target, const char *linkpath, const char *note)
{
	char qt[300], ql[300];

	return (int)TRACED(t, "symlink", note, symlink(target, linkpath), "%s, %s", Q(target, qt), Q(linkpath, ql));
}

int sys_traced_sethostname(struct trace *t, const char *name, const char *note)
{
	char q[128];

	return (int)TRACED(t, "sethostname", note, sethostname(name, strlen(name)), "%s, %zu", Q(name, q),
			   strlen(name));
}

int sys_traced_setdomainname(struct trace *t, const char *name, const char *note)
{
	char q[128];

	return (int)TRACED(t, "setdomainname", note, setdomainname(name, strlen(name)), "%s, %zu", Q(name, q),
			   strlen(name));
}

static int write_text(const char *path, const char *text)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	/* A /proc map file must get the whole map in one write(2). */
	ssize_t r;
	do
		r = write(fd, text, strlen(text));
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	if ((size_t)r != strlen(text)) {
		errno = EIO;
		return -1;
	}
	return 0;
}

int sys_traced_write_file(struct trace *t, const char *path, const char *text, const char *note)
{
	char call[48], qp[300], qt[1200];
	const char *base = strrchr(path, '/');

	snprintf(call, sizeof(call), "write %s", base ? base + 1 : path);
	return (int)TRACED(t, call, note, write_text(path, text), "%s, %s", Q(path, qp), Q(text, qt));
}

int sys_traced_setresuid(struct trace *t, uid_t r, uid_t e, uid_t s, const char *note)
{
	return (int)TRACED(t, "setresuid", note, setresuid(r, e, s), "%u, %u, %u", r, e, s);
}

int sys_traced_setresgid(struct trace *t, gid_t r, gid_t e, gid_t s, const char *note)
{
	return (int)TRACED(t, "setresgid", note, setresgid(r, e, s), "%u, %u, %u", r, e, s);
}

int sys_traced_setgroups0(struct trace *t, const char *note)
{
	return (int)TRACED(t, "setgroups", note, setgroups(0, NULL), "0, []");
}

int sys_traced_kill(struct trace *t, pid_t pid, int sig, const char *note)
{
	return (int)TRACED(t, "kill", note, kill(pid, sig), "%d, SIG%s", (int)pid, sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
}

static void format_argv(char *const argv[], char *buf, size_t size)
{
	size_t len = 0;
	char q[512];

	str_appendf(buf, size, &len, "[");
	for (size_t i = 0; argv[i]; i++)
		if (str_appendf(buf, size, &len, "%s%s", i ? ", " : "", Q(argv[i], q)) < 0)
			break;
	str_appendf(buf, size, &len, "]");
}

int sys_traced_execve(struct trace *t, const char *path, char *const argv[], char *const envp[], const char *note)
{
	struct trace_event ev = {0};
	char av[1024], qp[300];
	size_t nenv = 0;

	while (envp[nenv])
		nenv++;
	format_argv(argv, av, sizeof(av));
	ev.side = t->sink_fd >= 0 ? SIDE_CHILD : SIDE_PARENT;
	ev.pid = (int)getpid();
	ev.pending = TRACE_PENDING;
	ev.t_ns = trace_clock() - t->t0;
	snprintf(ev.call, sizeof(ev.call), "execve");
	snprintf(ev.args, sizeof(ev.args), "%s, %s, [/* %zu vars */]", Q(path, qp), av, nenv);
	snprintf(ev.note, sizeof(ev.note), "%s", note ? note : "");
	trace_add(t, &ev);

	execve(path, argv, envp);

	int err = errno;
	ev.pending = TRACE_SETTLE;
	ev.ret = -1;
	ev.err = err;
	trace_add(t, &ev);
	errno = err;
	return -err;
}
