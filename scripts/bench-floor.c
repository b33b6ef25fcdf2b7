/* scripts/bench.sh's helper: the launch floor (the fewest syscalls that make
 * the same container as nslab), a timer for one command (wall and CPU of the
 * whole process tree), and a pty reader that times a program to its prompt.
 *
 *   bench-floor floor [-n] [-c] [-T] [-g CGPARENT:BYTES] ROOTFS CMD [ARG...]
 *       clone3 into pid, uts, ipc, mount, cgroup, user (-n: and net)
 *       namespaces, write setgroups/uid_map/gid_map ("0 UID 1"), mount
 *       proc, pivot_root into ROOTFS (-c: chroot, as unshare --root does)
 *       and exec CMD; exit with its status. -T: print "exec_us=N" to
 *       stderr, the time from before clone to just before execve.
 *       -g: make a memory cgroup under CGPARENT first (v1 or v2), limit it
 *       to BYTES, move the child in before it runs and unshare the cgroup
 *       namespace there, as nslab does; remove the cgroup afterwards.
 *   bench-floor time [-g CGPARENT:BYTES] -- CMD [ARG...]
 *       run CMD once (stdin /dev/null, its stdout sent to stderr) and print
 *       "WALL_US CPU_US STATUS"; CPU is user+system of CMD and every
 *       descendant it reaped. -g: run it in a fresh memory cgroup, made,
 *       joined and removed inside the timed window (what cgexec would do),
 *       for tools that have no cgroup option of their own.
 *   bench-floor pty TEXT -- CMD [ARG...]
 *       run CMD on a new pty and print the microseconds until TEXT appears
 *       in its output; then hang up on it.
 *
 * Built by scripts/bench.sh with `cc -O2`; needs root (or a user namespace
 * that maps the caller) like nslab. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <pty.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "bench-floor: %s: %s\n", what, strerror(errno));
	exit(125);
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	int err = errno;
	close(fd);
	errno = err;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* A memory cgroup of our own: CGPARENT/floor.PID, v2 when the parent has
 * cgroup.controllers, v1 otherwise. */
struct memcg {
	char dir[4096];
};

static int memcg_make(struct memcg *cg, const char *spec)
{
	char parent[4000], path[4200], text[32];
	const char *colon = strrchr(spec, ':');
	struct stat st;

	if (!colon) {
		errno = EINVAL;
		return -1;
	}
	snprintf(parent, sizeof(parent), "%.*s", (int)(colon - spec), spec);
	snprintf(text, sizeof(text), "%s", colon + 1);
	snprintf(cg->dir, sizeof(cg->dir), "%s/floor.%d", parent, (int)getpid());
	if (mkdir(cg->dir, 0755) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/cgroup.controllers", parent);
	bool v2 = stat(path, &st) == 0;
	snprintf(path, sizeof(path), "%s/%s", cg->dir, v2 ? "memory.max" : "memory.limit_in_bytes");
	if (write_text(path, text) < 0)
		return -1;
	/* The OCI bundles say swap = limit; v1 spells that memsw (when swap accounting is on). */
	snprintf(path, sizeof(path), "%s/%s", cg->dir, v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes");
	if (stat(path, &st) == 0 && write_text(path, v2 ? "0" : text) < 0)
		return -1;
	return 0;
}

static int memcg_join(const struct memcg *cg, pid_t pid)
{
	char path[4200], text[24];

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg->dir);
	snprintf(text, sizeof(text), "%d", (int)pid);
	return write_text(path, text);
}

static void memcg_remove(struct memcg *cg)
{
	if (cg->dir[0] && rmdir(cg->dir) < 0)
		fprintf(stderr, "bench-floor: rmdir %s: %s\n", cg->dir, strerror(errno));
	cg->dir[0] = '\0';
}

/* clone3 where the kernel has it, else clone: both fork-like (no new stack). */
static pid_t clone_ns(uint64_t flags)
{
	struct clone_args args = {.flags = flags, .exit_signal = SIGCHLD};
	long pid = syscall(SYS_clone3, &args, sizeof(args));

	if (pid < 0 && errno == ENOSYS)
		pid = syscall(SYS_clone, (unsigned long)flags | SIGCHLD, 0, 0, 0, 0);
	return (pid_t)pid;
}

/* The child's side: wait for the maps, then the same steps as nslab's plan.
 * exec_w >= 0: write the time just before execve there (-T). */
static __attribute__((noreturn)) void floor_child(int sync_r, int exec_w, const char *rootfs, bool use_chroot,
                                                  bool unshare_cgroup, char **argv)
{
	char go, proc[4200];

	if (read(sync_r, &go, 1) != 1)
		_exit(125);
	if (unshare_cgroup && unshare(CLONE_NEWCGROUP) < 0)
		_exit(121);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		_exit(122);
	/* pivot_root needs the new root to be a mount point; chroot does not. */
	if (!use_chroot && mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		_exit(122);
	snprintf(proc, sizeof(proc), "%s/proc", rootfs);
	if (mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		_exit(123);
	if (chdir(rootfs) < 0)
		_exit(124);
	if (use_chroot ? chroot(".") < 0 : (syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0))
		_exit(124);
	if (chdir("/") < 0)
		_exit(124);
	if (exec_w >= 0) {
		long long t = now_us();
		if (write(exec_w, &t, sizeof(t)) != sizeof(t))
			_exit(125);
	}
	execv(argv[0], argv);
	_exit(127);
}

static int cmd_floor(int argc, char **argv)
{
	uint64_t flags = CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUSER;
	const char *cg_spec = NULL;
	struct memcg cg = {{0}};
	char path[64], map[64];
	int sync[2], times[2] = {-1, -1}, opt, st;
	bool use_chroot = false, show_exec = false;

	while ((opt = getopt(argc, argv, "+ncTg:")) != -1) {
		if (opt == 'n')
			flags |= CLONE_NEWNET;
		else if (opt == 'c')
			use_chroot = true;
		else if (opt == 'T')
			show_exec = true;
		else if (opt == 'g')
			cg_spec = optarg;
		else
			return 2;
	}
	if (argc - optind < 2) {
		fprintf(stderr, "usage: bench-floor floor [-n] [-c] [-T] [-g CGPARENT:BYTES] ROOTFS CMD [ARG...]\n");
		return 2;
	}
	if (cg_spec) {
		if (memcg_make(&cg, cg_spec) < 0)
			die("memory cgroup");
		/* Rooted where the child will be: unshare it there, not at clone. */
		flags &= ~(uint64_t)CLONE_NEWCGROUP;
	}
	long long t0 = now_us();
	if (pipe2(sync, O_CLOEXEC) < 0 || (show_exec && pipe2(times, O_CLOEXEC) < 0))
		die("pipe2");
	pid_t pid = clone_ns(flags);
	if (pid < 0)
		die("clone3");
	if (pid == 0) {
		close(sync[1]);
		floor_child(sync[0], times[1], argv[optind], use_chroot, cg_spec != NULL, argv + optind + 1);
	}
	close(sync[0]);
	if (times[1] >= 0)
		close(times[1]);
	if (cg_spec && memcg_join(&cg, pid) < 0)
		die("cgroup.procs");
	snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
	if (write_text(path, "deny") < 0)
		die("setgroups");
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)geteuid());
	if (write_text(path, map) < 0)
		die("uid_map");
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)getegid());
	if (write_text(path, map) < 0)
		die("gid_map");
	if (write(sync[1], "g", 1) != 1)
		die("release");
	close(sync[1]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	if (cg_spec)
		memcg_remove(&cg);
	long long t_exec;
	if (times[0] >= 0 && read(times[0], &t_exec, sizeof(t_exec)) == sizeof(t_exec))
		fprintf(stderr, "exec_us=%lld\n", t_exec - t0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int cmd_time(int argc, char **argv)
{
	const char *cg_spec = NULL;
	struct memcg cg = {{0}};
	struct rusage ru;
	int opt, st;

	while ((opt = getopt(argc, argv, "+g:")) != -1) {
		if (opt == 'g')
			cg_spec = optarg;
		else
			return 2;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: bench-floor time [-g CGPARENT:BYTES] -- CMD [ARG...]\n");
		return 2;
	}
	long long t0 = now_us();
	if (cg_spec && memcg_make(&cg, cg_spec) < 0)
		die("memory cgroup");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		/* stdout is ours (the one result line): CMD's output goes to stderr. */
		int fd = open("/dev/null", O_RDONLY);
		if (fd >= 0)
			dup2(fd, STDIN_FILENO);
		dup2(STDERR_FILENO, STDOUT_FILENO);
		if (cg_spec && memcg_join(&cg, getpid()) < 0)
			_exit(125);
		execvp(argv[optind], argv + optind);
		_exit(127);
	}
	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR)
			die("wait4");
	if (cg_spec)
		memcg_remove(&cg);
	long long wall = now_us() - t0;
	long long cpu = (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL + ru.ru_utime.tv_usec +
	                ru.ru_stime.tv_usec;
	printf("%lld %lld %d\n", wall, cpu, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return 0;
}

static int cmd_pty(int argc, char **argv)
{
	char buf[65536];
	size_t len = 0;
	int master, st;

	if (argc < 4 || strcmp(argv[2], "--")) {
		fprintf(stderr, "usage: bench-floor pty TEXT -- CMD [ARG...]\n");
		return 2;
	}
	const char *want = argv[1];
	struct winsize ws = {.ws_row = 40, .ws_col = 120};
	long long t0 = now_us();
	pid_t pid = forkpty(&master, NULL, NULL, &ws);
	if (pid < 0)
		die("forkpty");
	if (pid == 0) {
		setenv("TERM", "xterm", 1);
		execvp(argv[3], argv + 3);
		_exit(127);
	}
	long long found = -1;
	while (found < 0) {
		struct pollfd p = {.fd = master, .events = POLLIN};
		if (poll(&p, 1, 10000) <= 0)
			break;
		ssize_t n = read(master, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		if (memmem(buf, len, want, strlen(want)))
			found = now_us() - t0;
		if (len > sizeof(buf) / 2) {
			memmove(buf, buf + len - 256, 256);
			len = 256;
		}
	}
	/* Ctrl-D at an empty prompt ends the REPL; the hang-up ends anything else. */
	if (write(master, "\004", 1) < 0) {
	}
	usleep(20000);
	close(master);
	kill(pid, SIGHUP);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (found < 0) {
		fprintf(stderr, "bench-floor: \"%s\" never appeared\n", want);
		return 1;
	}
	printf("%lld\n", found);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "floor"))
		return cmd_floor(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "time"))
		return cmd_time(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "pty"))
		return cmd_pty(argc - 1, argv + 1);
	fprintf(stderr, "usage: bench-floor floor|time|pty ... (see the top of scripts/bench-floor.c)\n");
	return 2;
}
