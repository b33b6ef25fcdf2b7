/* The container tracer: a process of its own that holds the container's
 * processes with ptrace (PTRACE_SEIZE with fork, clone, exec and exit
 * options; PTRACE_GET_SYSCALL_INFO at each syscall stop) and writes trace
 * events into a memory file. A separate process, so nslab's own waits for
 * its children never see ptrace stops, and a busy container never waits for
 * nslab to read. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nslab/decode.h"
#include "nslab/syscalls.h"
#include "nslab/tracer.h"
#include "nslab/util.h"

#define TRACE_OPTIONS                                                                                     \
	(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |          \
	 PTRACE_O_TRACEEXEC)

struct tracee {
	pid_t pid;
	int pid_ns;
	char comm[16];
	bool active;		/* from its first execve on (a child inherits it) */
	bool in_call, report;
	long nr;
	unsigned long long t_entry;
	char args[sizeof(((struct trace_event *)0)->args)];
};

struct tracer_state {
	int out;		/* the memory file */
	unsigned char want[SPEC_TRACE_CALLS / 8]; /* a bit a call number */
	unsigned long long t0;
	struct tracee **v;
	size_t n;
	size_t written, dropped;
	pid_t init;
};

static volatile sig_atomic_t detach_asked;

static void on_detach(int sig)
{
	(void)sig;
	detach_asked = 1;
}

/* ---- the tracees */

static void read_comm(struct tracee *tc)
{
	char path[64], buf[64];

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)tc->pid);
	if (read_file_at(AT_FDCWD, path, buf, sizeof(buf)) <= 0)
		return;
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(tc->comm, sizeof(tc->comm), "%s", buf);
}

/* Its name and its PID inside (the last NSpid field): read once, when it
 * appears; an execve changes only the name. */
static void read_identity(struct tracee *tc)
{
	char path[64], buf[4096];

	read_comm(tc);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tc->pid);
	if (read_file_at(AT_FDCWD, path, buf, sizeof(buf)) <= 0)
		return;
	const char *line = strstr(buf, "\nNSpid:");
	if (!line)
		return;
	const char *end = strchrnul(line + 1, '\n'), *last = end;
	while (last > line && last[-1] != '\t' && last[-1] != ' ')
		last--;
	tc->pid_ns = atoi(last);
}

static struct tracee *find(struct tracer_state *st, pid_t pid)
{
	for (size_t i = 0; i < st->n; i++)
		if (st->v[i]->pid == pid)
			return st->v[i];
	return NULL;
}

static struct tracee *add(struct tracer_state *st, pid_t pid, bool active)
{
	struct tracee *tc = xcalloc(1, sizeof(*tc));

	tc->pid = pid;
	tc->pid_ns = pid;
	tc->active = active;
	read_identity(tc);
	st->v = xrealloc(st->v, (st->n + 1) * sizeof(*st->v));
	st->v[st->n++] = tc;
	return tc;
}

static void drop(struct tracer_state *st, pid_t pid)
{
	for (size_t i = 0; i < st->n; i++) {
		if (st->v[i]->pid != pid)
			continue;
		free(st->v[i]);
		st->v[i] = st->v[--st->n];
		return;
	}
}

/* ---- events out */

static void emit(struct tracer_state *st, struct trace_event *ev)
{
	if (st->written >= TRACER_EVENTS_MAX) {
		st->dropped++;
		return;
	}
	ev->side = SIDE_CONTAINER;
	if (write_all(st->out, ev, sizeof(*ev)) == 0)
		st->written++;
}

static unsigned long long since(const struct tracer_state *st)
{
	unsigned long long now = trace_clock();

	return now > st->t0 ? now - st->t0 : 0;
}

static void emit_proc(struct tracer_state *st, const struct tracee *tc, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void emit_proc(struct tracer_state *st, const struct tracee *tc, const char *what, const char *fmt, ...)
{
	struct trace_event ev = {.kind = TRACE_PROC, .pid = tc->pid, .pid_ns = tc->pid_ns, .t_ns = since(st)};
	va_list ap;

	snprintf(ev.comm, sizeof(ev.comm), "%s", tc->comm);
	snprintf(ev.call, sizeof(ev.call), "%s", what);
	va_start(ap, fmt);
	vsnprintf(ev.args, sizeof(ev.args), fmt, ap);
	va_end(ap);
	emit(st, &ev);
}

/* ---- system calls */

static long read_mem(void *ctx, unsigned long long addr, void *buf, unsigned long len)
{
	pid_t pid = *(pid_t *)ctx;
	struct iovec local = {.iov_base = buf, .iov_len = len};
	struct iovec remote = {.iov_base = (void *)(uintptr_t)addr, .iov_len = len};

	return process_vm_readv(pid, &local, 1, &remote, 1, 0);
}

static void emit_call(struct tracer_state *st, struct tracee *tc, long long ret, bool pending)
{
	struct trace_event ev = {.kind = TRACE_SYSCALL, .pid = tc->pid, .pid_ns = tc->pid_ns, .t_ns = tc->t_entry};
	unsigned long long now = since(st);
	const char *name = syscall_name(tc->nr);

	snprintf(ev.comm, sizeof(ev.comm), "%s", tc->comm);
	if (name)
		snprintf(ev.call, sizeof(ev.call), "%s", name);
	else
		snprintf(ev.call, sizeof(ev.call), "syscall_%ld", tc->nr);
	memcpy(ev.args, tc->args, sizeof(ev.args));
	ev.pending = pending ? TRACE_PENDING : 0;
	ev.ret = ret < 0 ? -1 : ret;
	ev.err = ret < 0 ? (int)-ret : 0;
	ev.dur_ns = now > tc->t_entry ? now - tc->t_entry : 0;
	emit(st, &ev);
}

static bool never_returns(long nr)
{
	return nr == SYS_exit || nr == SYS_exit_group;
}

static void syscall_stop(struct tracer_state *st, struct tracee *tc)
{
	struct __ptrace_syscall_info info;

	/* The exit of a call that is not reported: nothing to read (as strace does). */
	if (tc->in_call && !tc->report) {
		tc->in_call = false;
		return;
	}
	if (ptrace(PTRACE_GET_SYSCALL_INFO, tc->pid, sizeof(info), &info) <= 0)
		return;
	if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
		tc->in_call = true;
		tc->nr = (long)info.entry.nr;
		tc->report = tc->active && tc->nr >= 0 && tc->nr < SPEC_TRACE_CALLS &&
			     (st->want[tc->nr / 8] & (1u << (tc->nr % 8)));
		if (!tc->report)
			return;
		tc->t_entry = since(st);
		decode_args(tc->nr, (const unsigned long long *)info.entry.args, read_mem, &tc->pid, tc->args,
			    sizeof(tc->args));
		if (never_returns(tc->nr))
			emit_call(st, tc, 0, true);
		return;
	}
	if (info.op != PTRACE_SYSCALL_INFO_EXIT || !tc->in_call)
		return;
	tc->in_call = false;
	if (tc->report && !never_returns(tc->nr))
		emit_call(st, tc, info.exit.rval, false);
	tc->report = false;
}

/* ---- process events */

static void describe_status(int status, char *buf, size_t size)
{
	char sig[32];

	if (WIFEXITED(status))
		snprintf(buf, size, "status %d", WEXITSTATUS(status));
	else
		snprintf(buf, size, "killed by %s%s", decode_signal_name(WTERMSIG(status), sig, sizeof(sig)),
			 WCOREDUMP(status) ? " (core dumped)" : "");
}

static void new_process(struct tracer_state *st, struct tracee *parent, int event)
{
	unsigned long msg = 0;

	if (ptrace(PTRACE_GETEVENTMSG, parent->pid, 0, &msg) < 0)
		return;
	pid_t child = (pid_t)msg;
	struct tracee *tc = find(st, child);
	if (!tc)
		tc = add(st, child, parent->active);
	tc->active = parent->active;
	if (parent->active)
		emit_proc(st, parent, event == PTRACE_EVENT_CLONE ? "clone" : TRACE_EV_FORK, "%d/%d %s", (int)child,
			  tc->pid_ns, event == PTRACE_EVENT_VFORK ? "(vfork)" : "");
}

/* After an execve: the new program's name and its command line. */
static void exec_done(struct tracer_state *st, struct tracee *tc)
{
	char path[64], cmd[512];

	read_comm(tc);
	tc->active = true;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)tc->pid);
	ssize_t n = read_file_at(AT_FDCWD, path, cmd, sizeof(cmd));
	for (ssize_t i = 0; i + 1 < n; i++)
		if (cmd[i] == '\0')
			cmd[i] = ' ';
	emit_proc(st, tc, TRACE_EV_EXEC, "%s", n > 0 ? cmd : tc->comm);
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static void signal_stop(struct tracer_state *st, struct tracee *tc, int sig)
{
	siginfo_t si;
	char name[32], from[48] = "";

	if (!tc->active)
		goto deliver;
	if (ptrace(PTRACE_GETSIGINFO, tc->pid, 0, &si) == 0 && si.si_code <= 0 && si.si_pid)
		snprintf(from, sizeof(from), " from pid %d inside", (int)si.si_pid); /* in the receiver's PID namespace */
	decode_signal_name(sig, name, sizeof(name));
	emit_proc(st, tc, sig == SIGCONT ? TRACE_EV_CONT : TRACE_EV_SIGNAL, "%s%s", name, from);
deliver:
	ptrace(PTRACE_SYSCALL, tc->pid, 0, (void *)(long)sig);
}

/* One wait status of a tracee. */
static void handle(struct tracer_state *st, pid_t pid, int status)
{
	struct tracee *tc = find(st, pid);
	char how[64];

	if (!tc)
		tc = add(st, pid, true); /* a new child's first stop came before its parent's event */
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		describe_status(status, how, sizeof(how));
		if (tc->active)
			emit_proc(st, tc, TRACE_EV_EXIT, "%s", how);
		drop(st, pid);
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	int sig = WSTOPSIG(status), event = status >> 16;
	if (sig == (SIGTRAP | 0x80)) {
		syscall_stop(st, tc);
	} else if (event == PTRACE_EVENT_STOP) {
		if (is_stop_signal(sig)) {
			char name[32];
			if (tc->active)
				emit_proc(st, tc, TRACE_EV_STOP, "%s: the process is stopped until SIGCONT",
					  decode_signal_name(sig, name, sizeof(name)));
			ptrace(PTRACE_LISTEN, pid, 0, 0); /* stays stopped, as if untraced */
			return;
		}
	} else if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK || event == PTRACE_EVENT_CLONE) {
		new_process(st, tc, event);
	} else if (event == PTRACE_EVENT_EXEC) {
		exec_done(st, tc);
	} else if (event == 0) {
		signal_stop(st, tc, sig);
		return;
	}
	ptrace(PTRACE_SYSCALL, pid, 0, 0);
}

/* Every tracee to a stop, then let go of it: it runs on untraced. */
static void detach_all(struct tracer_state *st)
{
	int status;

	for (size_t i = 0; i < st->n; i++)
		ptrace(PTRACE_INTERRUPT, st->v[i]->pid, 0, 0);
	alarm(5); /* a tracee that never stops must not keep the tracer */
	while (st->n) {
		pid_t pid = waitpid(-1, &status, __WALL);
		if (pid < 0) {
			if (errno == EINTR && !detach_asked)
				continue;
			break;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status) || !find(st, pid)) {
			drop(st, pid);
			continue;
		}
		int sig = WSTOPSIG(status), event = status >> 16;
		bool deliver = event == 0 && sig != (SIGTRAP | 0x80);
		ptrace(PTRACE_DETACH, pid, 0, (void *)(long)(deliver ? sig : 0));
		drop(st, pid);
	}
}

static void trace_loop(struct tracer_state *st)
{
	int status;

	while (st->n) {
		if (detach_asked) {
			detach_all(st);
			return;
		}
		pid_t pid = waitpid(-1, &status, __WALL);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		handle(st, pid, status);
	}
}

static void note_dropped(struct tracer_state *st)
{
	struct trace_event ev = {.kind = TRACE_PROC, .pid = st->init, .t_ns = since(st)};

	if (!st->dropped)
		return;
	snprintf(ev.call, sizeof(ev.call), "trace-full");
	snprintf(ev.args, sizeof(ev.args), "%zu more events were not kept (at most %d)", st->dropped, TRACER_EVENTS_MAX);
	ev.side = SIDE_CONTAINER;
	(void)write_all(st->out, &ev, sizeof(ev));
}

/* Seize the target while it waits on the launcher's pipe, stop it once so
 * syscall stops can begin, and say so on ready. */
static int seize(pid_t target)
{
	int status;

	if (ptrace(PTRACE_SEIZE, target, 0, (void *)(long)TRACE_OPTIONS) < 0)
		return -errno;
	if (ptrace(PTRACE_INTERRUPT, target, 0, 0) < 0)
		return -errno;
	while (waitpid(target, &status, __WALL) < 0)
		if (errno != EINTR)
			return -errno;
	if (ptrace(PTRACE_SYSCALL, target, 0, 0) < 0)
		return -errno;
	return 0;
}

static void tracer_main(pid_t target, int out, int ready, const struct spec *s, unsigned long long t0)
{
	struct tracer_state st = {.out = out, .t0 = t0, .init = target};

	for (long nr = 0; nr < SPEC_TRACE_CALLS; nr++)
		if (spec_traces_call(s, nr))
			st.want[nr / 8] |= (unsigned char)(1u << (nr % 8));
	struct sigaction sa = {.sa_handler = on_detach}; /* no SA_RESTART: waitpid returns */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, "nslab-tracer");
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	int r = seize(target);
	(void)write_all(ready, &r, sizeof(r));
	close(ready);
	if (r < 0)
		_exit(1);
	add(&st, target, false);
	trace_loop(&st);
	note_dropped(&st);
	_exit(0);
}

void tracer_init(struct tracer *tr)
{
	memset(tr, 0, sizeof(*tr));
	tr->fd = -1;
}

bool tracer_active(const struct tracer *tr)
{
	return tr->pid > 0;
}

int tracer_start(struct tracer *tr, pid_t target, const struct spec *s, unsigned long long t0, struct nslab_error *e)
{
	int ready[2];

	tracer_init(tr);
	tr->fd = memfd_create("nslab-trace", MFD_CLOEXEC);
	if (tr->fd < 0)
		return nslab_error_set(e, errno, "memfd_create", "tracer: %s", strerror(errno));
	if (pipe2(ready, O_CLOEXEC) < 0) {
		close(steal_fd(&tr->fd));
		return nslab_error_set(e, errno, "pipe", "tracer: %s", strerror(errno));
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(ready[0]);
		tracer_main(target, tr->fd, ready[1], s, t0);
	}
	close(ready[1]);
	int r = -EIO;
	struct pollfd pf = {.fd = ready[0], .events = POLLIN};
	if (pid > 0 && poll(&pf, 1, 5000) == 1 && read_full(ready[0], &r, sizeof(r)) != sizeof(r))
		r = -EIO;
	close(ready[0]);
	if (pid < 0 || r < 0) {
		int err = pid < 0 ? errno : -r;
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		close(steal_fd(&tr->fd));
		return nslab_error_set(e, err, "ptrace", "tracer: PTRACE_SEIZE of %d: %s", (int)target, strerror(err));
	}
	tr->pid = pid;
	return 0;
}

size_t tracer_poll(struct tracer *tr, struct trace *t)
{
	struct stat st;
	size_t got = 0;

	if (tr->fd < 0 || fstat(tr->fd, &st) < 0)
		return 0;
	size_t have = (size_t)st.st_size / sizeof(struct trace_event);
	for (; tr->read < have; tr->read++, got++) {
		struct trace_event ev;
		if (pread(tr->fd, &ev, sizeof(ev), (off_t)(tr->read * sizeof(ev))) != (ssize_t)sizeof(ev))
			break;
		ev.call[sizeof(ev.call) - 1] = ev.args[sizeof(ev.args) - 1] = ev.note[sizeof(ev.note) - 1] = '\0';
		ev.comm[sizeof(ev.comm) - 1] = '\0';
		trace_add(t, &ev);
	}
	return got;
}

/* Wait up to ms for the tracer to end (a pidfd becomes readable when it
 * does), reap it; kill it if it did not. */
static void reap_tracer(pid_t pid, int ms)
{
	int status;
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (pfd >= 0) {
		struct pollfd pf = {.fd = pfd, .events = POLLIN};
		while (poll(&pf, 1, ms) < 0 && errno == EINTR)
			;
		close(pfd);
	}
	if (waitpid(pid, &status, WNOHANG) == pid)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

void tracer_stop(struct tracer *tr, struct trace *t)
{
	if (tr->pid > 0) {
		kill(tr->pid, SIGUSR1);
		/* It lets go within 5 s (its alarm); after that it is killed. */
		reap_tracer(tr->pid, 6000);
		tr->pid = 0;
		tr->detached = true;
	}
	if (tr->fd >= 0) {
		tracer_poll(tr, t);
		close(steal_fd(&tr->fd));
	}
}
