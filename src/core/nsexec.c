/* exec: run a command inside a running container's namespaces and root, as
 * nsenter(1) does: open every namespace first, setns the user one first. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nslab/container.h"
#include "nslab/idmap.h"
#include "nslab/sys.h"
#include "nslab/util.h"
#include "launch_internal.h"

/* user first: once inside it we hold every capability the others ask for. */
static const enum ns_kind enter_order[] = {NS_USER, NS_CGROUP, NS_IPC, NS_UTS, NS_NET, NS_PID, NS_MOUNT, NS_TIME};

struct ns_fds {
	int fd[NS_COUNT];
	bool pid_entered;
};

static bool same_ns(pid_t pid, const char *name)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	if (stat(path, &a) < 0)
		return true;
	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	if (stat(path, &b) < 0)
		return true;
	return a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

static int open_ns(pid_t pid, struct ns_fds *n, struct nslab_error *e)
{
	char path[64];

	for (int k = 0; k < NS_COUNT; k++) {
		n->fd[k] = -1;
		if (same_ns(pid, ns_table[k].proc_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns_table[k].proc_name);
		n->fd[k] = open(path, O_RDONLY | O_CLOEXEC);
		if (n->fd[k] < 0)
			return nslab_error_set(e, errno, "open", "%s: %s", path, strerror(errno));
	}
	return 0;
}

static void close_ns(struct ns_fds *n)
{
	for (int k = 0; k < NS_COUNT; k++)
		closep(&n->fd[k]);
}

static int enter_all(struct trace *t, struct ns_fds *n)
{
	char what[32];

	for (size_t i = 0; i < ARRAY_SIZE(enter_order); i++) {
		enum ns_kind k = enter_order[i];
		if (n->fd[k] < 0)
			continue;
		snprintf(what, sizeof(what), "%s namespace", ns_table[k].name);
		if (sys_traced_setns(t, n->fd[k], (int)ns_table[k].flag, what,
				     k == NS_PID || k == NS_TIME ? "applies to children: a fork follows" : NULL) < 0)
			return -1;
		if (k == NS_PID)
			n->pid_entered = true;
		/* Now, while /proc/self is still the host's proc and shows the map. */
		if (k == NS_USER && launch_become_root(t) < 0)
			return -1;
	}
	return 0;
}

/* The middle process waits for the command and ends the same way it did. */
static __attribute__((noreturn)) void mirror_exit(pid_t pid)
{
	int st;

	if (launch_wait_pid(pid, &st, 0) < 0)
		_exit(125);
	if (WIFSIGNALED(st)) {
		signal(WTERMSIG(st), SIG_DFL);
		kill(getpid(), WTERMSIG(st));
	}
	_exit(container_exit_code(st));
}

/* Send the kept trace events, then exit. */
static __attribute__((noreturn)) void exit_sent(struct trace *t, int code)
{
	trace_flush(t);
	_exit(code);
}

static __attribute__((noreturn)) void exec_child(struct container *c, struct ns_fds *n, int rootfd, int cwdfd,
						 char *const argv[], int ev_w, int sync_r)
{
	struct trace *t = &c->trace;
	char path[4096], go;

	launch_reset_signals();
	trace_sink(t, ev_w);
	/* Wait until the parent has put us in the container's cgroup and handed
	 * us the terminal: whatever we fork from here on inherits both. */
	if (read_full(sync_r, &go, 1) != 1 || go != 'g')
		exit_sent(t, 125);
	close(sync_r);
	if (enter_all(t, n) < 0)
		exit_sent(t, 125);
	if (sys_traced_fchdir(t, rootfd, "container root", NULL) < 0 ||
	    sys_traced_chroot(t, ".", "the container's root, as /proc/PID/root shows it") < 0)
		exit_sent(t, 125);
	if (fchdir(cwdfd) < 0 && chdir("/") < 0)
		exit_sent(t, 125);
	if (n->pid_entered || n->fd[NS_TIME] >= 0) {
		pid_t pid = sys_traced_clone(t, 0, -1, "only a child lands in the PID and time namespaces setns chose");
		if (pid < 0)
			exit_sent(t, 125);
		if (pid > 0) {
			trace_flush(t);
			close(ev_w);
			mirror_exit(pid);
		}
	}
	_cleanup_free_ char **env = launch_build_env(&c->spec);
	int r = launch_resolve_command(argv[0], env, path, sizeof(path));
	if (r < 0) {
		trace_record(t, "execve", -1, -r, trace_clock(), "the command was not found along PATH inside the container",
			     "\"%s\", ...", argv[0]);
		exit_sent(t, 127);
	}
	launch_reset_signals();
	sys_traced_execve(t, path, argv, env, "run the command inside the container");
	exit_sent(t, 127);
}

static int exec_failure(const struct trace *t, size_t from, struct nslab_error *e)
{
	for (size_t i = from; i < t->n; i++) {
		const struct trace_event *ev = &t->ev[i];
		if (ev->pending || ev->ret >= 0)
			continue;
		return nslab_error_set(e, ev->err, ev->call, "exec: %s(%s) failed: %s (%s)", ev->call, ev->args,
				       strerrorname_np(ev->err) ? strerrorname_np(ev->err) : "?", strerror(ev->err));
	}
	return 0;
}

int container_exec(struct container *c, char *const argv[], bool foreground, int *status, struct nslab_error *e)
{
	struct ns_fds n = {0};
	char path[64];
	int ev[2];

	if (c->state != CONTAINER_RUNNING)
		return nslab_error_set(e, ESRCH, "", "no running container: start one first (start CMD)");
	if (!argv || !argv[0])
		return nslab_error_set(e, EINVAL, "", "exec needs a command");
	if (open_ns(c->pid, &n, e) < 0) {
		close_ns(&n);
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%d/root", (int)c->pid);
	_cleanup_close_ int rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)c->pid);
	_cleanup_close_ int cwdfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int sync[2] = {-1, -1};
	if (rootfd < 0 || pipe2(ev, O_CLOEXEC) < 0 || pipe2(sync, O_CLOEXEC) < 0) {
		close_ns(&n);
		return nslab_error_set(e, errno, "open", "%s: %s", path, strerror(errno));
	}
	_cleanup_close_ int ev_r = ev[0], ev_w = ev[1], sync_r = sync[0], sync_w = sync[1];
	fflush(NULL);
	size_t from = c->trace.n;
	pid_t pid = sys_traced_clone(&c->trace, 0, -1, "a helper that will setns into the container");
	if (pid == 0) {
		close(ev_r);
		close(sync_w);
		exec_child(c, &n, rootfd, cwdfd, argv, ev_w, sync_r);
	}
	close_ns(&n);
	if (pid < 0)
		return nslab_error_set(e, -pid, "clone3", "fork: %s", strerror(-pid));
	close(steal_fd(&ev_w));
	close(steal_fd(&sync_r));
	/* docker exec's rule: what runs in the container counts against its limits. */
	if (c->has_cgroup && cgroup_add_pid(&c->cg, pid, &c->trace, e) < 0) {
		kill(pid, SIGKILL);
		launch_wait_pid(pid, &(int){0}, 0);
		return -1;
	}
	int tty = launch_terminal_give(pid, foreground);
	write_all(sync_w, "g", 1);
	close(steal_fd(&sync_w));
	size_t before = c->trace.n;
	trace_drain(&c->trace, ev_r);
	for (size_t i = before; i < c->trace.n; i++)
		if (!c->trace.ev[i].pid || c->trace.ev[i].side == SIDE_CHILD)
			c->trace.ev[i].pid = (int)pid;
	trace_settle_pending(&c->trace, 0, 0);
	int st = 0;
	int r = launch_wait_pid(pid, &st, 0);
	launch_terminal_take(&tty);
	if (r < 0)
		return nslab_error_set(e, -r, "waitpid", "waitpid: %s", strerror(-r));
	*status = st;
	if (exec_failure(&c->trace, from, e) < 0)
		return -1;
	return 0;
}
