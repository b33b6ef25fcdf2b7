/* A container's life after launch: terminal hand-over, state dir, wait, stop, kill. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "nslab/cleanup.h"
#include "nslab/container.h"
#include "nslab/size.h"
#include "nslab/sys.h"
#include "nslab/util.h"
#include "launch_internal.h"

static struct termios saved_tty;
static bool saved_tty_valid;

/* Running containers, for a fatal signal to stop at once. The handler only
 * kills (async-signal-safe) and notes the signal; nslab then unwinds through
 * its normal paths, which remove cgroups, overlay dirs and state dirs, and
 * dies of the same signal at the end. */
#define GUARD_SLOTS 8
/* The pids apart from the dirs: scanning the slots reads one page, not eight. */
static volatile pid_t guard_pid[GUARD_SLOTS];
static char guard_dir[GUARD_SLOTS][PATH_MAX];
static volatile sig_atomic_t pending_signal;

static void guard_handler(int sig)
{
	pending_signal = sig;
	for (int i = 0; i < GUARD_SLOTS; i++)
		if (guard_pid[i])
			kill(guard_pid[i], SIGKILL);
}

int container_pending_signal(void)
{
	return pending_signal;
}

void container_die_of_pending_signal(void)
{
	int sig = pending_signal;

	if (!sig)
		return;
	signal(sig, SIG_DFL);
	raise(sig);
}

void container_install_signal_guard(bool interactive)
{
	/* No SA_RESTART: a blocking wait or read returns EINTR and unwinds. */
	struct sigaction sa = {.sa_handler = guard_handler};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL); /* nslab ... | head: unwind, then die of it */
	if (!interactive)
		sigaction(SIGINT, &sa, NULL);
}

static void guard_set(const struct container *c)
{
	for (int i = 0; i < GUARD_SLOTS; i++)
		if (guard_pid[i] == c->pid && !strcmp(guard_dir[i], c->state_dir))
			return;
	for (int i = 0; i < GUARD_SLOTS; i++) {
		if (guard_pid[i])
			continue;
		snprintf(guard_dir[i], sizeof(guard_dir[i]), "%s", c->state_dir);
		guard_pid[i] = c->pid;
		return;
	}
}

static void guard_clear(const struct container *c)
{
	for (int i = 0; i < GUARD_SLOTS; i++)
		if (guard_pid[i] && !strcmp(guard_dir[i], c->state_dir))
			guard_pid[i] = 0;
}

void container_init(struct container *c)
{
	/* All but the cgroup's two large structs (36 KB of paths), which
	 * cgroup_detect and cgroup_create fill whole before has_cgroup is set
	 * and nothing reads without it: zeroing them would fault in nine pages
	 * on every start of nslab. */
	size_t after_cg = offsetof(struct container, cg) + sizeof(c->cg);
	memset(c, 0, offsetof(struct container, cgsys));
	memset((char *)c + after_cg, 0, sizeof(*c) - after_cg);
	c->tty_fd = -1;
	spec_init(&c->spec);
	trace_init(&c->trace);
	tracer_init(&c->tracer);
}

void container_free(struct container *c)
{
	/* The overlay dirs outlive the container so `diff` can read them. */
	tracer_stop(&c->tracer, &c->trace);
	launch_host_release_cgroup(c);
	launch_host_remove_overlay(c);
	if (!c->has_cgroup)
		container_state_remove(c);
	spec_free(&c->spec);
	trace_free(&c->trace);
	container_init(c);
}

void container_new_id(struct container *c)
{
	unsigned char raw[4] = {0};

	if (getrandom(raw, sizeof(raw), GRND_NONBLOCK) != sizeof(raw)) {
		unsigned long long t = now_ns() ^ (unsigned long long)getpid();
		memcpy(raw, &t, sizeof(raw));
	}
	snprintf(c->id, sizeof(c->id), "%02x%02x%02x%02x", raw[0], raw[1], raw[2], raw[3]);
}

void container_state_root(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (geteuid() == 0)
		snprintf(buf, size, "/run/nslab");
	else if (xdg && *xdg)
		snprintf(buf, size, "%s/nslab", xdg);
	else
		snprintf(buf, size, "/tmp/nslab-%u", (unsigned)geteuid());
}

void container_state_path(struct container *c)
{
	char root[PATH_MAX - 32];

	container_state_root(root, sizeof(root));
	snprintf(c->state_dir, sizeof(c->state_dir), "%s/%s", root, c->id);
}

/* Made before the first thing the host would have to undo (a cgroup, overlay
 * dirs, a veth): a container with none of these leaves nothing behind, its
 * processes die with nslab (the sync pipe, then PR_SET_PDEATHSIG), and a
 * record of it would only cost a mkdir and an rmdir on every launch. */
int container_state_make(struct container *c, struct nslab_error *e)
{
	char root[PATH_MAX - 32];

	if (c->state_made)
		return 0;
	container_state_root(root, sizeof(root));
	if (mkdir(root, 0700) < 0 && errno != EEXIST)
		return nslab_error_set(e, errno, "mkdir", "state dir %s: %s", root, strerror(errno));
	container_state_path(c);
	/* 0711: a rootless container's overlay dirs live here and must be reachable from its user namespace. */
	if (mkdir(c->state_dir, 0711) < 0)
		return nslab_error_set(e, errno, "mkdir", "state dir %s: %s", c->state_dir, strerror(errno));
	/* The caller writes the state once it has made the thing it records. */
	c->state_made = true;
	return 0;
}

/* This process's start time, read once: the owner line never changes. */
static unsigned long long owner_start(void)
{
	static unsigned long long start;

	if (!start)
		start = cleanup_proc_start(getpid());
	return start;
}

static void state_text(const struct container *c, char *buf, size_t size)
{
	char words[128];
	size_t len = 0;

	buf[0] = '\0';
	spec_flags_words(&c->spec, words, sizeof(words));
	/* id and owner first, and never changing: a reader that meets the file
	 * in the middle of a rewrite still reads whose it is. */
	str_appendf(buf, size, &len, "id=%s\nowner=%d\nowner_start=%llu\ninit=%d\ninit_start=%llu\nnamespaces=%s\nrootfs=%s\n",
		    c->id, (int)getpid(), owner_start(), (int)c->pid, c->pid > 0 ? c->init_start : 0ULL, words,
		    c->spec.rootfs ? c->spec.rootfs : "");
	for (int k = 0; c->has_cgroup && k < CG_COUNT; k++)
		if (c->cg.dir[k][0])
			str_appendf(buf, size, &len, "cgroup=%s\n", c->cg.dir[k]);
	if (c->overlay)
		str_appendf(buf, size, &len, "overlay=%s\n", c->state_dir);
	if (c->veth[0])
		str_appendf(buf, size, &len, "veth=%s\nnet_inside=%s\n", c->veth, c->spec.net_inside);
	if (c->spec.net_bridge[0])
		str_appendf(buf, size, &len, "bridge=%s\n", c->spec.net_bridge);
}

/* What a later `nslab cleanup` needs to find and remove what this run made.
 * Rewritten in place (pwrite, then ftruncate), not through a new file and a
 * rename: on a /run that is not tmpfs, each new inode and each freed one
 * cost a journal transaction, and the state is rewritten on every launch. */
void container_state_write(struct container *c)
{
	char path[PATH_MAX + 16], text[CG_COUNT * (PATH_MAX + 16) + 2 * PATH_MAX + 512];

	if (c->pid > 0 && (c->state == CONTAINER_RUNNING || c->state == CONTAINER_STOPPED))
		guard_set(c);
	if (!c->state_made)
		return;
	if (c->pid > 0 && c->init_start_pid != c->pid) {
		c->init_start = cleanup_proc_start(c->pid);
		c->init_start_pid = c->pid;
	}
	state_text(c, text, sizeof(text));
	snprintf(path, sizeof(path), "%s/state", c->state_dir);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	size_t len = strlen(text);
	if (fd < 0 || pwrite(fd, text, len, 0) != (ssize_t)len)
		return;
	(void)ftruncate(fd, (off_t)len);
}

void container_state_remove(struct container *c)
{
	char path[PATH_MAX + 16];

	if (!c->state_dir[0])
		return;
	guard_clear(c);
	if (c->state_made) {
		snprintf(path, sizeof(path), "%s/state", c->state_dir);
		unlink(path);
		rmdir(c->state_dir);
	}
	c->state_made = false;
	c->state_dir[0] = '\0';
}

static bool own_terminal(void)
{
	return isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();
}

/* tcsetpgrp from a process not in the foreground group raises SIGTTOU. */
static void set_foreground(int fd, pid_t pgrp)
{
	sigset_t block, old;

	sigemptyset(&block);
	sigaddset(&block, SIGTTOU);
	sigprocmask(SIG_BLOCK, &block, &old);
	tcsetpgrp(fd, pgrp);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int launch_terminal_give(pid_t pid, bool foreground)
{
	if (!foreground) {
		/* Out of nslab's group, so Ctrl-C at the prompt does not reach it. */
		setpgid(pid, pid);
		return -1;
	}
	if (!own_terminal())
		return -1;
	saved_tty_valid = tcgetattr(STDIN_FILENO, &saved_tty) == 0;
	setpgid(pid, pid);
	set_foreground(STDIN_FILENO, pid);
	return STDIN_FILENO;
}

void launch_terminal_take(int *tty_fd)
{
	if (*tty_fd < 0)
		return;
	set_foreground(*tty_fd, getpgrp());
	if (saved_tty_valid)
		tcsetattr(*tty_fd, TCSADRAIN, &saved_tty);
	*tty_fd = -1;
}

int launch_wait_pid(pid_t pid, int *status, int options)
{
	struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_quit;
	pid_t r;

	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	do
		r = waitpid(pid, status, options);
	while (r < 0 && errno == EINTR);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	return r < 0 ? -errno : (int)r;
}

void container_describe_oom(const struct container *c, char *buf, size_t size)
{
	char limit[32];

	buf[0] = '\0';
	if (!c->has_final || c->final.oom_kill <= 0)
		return;
	size_format(c->spec.limits.memory, limit, sizeof(limit));
	snprintf(buf, size, "the kernel's OOM killer ended %lld process%s: the cgroup reached its memory limit of %s",
		 c->final.oom_kill, c->final.oom_kill == 1 ? "" : "es", limit);
}

/* The OOM kill joins the process events: the kernel's doing, seen in the cgroup. */
static void note_oom(struct container *c, const char *what)
{
	struct trace_event ev = {.side = SIDE_CONTAINER, .kind = TRACE_PROC, .pid = c->pid, .pid_ns = 1};
	unsigned long long now = trace_clock();

	ev.t_ns = now > c->trace.t0 ? now - c->trace.t0 : 0;
	snprintf(ev.call, sizeof(ev.call), "%s", TRACE_EV_OOM);
	snprintf(ev.args, sizeof(ev.args), "%s", what);
	trace_add(&c->trace, &ev);
}

void container_trace_poll(struct container *c)
{
	if (c->tracer.fd >= 0)
		tracer_poll(&c->tracer, &c->trace);
}

void container_trace_off(struct container *c)
{
	tracer_stop(&c->tracer, &c->trace);
}

static void mark_ended(struct container *c, int status)
{
	char how[64], oom[192];

	c->state = CONTAINER_EXITED;
	c->wait_status = status;
	guard_clear(c);
	tracer_stop(&c->tracer, &c->trace);
	launch_host_remove_veth(c);
	launch_host_release_cgroup(c);
	container_describe_end(status, how, sizeof(how));
	container_describe_oom(c, oom, sizeof(oom));
	if (oom[0])
		note_oom(c, oom);
	trace_record(&c->trace, "waitpid", c->pid, 0, trace_clock(), oom[0] ? oom : "the container's init has ended",
		     "%d, {%s}", (int)c->pid, how);
	if (!c->overlay && !c->has_cgroup)
		container_state_remove(c);
}

int container_stats(const struct container *c, struct cgroup_stats *st)
{
	if (c->has_cgroup)
		return cgroup_read_stats(&c->cg, st);
	if (!c->has_final)
		return -ENOENT;
	*st = c->final;
	return 0;
}

int container_layers(const struct container *c, const char **upper, const char **lower, size_t *n_lower)
{
	static char up[PATH_MAX + 16];

	if (!c->overlay)
		return -ENOENT;
	snprintf(up, sizeof(up), "%s/upper", c->state_dir);
	*upper = up;
	*n_lower = 0;
	for (size_t i = 0; i < c->spec.n_layers; i++)
		lower[(*n_lower)++] = c->spec.layers[i];
	lower[(*n_lower)++] = c->spec.rootfs;
	return 0;
}

int container_wait(struct container *c, struct nslab_error *e)
{
	int st;

	if (c->state != CONTAINER_RUNNING)
		return nslab_error_set(e, ECHILD, "", "no running container");
	int r = launch_wait_pid(c->pid, &st, WUNTRACED);
	launch_terminal_take(&c->tty_fd);
	if (r < 0)
		return nslab_error_set(e, -r, "waitpid", "waitpid %d: %s", (int)c->pid, strerror(-r));
	if (WIFSTOPPED(st)) {
		c->state = CONTAINER_STOPPED;
		c->foreground = false;
		return 0;
	}
	mark_ended(c, st);
	return 0;
}

int container_poll(struct container *c)
{
	int st;

	if (c->state != CONTAINER_RUNNING && c->state != CONTAINER_STOPPED)
		return 0;
	container_trace_poll(c);
	pid_t r = waitpid(c->pid, &st, WNOHANG | WUNTRACED | WCONTINUED);
	if (r <= 0)
		return 0;
	if (WIFSTOPPED(st)) {
		bool changed = c->state != CONTAINER_STOPPED;
		c->state = CONTAINER_STOPPED;
		return changed;
	}
	if (WIFCONTINUED(st)) {
		c->state = CONTAINER_RUNNING;
		return 1;
	}
	mark_ended(c, st);
	return 1;
}

static int wait_gone(struct container *c, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 20) {
		if (container_poll(c) && c->state == CONTAINER_EXITED)
			return 1;
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return 0;
}

int container_stop(struct container *c, int timeout_ms, bool *killed, struct nslab_error *e)
{
	*killed = false;
	if (c->state != CONTAINER_RUNNING && c->state != CONTAINER_STOPPED)
		return nslab_error_set(e, ESRCH, "", "no running container to stop");
	if (sys_traced_kill(&c->trace, c->pid, SIGTERM, "ask the container's init to end") < 0 && errno != ESRCH)
		return nslab_error_set(e, errno, "kill", "kill %d: %s", (int)c->pid, strerror(errno));
	/* A stopped process only acts on SIGTERM once continued. */
	if (c->state == CONTAINER_STOPPED)
		kill(c->pid, SIGCONT);
	if (wait_gone(c, timeout_ms))
		return 0;
	*killed = true;
	sys_traced_kill(&c->trace, c->pid, SIGKILL,
			"init ignored SIGTERM (PID 1 gets only signals it handles); SIGKILL cannot be ignored");
	int st;
	if (launch_wait_pid(c->pid, &st, 0) < 0)
		return nslab_error_set(e, errno, "waitpid", "waitpid %d: %s", (int)c->pid, strerror(errno));
	mark_ended(c, st);
	return 0;
}

int container_kill(struct container *c, int sig, struct nslab_error *e)
{
	if (c->state != CONTAINER_RUNNING && c->state != CONTAINER_STOPPED)
		return nslab_error_set(e, ESRCH, "", "no running container");
	if (sys_traced_kill(&c->trace, c->pid, sig, NULL) < 0)
		return nslab_error_set(e, errno, "kill", "kill %d: %s", (int)c->pid, strerror(errno));
	return 0;
}

int container_launch_exit_code(const struct nslab_error *e)
{
	if (strcmp(e->call, "execve") != 0)
		return 125;
	return e->err == ENOENT ? 127 : 126;
}

int container_exit_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 1;
}

void container_describe_end(int st, char *buf, size_t size)
{
	if (WIFEXITED(st))
		snprintf(buf, size, "exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, size, "killed by SIG%s%s", sigabbrev_np(WTERMSIG(st)) ? sigabbrev_np(WTERMSIG(st)) : "?",
			 WCOREDUMP(st) ? " (core dumped)" : "");
	else
		snprintf(buf, size, "ended (status %#x)", st);
}
