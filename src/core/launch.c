/* The launcher: clone into namespaces, write the id maps while the child
 * waits, then the child runs its steps of the plan and execs. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <net/if.h>
#include <stdlib.h>

#include "nslab/container.h"
#include "nslab/idmap.h"
#include "nslab/sys.h"
#include "nslab/util.h"
#include "launch_internal.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

extern char **environ;

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct launch_ctx {
	const struct spec *s;
	const struct plan *p;
	struct trace *t;
	const struct launch_opts *o;
	int sync_r;
	int ev_w;
};

/* The signals nslab, readline, ncurses and the tracer ever set: handlers go
 * at execve anyway, but a handler must not run in the child before it, and
 * an ignored signal would stay ignored in the container. 14 calls, not 64. */
static const int touched_signals[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGPIPE, SIGALRM, SIGTERM, SIGUSR1,
				      SIGUSR2, SIGCHLD, SIGTSTP, SIGTTIN, SIGTTOU, SIGWINCH, SIGCONT};

void launch_reset_signals(void)
{
	sigset_t all;

	for (size_t i = 0; i < ARRAY_SIZE(touched_signals); i++)
		signal(touched_signals[i], SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
}

/* The environment the command gets: nslab's own, with the spec's K=V on top. */
char **launch_build_env(const struct spec *s)
{
	size_t n = 0;

	while (environ[n])
		n++;
	char **env = xcalloc(n + s->n_env + 1, sizeof(char *));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		size_t klen = strcspn(environ[i], "=");
		bool overridden = false;
		for (size_t j = 0; j < s->n_env; j++)
			if (!strncmp(s->env[j], environ[i], klen) && s->env[j][klen] == '=')
				overridden = true;
		if (!overridden)
			env[k++] = environ[i];
	}
	for (size_t j = 0; j < s->n_env; j++)
		env[k++] = s->env[j];
	env[k] = NULL;
	return env;
}

/* Become root inside when root is mapped: ids first, then groups, then uid
 * last, since giving up the uid would give up the right to change the rest. */
int launch_become_root(struct trace *t)
{
	char buf[IDMAP_MAX_LINES * 36];
	struct idmap m;
	struct nslab_error e;

	if (read_file_at(AT_FDCWD, "/proc/self/uid_map", buf, sizeof(buf)) < 0 || idmap_parse_text(buf, &m, &e) < 0 ||
	    idmap_to_outside(&m, 0) < 0)
		return 0;
	if (sys_traced_setresgid(t, 0, 0, 0, "be group 0 inside") < 0)
		return -1;
	if (read_file_at(AT_FDCWD, "/proc/self/setgroups", buf, sizeof(buf)) > 0 && !strncmp(buf, "allow", 5) &&
	    sys_traced_setgroups0(t, "drop the host's supplementary groups, which show as 65534 inside") < 0)
		return -1;
	return sys_traced_setresuid(t, 0, 0, 0, "be root inside the user namespace");
}

/* Find argv0 along PATH as it looks from inside (after the root changed). */
int launch_resolve_command(const char *argv0, char *const env[], char *buf, size_t size)
{
	const char *path = DEFAULT_PATH;

	if (strchr(argv0, '/')) {
		snprintf(buf, size, "%s", argv0);
		return 0;
	}
	for (size_t i = 0; env[i]; i++)
		if (!strncmp(env[i], "PATH=", 5))
			path = env[i] + 5;
	int err = ENOENT;
	for (const char *p = path; *p;) {
		size_t len = strcspn(p, ":");
		snprintf(buf, size, "%.*s/%s", (int)len, len ? p : ".", argv0);
		if (access(buf, X_OK) == 0)
			return 0;
		if (errno == EACCES)
			err = EACCES;
		p += len;
		if (*p == ':')
			p++;
	}
	snprintf(buf, size, "%s", argv0);
	return -err;
}

static int mkdir_parents(struct trace *t, const char *target)
{
	char path[4096 + 256];

	snprintf(path, sizeof(path), "%s", target);
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		struct stat st;
		if (stat(path, &st) < 0 &&
		    sys_traced_mkdir(t, path, 0755, "the mount target did not exist: create it") < 0 && errno != EEXIST)
			return -1;
		*p = saved;
		if (!saved)
			return 0;
	}
}

/* What bubblewrap's --dev does: a small tmpfs, the harmless host devices
 * bound onto empty files (no mknod of devices needed, so it works rootless),
 * the usual links, and a devpts instance of its own. */
static int child_mount_dev(struct launch_ctx *x, const struct plan_mount *m)
{
	static const char *const devices[] = {"null", "zero", "full", "random", "urandom", "tty"};
	static const char *const links[][2] = {
		{"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
		{"/proc/self/fd/2", "stderr"}, {"pts/ptmx", "ptmx"},
	};
	char path[sizeof(m->path) + 16], host[32];

	if (sys_traced_mount(x->t, "tmpfs", m->path, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k",
			     "a fresh /dev: the rootfs has no device nodes of its own") < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++) {
		snprintf(path, sizeof(path), "%s/%s", m->path, devices[i]);
		snprintf(host, sizeof(host), "/dev/%s", devices[i]);
		if (sys_traced_mknod(x->t, path, S_IFREG | 0666, 0, "an empty file to bind the host's device onto") < 0 ||
		    sys_traced_mount(x->t, host, path, NULL, MS_BIND, NULL, NULL) < 0)
			return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		snprintf(path, sizeof(path), "%s/%s", m->path, links[i][1]);
		if (sys_traced_symlink(x->t, links[i][0], path, NULL) < 0)
			return -1;
	}
	snprintf(path, sizeof(path), "%s/pts", m->path);
	if (sys_traced_mkdir(x->t, path, 0755, NULL) < 0)
		return -1;
	return sys_traced_mount(x->t, "devpts", path, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620",
				"terminals of its own: /dev/pts lists only the container's");
}

static int child_mount(struct launch_ctx *x, const struct plan_mount *m)
{
	const char *opts = m->options[0] ? m->options : NULL;

	switch (m->kind) {
	case MOUNT_PROC:
		return sys_traced_mount(x->t, "proc", m->path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts,
					(x->s->ns_mask & NS_BIT(NS_PID))
						? "a proc for this PID namespace: ps and /proc show only the container's processes"
						: "a proc of the PID namespace it shares: ps and /proc show every process of the host");
	case MOUNT_TMPFS:
		return sys_traced_mount(x->t, "tmpfs", m->path, "tmpfs", MS_NOSUID | MS_NODEV, opts,
					"a memory-backed file system visible only in this mount namespace");
	case MOUNT_SYSFS:
		return sys_traced_mount(x->t, "sysfs", m->path, "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts,
					"sysfs shows the devices of the network namespace that mounts it");
	case MOUNT_DEV:
		return child_mount_dev(x, m);
	default:
		errno = EINVAL;
		return -EINVAL;
	}
}

static int child_exec(struct launch_ctx *x)
{
	char path[4096];
	_cleanup_free_ char **env = launch_build_env(x->s);

	int r = launch_resolve_command(x->o->argv[0], env, path, sizeof(path));
	if (r < 0) {
		/* Record the lookup failure as the execve the kernel would have refused. */
		trace_record(x->t, "execve", -1, -r, trace_clock(), "the command was not found along PATH inside the container",
			     "\"%s\", ...", x->o->argv[0]);
		return -1;
	}
	sys_traced_execve(x->t, path, x->o->argv, env, "the container's program replaces nslab's child");
	return -1;
}

static int child_time_offsets(struct launch_ctx *x)
{
	char text[128];

	snprintf(text, sizeof(text), "monotonic %lld 0\nboottime %lld 0\n", x->s->time_offset_monotonic,
		 x->s->time_offset_boottime);
	return sys_traced_write_file(x->t, "/proc/self/timens_offsets", text,
				     "offsets may be written only before any process enters the namespace");
}

/* unshare(CLONE_NEWTIME) leaves the caller outside; joining explicitly works
 * on every kernel with time namespaces, not only where execve switches. */
static int child_enter_time(struct launch_ctx *x)
{
	_cleanup_close_ int fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		trace_record(x->t, "open", -1, errno, trace_clock(), NULL, "\"/proc/self/ns/time_for_children\"");
		return -1;
	}
	return sys_traced_setns(x->t, fd, CLONE_NEWTIME, "time_for_children",
				"join the new time namespace; its offsets are fixed from now on");
}

/* eth0 arrived from the parent (the other end of the veth): address, up, and
 * the host end as the way out. */
static int child_eth0(struct launch_ctx *x)
{
	char ip[20], gw[20];
	const char *slash = strchr(x->s->net_inside, '/');
	int index = (int)if_nametoindex("eth0");

	snprintf(ip, sizeof(ip), "%.*s", (int)(slash - x->s->net_inside), x->s->net_inside);
	snprintf(gw, sizeof(gw), "%.*s", (int)strcspn(x->s->net_host, "/"), x->s->net_host);
	if (sys_traced_addr_add(x->t, index, "eth0", ip, atoi(slash + 1), "the container's address") < 0 ||
	    sys_traced_link_up(x->t, index, "eth0", NULL) < 0)
		return -1;
	return sys_traced_route_default(x->t, gw, index, "eth0", "everything else goes to the host end");
}

static int child_step(struct launch_ctx *x, const struct step *st)
{
	const struct spec *s = x->s;

	switch (st->kind) {
	case STEP_BECOME_ROOT:
		return launch_become_root(x->t);
	case STEP_UNSHARE_CGROUP:
		return sys_traced_unshare(x->t, CLONE_NEWCGROUP, "a cgroup namespace rooted at the cgroup it is in now");
	case STEP_UNSHARE_TIME:
		return sys_traced_unshare(x->t, CLONE_NEWTIME, "a new time namespace for children; the caller stays outside for now");
	case STEP_WRITE_TIMENS:
		return child_time_offsets(x);
	case STEP_ENTER_TIME:
		return child_enter_time(x);
	case STEP_MAKE_PRIVATE:
		return sys_traced_mount(x->t, NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL,
					"stop mount events propagating between this namespace and the host");
	case STEP_SETHOSTNAME:
		return sys_traced_sethostname(x->t, s->hostname, "changes the name in this UTS namespace only");
	case STEP_SETDOMAINNAME:
		return sys_traced_setdomainname(x->t, s->domainname, "changes the NIS domain name in this UTS namespace only");
	case STEP_MOUNT_OVERLAY:
		return sys_traced_mount(x->t, "overlay", x->p->merged, "overlay", 0, x->p->overlay_options,
					"layers merge into one tree; the upper dir takes every write (copy-up)");
	case STEP_NET_LO:
		/* lo is always ifindex 1 in a fresh network namespace. */
		return sys_traced_link_up(x->t, 1, "lo", "127.0.0.1 and ::1 work only once lo is up");
	case STEP_ETH0:
		return child_eth0(x);
	case STEP_BIND_ROOT:
		return sys_traced_mount(x->t, s->rootfs, s->rootfs, NULL, MS_BIND | MS_REC, NULL,
					"pivot_root needs the new root to be a mount point");
	case STEP_CHDIR_ROOT:
		return sys_traced_chdir(x->t, x->p->root, NULL);
	case STEP_PIVOT_ROOT:
		/* put_old == new_root: no directory to create in a rootfs we may not write. */
		return sys_traced_pivot_root(x->t, ".", ".", "the rootfs becomes /; the old root is stacked on top of it");
	case STEP_UMOUNT_OLDROOT:
		return sys_traced_umount2(x->t, ".", MNT_DETACH, "detach the host's tree: no path leads back to it");
	case STEP_CHDIR_SLASH:
		return sys_traced_chdir(x->t, "/", NULL);
	case STEP_CHROOT:
		return sys_traced_chroot(x->t, ".", "only path lookup changes: the mount table still holds the host's tree");
	case STEP_MKDIR_TARGET:
		return mkdir_parents(x->t, x->p->mounts[st->mount].path);
	case STEP_MOUNT:
		return child_mount(x, &x->p->mounts[st->mount]);
	case STEP_EXEC:
		return child_exec(x);
	default:
		return 0;
	}
}

static __attribute__((noreturn)) void child_exit(struct launch_ctx *x, int code)
{
	trace_flush(x->t);
	_exit(code);
}

static __attribute__((noreturn)) void child_main(struct launch_ctx *x)
{
	char go;

	/* nslab's handlers are not the container's; events go to the parent;
	 * if the parent dies, so does the container. */
	launch_reset_signals();
	trace_sink(x->t, x->ev_w);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (x->o->stdin_null) {
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && fd != STDIN_FILENO) {
			dup2(fd, STDIN_FILENO);
			close(fd);
		}
	}
	if (read_full(x->sync_r, &go, 1) != 1 || go != 'g')
		_exit(125);
	close(x->sync_r);
	for (size_t i = 0; i < x->p->n; i++) {
		const struct step *st = &x->p->steps[i];
		if (st->side != SIDE_CHILD)
			continue;
		if (child_step(x, st) < 0)
			child_exit(x, st->kind == STEP_EXEC ? 127 : 125);
	}
	child_exit(x, 125);
}

static int parent_write_maps(struct container *c, const struct plan *p, const struct spec *s)
{
	char path[64], text[IDMAP_MAX_LINES * 36];

	for (size_t i = 0; i < p->n; i++) {
		const struct step *st = &p->steps[i];
		int r = 0;
		switch (st->kind) {
		case STEP_WRITE_SETGROUPS:
			snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)c->pid);
			r = sys_traced_write_file(&c->trace, path, p->write_setgroups_deny ? "deny" : "allow",
						  p->write_setgroups_deny ? "the child may never call setgroups: required before an unprivileged gid_map"
									  : "setgroups stays possible inside (needs CAP_SETGID outside)");
			break;
		case STEP_WRITE_UID_MAP:
			snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)c->pid);
			idmap_format(&s->uidmap, text, sizeof(text));
			r = sys_traced_write_file(&c->trace, path, text, "inside outside count: which host uids the container's uids are");
			break;
		case STEP_WRITE_GID_MAP:
			snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)c->pid);
			idmap_format(&s->gidmap, text, sizeof(text));
			r = sys_traced_write_file(&c->trace, path, text, "inside outside count: which host gids the container's gids are");
			break;
		default:
			break;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* The first failed child event says why the launch failed. */
static const struct trace_event *first_failure(const struct trace *t, size_t from)
{
	for (size_t i = from; i < t->n; i++)
		if (!t->ev[i].pending && t->ev[i].ret < 0)
			return &t->ev[i];
	return NULL;
}

static int failure_error(const struct trace_event *ev, const char *argv0, struct nslab_error *e)
{
	char call[48];

	snprintf(call, sizeof(call), "%s", ev->call);
	if (!strcmp(ev->call, "mount") && strstr(ev->args, ", \"proc\", "))
		snprintf(call, sizeof(call), "mount proc");
	if (!strcmp(ev->call, "mount") && strstr(ev->args, ", \"overlay\", "))
		snprintf(call, sizeof(call), "mount overlay");
	if (!strcmp(ev->call, "execve") && ev->err == ENOENT)
		return nslab_error_set(e, ev->err, call, "%s: command not found inside the container (%s)", argv0,
				       strerror(ev->err));
	return nslab_error_set(e, ev->err, call, "%s: %s(%s) failed: %s (%s)", ev->side == SIDE_CHILD ? "child" : "parent",
			       ev->call, ev->args, strerrorname_np(ev->err) ? strerrorname_np(ev->err) : "?",
			       strerror(ev->err));
}

static void abort_child(struct container *c, int *sync_w)
{
	int st;

	if (*sync_w >= 0)
		close(steal_fd(sync_w));
	kill(c->pid, SIGKILL);
	while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR)
		;
	tracer_stop(&c->tracer, &c->trace);
	launch_terminal_take(&c->tty_fd);
	c->state = CONTAINER_EXITED;
	c->wait_status = st;
	launch_host_undo(c);
}

/* clone3 straight into the cgroup on v2; where the kernel refuses that
 * (older than 5.7, or a cgroup it will not take), clone and move it after. */
static pid_t clone_child(struct container *c, const struct plan *p, bool *placed)
{
	const char *note = "the child starts in its new namespaces and waits on a pipe";
	int fd = launch_host_cgroup_fd(c);

	*placed = false;
	if (fd >= 0) {
		pid_t pid = sys_traced_clone(&c->trace, p->clone_flags, fd,
					     "the child starts in its namespaces and its cgroup, and waits on a pipe");
		if (pid >= 0) {
			*placed = true;
			return pid;
		}
	}
	return sys_traced_clone(&c->trace, p->clone_flags, -1, note);
}

static void drain_child_events(struct container *c, int ev_r)
{
	size_t before = c->trace.n;
	int n = trace_drain(&c->trace, ev_r);

	for (size_t i = before; n > 0 && i < c->trace.n; i++)
		c->trace.ev[i].pid = (int)c->pid;
}

/* The tracer holds the child before it is released: nothing it runs escapes. */
static int launch_trace_attach(struct container *c, const struct plan *p, struct nslab_error *e)
{
	unsigned long long start = trace_clock();
	int step = plan_find(p, STEP_TRACE_ATTACH);
	int r = tracer_start(&c->tracer, c->pid, &c->spec, c->trace.t0, e);

	trace_record(&c->trace, "ptrace", r < 0 ? -1 : 0, e->err, start, step >= 0 ? p->steps[step].text : NULL,
		     "PTRACE_SEIZE, %d, PTRACE_O_TRACESYSGOOD|PTRACE_O_TRACEFORK|PTRACE_O_TRACEVFORK|PTRACE_O_TRACECLONE|PTRACE_O_TRACEEXEC",
		     (int)c->pid);
	return r;
}

static void describe_command(char *const argv[], char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; argv[i]; i++)
		if (str_appendf(buf, size, &len, "%s%s", i ? " " : "", argv[i]) < 0)
			break;
}

int container_launch(struct container *c, const struct spec *s, const struct launch_opts *o, struct nslab_error *e)
{
	struct plan p;
	int sync[2] = {-1, -1}, ev[2] = {-1, -1};

	container_new_id(c);
	container_state_path(c);
	fflush(NULL); /* nslab's output first, and none duplicated in the child */
	if (!o->argv || !o->argv[0])
		return nslab_error_set(e, EINVAL, "", "no command to run");
	/* The container's own copy: launch-time choices (veth addresses) go in it. */
	spec_copy(&c->spec, s);
	s = &c->spec;
	/* Held until the launch returns: the host end has its address by then. */
	_cleanup_close_ int net_lock = launch_host_net_lock(s);
	if (plan_build(s, geteuid(), getegid(), c->state_dir, &p, e) < 0 ||
	    launch_host_pick_addresses(&c->spec, e) < 0) {
		spec_free(&c->spec);
		return -1;
	}
	trace_begin(&c->trace);
	describe_command(o->argv, c->command, sizeof(c->command));
	c->foreground = o->foreground;
	c->started_ns = now_ns();
	if (pipe2(sync, O_CLOEXEC) < 0 || pipe2(ev, O_CLOEXEC) < 0) {
		int err = errno;
		closep(&sync[0]), closep(&sync[1]), closep(&ev[0]), closep(&ev[1]);
		return nslab_error_set(e, err, "pipe", "pipe: %s", strerror(err));
	}
	_cleanup_close_ int sync_r = sync[0], sync_w = sync[1], ev_r = ev[0], ev_w = ev[1];
	if (launch_host_prepare(c, s, &p, e) < 0) {
		launch_host_undo(c);
		return -1;
	}

	struct launch_ctx x = {.s = s, .p = &p, .t = &c->trace, .o = o, .sync_r = sync_r, .ev_w = ev_w};
	bool placed;
	pid_t pid = clone_child(c, &p, &placed);
	if (pid == 0) {
		close(sync_w);
		close(ev_r);
		child_main(&x);
	}
	if (pid < 0) {
		launch_host_undo(c);
		return failure_error(&c->trace.ev[c->trace.n - 1], o->argv[0], e);
	}
	c->pid = pid;
	c->state = CONTAINER_RUNNING;
	close(steal_fd(&sync_r));
	close(steal_fd(&ev_w));
	container_state_write(c);
	c->tty_fd = launch_terminal_give(pid, o->foreground);
	launch_fault_point("clone");

	if (launch_host_place(c, placed, e) < 0 || launch_host_veth(c, &p, e) < 0) {
		abort_child(c, &sync_w);
		return -1;
	}
	if (c->veth[0])
		launch_fault_point("veth");
	if (s->trace_child && launch_trace_attach(c, &p, e) < 0) {
		abort_child(c, &sync_w);
		return -1;
	}
	if (parent_write_maps(c, &p, s) < 0) {
		failure_error(&c->trace.ev[c->trace.n - 1], o->argv[0], e);
		abort_child(c, &sync_w);
		return -1;
	}
	unsigned long long start = trace_clock();
	int r = write_all(sync_w, "g", 1);
	int rel = plan_find(&p, STEP_RELEASE);
	trace_record(&c->trace, "release", r, -r, start, rel >= 0 ? p.steps[rel].text : NULL, "sync pipe");
	close(steal_fd(&sync_w));
	size_t child_from = c->trace.n;
	drain_child_events(c, ev_r);
	const struct trace_event *bad = first_failure(&c->trace, child_from);
	if (bad) {
		failure_error(bad, o->argv[0], e);
		abort_child(c, &sync_w);
		return -1;
	}
	trace_settle_pending(&c->trace, 0, 0);
	launch_fault_point("exec");
	return 0;
}
