/* Unit tests for the process probe: status/stat parsers on recorded fixtures, and a live table. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "nslab/probe.h"
#include "nslab/util.h"

/* ---- fixtures, recorded on Linux 6.18 (trimmed after the lines we read) -- */

static const char status_normal[] = "Name:\tcat\n"
                                    "Umask:\t0022\n"
                                    "State:\tR (running)\n"
                                    "Tgid:\t1380\n"
                                    "Ngid:\t0\n"
                                    "Pid:\t1380\n"
                                    "PPid:\t1377\n"
                                    "TracerPid:\t0\n"
                                    "Uid:\t1000\t1001\t1002\t1003\n"
                                    "Gid:\t0\t0\t0\t0\n"
                                    "FDSize:\t256\n"
                                    "Groups:\t \n"
                                    "NStgid:\t1380\n"
                                    "NSpid:\t1380\n"
                                    "NSpgid:\t1377\n"
                                    "NSsid:\t26201\n"
                                    "Kthread:\t0\n"
                                    "VmPeak:\t    3060 kB\n"
                                    "VmSize:\t    3060 kB\n"
                                    "VmLck:\t       0 kB\n"
                                    "VmPin:\t       0 kB\n"
                                    "VmHWM:\t    1744 kB\n"
                                    "VmRSS:\t    1744 kB\n"
                                    "RssAnon:\t     116 kB\n"
                                    "RssFile:\t    1628 kB\n"
                                    "Threads:\t1\n"
                                    "voluntary_ctxt_switches:\t0\n"
                                    "nonvoluntary_ctxt_switches:\t1\n";

static const char status_kthread[] = "Name:\tkthreadd\n"
                                     "Umask:\t0022\n"
                                     "State:\tS (sleeping)\n"
                                     "Tgid:\t2\n"
                                     "Ngid:\t0\n"
                                     "Pid:\t2\n"
                                     "PPid:\t0\n"
                                     "TracerPid:\t0\n"
                                     "Uid:\t0\t0\t0\t0\n"
                                     "Gid:\t0\t0\t0\t0\n"
                                     "FDSize:\t64\n"
                                     "Groups:\t \n"
                                     "NStgid:\t2\n"
                                     "NSpid:\t2\n"
                                     "NSpgid:\t0\n"
                                     "NSsid:\t0\n"
                                     "Kthread:\t1\n"
                                     "Threads:\t1\n"
                                     "SigQ:\t0/96365\n";

/* Linux 3.10: no NStgid/NSpid lines yet. */
static const char status_old[] = "Name:\tsshd\n"
                                 "State:\tS (sleeping)\n"
                                 "Tgid:\t912\n"
                                 "Pid:\t912\n"
                                 "PPid:\t1\n"
                                 "TracerPid:\t0\n"
                                 "Uid:\t0\t0\t0\t0\n"
                                 "Gid:\t0\t0\t0\t0\n"
                                 "FDSize:\t64\n"
                                 "Groups:\t\n"
                                 "VmPeak:\t  105996 kB\n"
                                 "VmRSS:\t    4236 kB\n"
                                 "Threads:\t1\n";

/* A process two PID namespaces below the host: host 5123, 42 in the first, 1 in the second. */
static const char status_nested[] = "Name:\tsh\n"
                                    "State:\tS (sleeping)\n"
                                    "Tgid:\t5123\n"
                                    "Pid:\t5123\n"
                                    "PPid:\t5120\n"
                                    "Uid:\t100000\t100000\t100000\t100000\n"
                                    "NStgid:\t5123\t42\t1\n"
                                    "NSpid:\t5123\t42\t1\n"
                                    "NSpgid:\t5123\t42\t1\n"
                                    "VmRSS:\t     900 kB\n";

static const char stat_normal[] =
    "1384 (cat) R 1377 1377 26201 0 -1 4194304 98 0 0 0 0 0 0 0 20 0 1 0 492546 3133440 382 "
    "18446744073709551615 94666008215552 94666008235433 140731343519888 0 0 0 0 0 0 0 0 0 17 0 0 "
    "0 0 0 0 94666008251440 94666008253056 94666282692608 140731343522443 140731343522463 "
    "140731343522463 140731343523819 0\n";

static const char stat_kthread[] =
    "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 24 0 0 18446744073709551615 0 0 "
    "0 0 0 0 0 2147483647 0 1 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

/* prctl(PR_SET_NAME, "(a) b) S 9 9") : a comm that looks like fields. */
static const char stat_parens[] = "777 ((a) b) S 9 9) Z 555 777 777 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 123456 0 0 "
                                  "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

/* ---- parsers ------------------------------------------------------------- */

static void test_status_normal(void)
{
	struct proc_status st;
	CHECK(proc_parse_status(status_normal, &st) == 0);
	CHECK_STR(st.name, "cat");
	CHECK(st.state == 'R');
	CHECK(st.ppid == 1377);
	CHECK(st.uid == 1000); /* real, the first of four */
	CHECK(st.n_nspid == 1 && st.nspid[0] == 1380);
	CHECK(st.rss_kb == 1744);
}

static void test_status_kthread(void)
{
	struct proc_status st;
	CHECK(proc_parse_status(status_kthread, &st) == 0);
	CHECK_STR(st.name, "kthreadd");
	CHECK(st.state == 'S');
	CHECK(st.ppid == 0);
	CHECK(st.rss_kb == -1);
	CHECK(st.n_nspid == 1 && st.nspid[0] == 2);
}

static void test_status_old_kernel(void)
{
	struct proc_status st;
	CHECK(proc_parse_status(status_old, &st) == 0);
	CHECK_STR(st.name, "sshd");
	CHECK(st.n_nspid == 0);
	CHECK(st.rss_kb == 4236);
	CHECK(st.ppid == 1 && st.uid == 0);
}

static void test_status_nested(void)
{
	struct proc_status st;
	CHECK(proc_parse_status(status_nested, &st) == 0);
	CHECK(st.n_nspid == 3);
	CHECK(st.nspid[0] == 5123 && st.nspid[1] == 42 && st.nspid[2] == 1);
	CHECK(st.uid == 100000);
	CHECK(st.rss_kb == 900);
}

static void test_status_odd(void)
{
	struct proc_status st;
	/* A name with spaces and the kernel's escapes stays as written. */
	CHECK(proc_parse_status("Name:\ta b\\nc\nState:\tZ (zombie)\nPPid:\t1\nUid:\t0\t0\t0\t0\n", &st) == 0);
	CHECK_STR(st.name, "a b\\nc");
	CHECK(st.state == 'Z');
	/* A name longer than the field is cut, not overflowed. */
	CHECK(proc_parse_status("Name:\t0123456789012345678901234567890123456789\nState:\tS\nPPid:\t1\nUid:\t0\n",
	                        &st) == 0);
	CHECK(strlen(st.name) == sizeof(st.name) - 1);
	/* More NSpid levels than we keep: the outermost eight. */
	CHECK(proc_parse_status("Name:\tx\nState:\tS\nPPid:\t1\nUid:\t0\nNSpid:\t1\t2\t3\t4\t5\t6\t7\t8\t9\t10\n",
	                        &st) == 0);
	CHECK(st.n_nspid == 8 && st.nspid[7] == 8);
	CHECK(proc_parse_status("", &st) == -EINVAL);
	CHECK(proc_parse_status(NULL, &st) == -EINVAL);
	CHECK(proc_parse_status("garbage\n\n", &st) == -EINVAL);
}

static void test_status_truncated(void)
{
	struct proc_status st;
	char cut[sizeof(status_normal)];
	/* Cut inside the Uid line: that line does not count, so Uid is missing. */
	const char *uid = strstr(status_normal, "Uid:\t10");
	size_t len = (size_t)(uid - status_normal) + strlen("Uid:\t10");
	memcpy(cut, status_normal, len);
	cut[len] = '\0';
	CHECK(proc_parse_status(cut, &st) == -EINVAL);
	/* Cut inside VmRSS: the required lines are whole; "VmRSS:\t    17" is not read as 17 kB. */
	const char *rss = strstr(status_normal, "VmRSS:");
	len = (size_t)(rss - status_normal) + strlen("VmRSS:\t    17");
	memcpy(cut, status_normal, len);
	cut[len] = '\0';
	CHECK(proc_parse_status(cut, &st) == 0);
	CHECK(st.rss_kb == -1);
	CHECK(st.uid == 1000 && st.n_nspid == 1);
}

static void test_stat_normal(void)
{
	char state = 0;
	pid_t ppid = 0;
	unsigned long long start = 0;
	long long rss = 0;
	CHECK(proc_parse_stat(stat_normal, &state, &ppid, &start, &rss) == 0);
	CHECK(state == 'R');
	CHECK(ppid == 1377);
	CHECK(start == 492546);
	CHECK(rss == 382);
	CHECK(proc_parse_stat(stat_kthread, &state, &ppid, &start, &rss) == 0);
	CHECK(state == 'S' && ppid == 0 && start == 24 && rss == 0);
}

static void test_stat_parens(void)
{
	char state = 0;
	pid_t ppid = 0;
	unsigned long long start = 0;
	long long rss = -1;
	CHECK(proc_parse_stat(stat_parens, &state, &ppid, &start, &rss) == 0);
	CHECK(state == 'Z');
	CHECK(ppid == 555);
	CHECK(start == 123456);
	CHECK(rss == 0);
	CHECK(proc_parse_stat("1 (a) b)) S 2 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 0 5 1\n", &state, &ppid, &start,
	                      &rss) == 0);
	CHECK(state == 'S' && ppid == 2 && start == 77 && rss == 5);
}

static void test_stat_truncated(void)
{
	char state;
	pid_t ppid;
	unsigned long long start;
	long long rss;
	char cut[sizeof(stat_normal)];
	/* Cut anywhere up to and inside the rss field: refused. */
	const char *rss_at = strstr(stat_normal, " 382 ") + 1;
	size_t upto = (size_t)(rss_at - stat_normal) + 3;
	int refused = 0;
	for (size_t len = 0; len <= upto; len++) {
		memcpy(cut, stat_normal, len);
		cut[len] = '\0';
		refused += proc_parse_stat(cut, &state, &ppid, &start, &rss) == -EINVAL;
	}
	CHECK(refused == (int)upto + 1);
	CHECK(proc_parse_stat("1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 abc 0 0 0\n", &state, &ppid, &start,
	                      &rss) == -EINVAL);
	CHECK(proc_parse_stat("1 (x)", &state, &ppid, &start, &rss) == -EINVAL);
	CHECK(proc_parse_stat("1 x) S 1", &state, &ppid, &start, &rss) == -EINVAL);
	CHECK(proc_parse_stat(NULL, &state, &ppid, &start, &rss) == -EINVAL);
}

/* ---- the live table ------------------------------------------------------ */

static bool wait_comm(pid_t pid, const char *comm)
{
	char path[64], buf[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	for (int i = 0; i < 500; i++) {
		if (read_file_at(AT_FDCWD, path, buf, sizeof(buf)) > 0 && strncmp(buf, comm, strlen(comm)) == 0 &&
		    buf[strlen(comm)] == '\n')
			return true;
		usleep(10000);
	}
	return false;
}

/* A child that waits for a byte on fd, then execs sleep. */
static pid_t spawn_sleeper(int go_fd)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	char c;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (go_fd >= 0 && read(go_fd, &c, 1) != 1)
		_exit(1);
	execl("/bin/sleep", "sleep", "100", (char *)NULL);
	_exit(127);
}

static void reap(pid_t pid)
{
	if (pid <= 0)
		return; /* kill(0) would hit our whole process group */
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void refresh(struct proc_table *t, enum proc_refresh mode)
{
	struct nslab_error e;
	CHECK(proc_table_refresh(t, mode, &e) == 0);
}

static void test_table_host(void)
{
	struct proc_table t;
	int go[2];
	CHECK(pipe(go) == 0);
	pid_t a = spawn_sleeper(-1), b = spawn_sleeper(go[0]);
	close(go[0]);
	CHECK(wait_comm(a, "sleep"));

	proc_table_init(&t, 0);
	refresh(&t, PROC_REFRESH_ALL);
	struct proc_info *pa = proc_table_find(&t, a), *pb = proc_table_find(&t, b);
	CHECK(pa && pb);
	if (pa && pb) {
		CHECK(pa->ppid == getpid() && pb->ppid == getpid());
		CHECK(pa->state == 'S' || pa->state == 'R');
		CHECK_STR(pa->comm, "sleep");
		CHECK_STR(pa->cmdline, "sleep 100");
		CHECK(pa->start > 0 && pa->rss_kb > 0);
		CHECK(!pa->in_target && pa->nspid == 0 && pa->uid_inside == -1);
		CHECK(pa->uid == getuid());
		CHECK(pa->pidns != 0 && pa->pidns == pb->pidns);
		CHECK(pa->born == 1 && pa->seen == 1 && !pa->gone);
	}
	struct proc_info *self = proc_table_find(&t, getpid());
	CHECK(self && self->ppid == getppid());

	/* b execs: its comm changes, so it is read again whole, and is not new. */
	CHECK(write(go[1], "x", 1) == 1);
	CHECK(wait_comm(b, "sleep"));
	refresh(&t, PROC_REFRESH_ALL);
	pb = proc_table_find(&t, b);
	CHECK(pb && strcmp(pb->cmdline, "sleep 100") == 0 && pb->born == 1 && pb->seen == 2);

	/* A kernel thread: "[comm]", no RSS. */
	struct proc_info *k = proc_table_find(&t, 2);
	if (k && strcmp(k->comm, "kthreadd") == 0) {
		CHECK_STR(k->cmdline, "[kthreadd]");
		CHECK(k->rss_kb == -1);
	}

	/* Nothing new: the same storage over 20 refreshes. */
	size_t cap = t.cap;
	struct proc_info *v = t.v;
	for (int i = 0; i < 20; i++)
		refresh(&t, i % 2 ? PROC_REFRESH_ALL : PROC_REFRESH_TARGET);
	CHECK(t.cap == cap && t.v == v);
	CHECK(t.generation == 22);

	/* a exits: gone at once, dropped after PROC_KEEP_GONE more refreshes. */
	reap(a);
	refresh(&t, PROC_REFRESH_TARGET);
	pa = proc_table_find(&t, a);
	CHECK(pa && pa->gone && pa->seen == t.generation - 1);
	for (int i = 0; i < PROC_KEEP_GONE - 1; i++)
		refresh(&t, PROC_REFRESH_ALL);
	CHECK(proc_table_find(&t, a) && proc_table_find(&t, a)->gone);
	refresh(&t, PROC_REFRESH_ALL);
	CHECK(proc_table_find(&t, a) == NULL);
	CHECK(proc_table_find(&t, b) && !proc_table_find(&t, b)->gone);

	/* Sorting keeps find working; one update re-reads one row. */
	proc_table_sort(&t, false);
	for (size_t i = 1; i < t.n; i++)
		CHECK(t.v[i - 1].pid < t.v[i].pid);
	pb = proc_table_find(&t, b);
	CHECK(pb && pb->pid == b);
	reap(b);
	if (pb) {
		proc_table_update(&t, pb);
		CHECK(pb->gone);
	}
	close(go[1]);
	proc_table_free(&t);
	CHECK(t.v == NULL && t.n == 0 && t.priv == NULL);
}

/* The target is this process, in the host's PID namespace: everything is in
 * it, and the pid inside is the host pid. */
static void test_table_self_target(void)
{
	struct proc_table t;
	pid_t a = spawn_sleeper(-1);
	CHECK(wait_comm(a, "sleep"));
	proc_table_init(&t, getpid());
	CHECK(!t.target_gone && t.target_start > 0 && t.target_pidns != 0);
	refresh(&t, PROC_REFRESH_TARGET);
	struct proc_info *pa = proc_table_find(&t, a);
	CHECK(pa && pa->in_target && pa->nspid == a && pa->ns_ppid == getpid());
	CHECK(pa && pa->uid_inside == (long long)getuid());
	proc_table_free(&t);

	/* A target that is gone before we look. */
	reap(a);
	proc_table_init(&t, a);
	CHECK(t.target_gone);
	refresh(&t, PROC_REFRESH_ALL);
	CHECK(t.n > 0);
	for (size_t i = 0; i < t.n; i++)
		CHECK(!t.v[i].in_target);
	proc_table_free(&t);
}

/* In a fresh PID namespace: c is its init (1); c's child d made another
 * namespace below, where its child e is 1. From c's namespace, e is 3. */
struct nested {
	pid_t m, c; /* host pids: m outside (unshared), c the init inside */
};

/* d: a PID namespace below c's, with e as its init; says "r" once e exists. */
static void nested_leaf(int out_fd)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (unshare(CLONE_NEWPID) < 0)
		_exit(1);
	if (fork() == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pause();
		_exit(0);
	}
	if (write(out_fd, "r", 1) != 1)
		_exit(1);
	pause();
	_exit(0);
}

static void nested_init(int out_fd)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (fork() == 0)
		nested_leaf(out_fd);
	pause();
	_exit(0);
}

/* m writes c's host pid, d writes "r": both arrive, in either order. */
static bool nested_start(struct nested *n)
{
	int p[2];
	char buf[32] = "";
	size_t len = 0;
	if (pipe(p) < 0)
		return false;
	n->m = fork();
	if (n->m == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(p[0]);
		if (unshare(CLONE_NEWPID) < 0)
			_exit(1);
		pid_t c = fork();
		if (c == 0)
			nested_init(p[1]);
		dprintf(p[1], "%d\n", (int)c);
		waitpid(c, NULL, 0);
		_exit(0);
	}
	close(p[1]);
	for (ssize_t r; len < sizeof(buf) - 1 && (r = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0;) {
		len += (size_t)r;
		buf[len] = '\0';
		if (strchr(buf, 'r') && strchr(buf, '\n'))
			break;
	}
	close(p[0]);
	n->c = (pid_t)strtol(buf + strcspn(buf, "0123456789"), NULL, 10);
	return n->c > 0 && strchr(buf, 'r');
}

static pid_t child_of(struct proc_table *t, pid_t parent)
{
	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].ppid == parent && !t->v[i].gone)
			return t->v[i].pid;
	}
	return 0;
}

static void check_nested(struct proc_table *t, const struct nested *n)
{
	struct proc_info *m = proc_table_find(t, n->m), *c = proc_table_find(t, n->c);
	CHECK(m && !m->in_target && m->nspid == 0);
	CHECK(c && c->in_target && c->nspid == 1 && c->ns_ppid == 0);
	pid_t d_pid = child_of(t, n->c);
	struct proc_info *d = d_pid ? proc_table_find(t, d_pid) : NULL;
	CHECK(d && d->in_target && d->nspid == 2 && d->ns_ppid == 1);
	pid_t e_pid = d_pid ? child_of(t, d_pid) : 0;
	struct proc_info *e = e_pid ? proc_table_find(t, e_pid) : NULL;
	/* e lives one namespace further down: in the target, 3 as c sees it */
	CHECK(e && e->in_target && e->nspid == 3 && e->ns_ppid == 2);
	CHECK(e && c && e->pidns != c->pidns);
	CHECK(c && c->uid_inside == (long long)getuid());
	struct proc_info *self = proc_table_find(t, getpid());
	CHECK(self && !self->in_target && self->ns_ppid == 0);
}

static void test_table_pidns(void)
{
	struct nested n = {0, 0};
	struct proc_table t;
	if (!nested_start(&n)) {
		CHECK(!"nested PID namespaces started");
		reap(n.m);
		return;
	}
	proc_table_init(&t, n.c);
	CHECK(!t.target_gone);
	refresh(&t, PROC_REFRESH_TARGET);
	check_nested(&t, &n);
	proc_table_sort(&t, true);
	CHECK(t.n >= 3 && t.v[0].nspid == 1 && t.v[1].nspid == 2 && t.v[2].nspid == 3);
	CHECK(proc_table_find(&t, n.c) && proc_table_find(&t, n.c)->nspid == 1);

	/* The init dies: the namespace goes with it, and the target is gone. */
	reap(n.c);
	waitpid(n.m, NULL, 0);
	for (int i = 0; i < 50 && !t.target_gone; i++) {
		refresh(&t, PROC_REFRESH_TARGET);
		usleep(10000);
	}
	CHECK(t.target_gone);
	struct proc_info *c = proc_table_find(&t, n.c);
	CHECK(c == NULL || c->gone);
	proc_table_free(&t);
}

int main(void)
{
	RUN(test_status_normal);
	RUN(test_status_kthread);
	RUN(test_status_old_kernel);
	RUN(test_status_nested);
	RUN(test_status_odd);
	RUN(test_status_truncated);
	RUN(test_stat_normal);
	RUN(test_stat_parens);
	RUN(test_stat_truncated);
	RUN(test_table_host);
	RUN(test_table_self_target);
	if (geteuid() == 0)
		RUN(test_table_pidns);
	else
		printf("SKIP test_table_pidns: only root may unshare a PID namespace without a user namespace\n");
	return CHECK_DONE();
}
