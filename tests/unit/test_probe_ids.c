/* Unit tests for the identity probe: capability names, timens_offsets, and
 * probe_ids_read against independent reads of nslab's own and a child's ids. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "nslab/probe.h"
#include "nslab/util.h"

/* ---- capability names ---- */

static void test_caps_none_and_some(void)
{
	char buf[1024];

	probe_caps_names(0, buf, sizeof(buf));
	CHECK_STR(buf, "none");
	probe_caps_names(1ULL << CAP_CHOWN | 1ULL << CAP_KILL, buf, sizeof(buf));
	CHECK_STR(buf, "cap_chown,cap_kill");
	probe_caps_names(1ULL << CAP_SYS_ADMIN, buf, sizeof(buf));
	CHECK_STR(buf, "cap_sys_admin");
	probe_caps_names(1ULL << CAP_NET_BIND_SERVICE | 1ULL << CAP_SETUID | 1ULL << CAP_SETGID, buf, sizeof(buf));
	CHECK_STR(buf, "cap_setgid,cap_setuid,cap_net_bind_service");
}

static uint64_t full_mask(void)
{
	int n = cap_max_bits();

	return n >= 64 ? UINT64_MAX : (1ULL << n) - 1;
}

static void test_caps_all(void)
{
	char buf[1024];

	probe_caps_names(full_mask(), buf, sizeof(buf));
	CHECK_STR(buf, "all");
	/* One missing: every other name is listed, the missing one is not. */
	probe_caps_names(full_mask() & ~(1ULL << CAP_SYS_ADMIN), buf, sizeof(buf));
	CHECK_CONTAINS(buf, "cap_chown,");
	CHECK_CONTAINS(buf, "cap_sys_boot");
	CHECK(strstr(buf, "cap_sys_admin") == NULL);
}

static void test_caps_truncate(void)
{
	char buf[16];
	uint64_t m = 1ULL << CAP_CHOWN | 1ULL << CAP_KILL | 1ULL << CAP_SYS_ADMIN;

	memset(buf, 'x', sizeof(buf));
	probe_caps_names(m, buf, sizeof(buf));
	CHECK(memchr(buf, '\0', sizeof(buf)) != NULL);
	CHECK_STR(buf, "cap_chown,...");
	probe_caps_names(m, buf, 4);
	CHECK_STR(buf, "");
	buf[0] = 'x';
	probe_caps_names(m, buf, 0); /* must not write */
	CHECK(buf[0] == 'x');
	probe_caps_names(0, buf, 3);
	CHECK_STR(buf, "no");
}

/* ---- timens_offsets ---- */

static void test_timens_names(void)
{
	long long mono = 1, boot = 1;

	CHECK(probe_parse_timens("monotonic 0 0\nboottime 86400 0\n", &mono, &boot) == 0);
	CHECK(mono == 0 && boot == 86400);
	/* As the kernel pads it. */
	CHECK(probe_parse_timens("monotonic         3600         0\nboottime       172800 500000000\n", &mono, &boot) ==
	      0);
	CHECK(mono == 3600 && boot == 172800);
	CHECK(probe_parse_timens("", &mono, &boot) == 0);
	CHECK(mono == 0 && boot == 0);
	CHECK(probe_parse_timens("boottime 5 0", &mono, &boot) == 0); /* no final newline */
	CHECK(mono == 0 && boot == 5);
}

static void test_timens_numbers_and_negative(void)
{
	long long mono = 1, boot = 1;

	CHECK(probe_parse_timens("1 -3600 0\n7 100 0\n", &mono, &boot) == 0);
	CHECK(mono == -3600 && boot == 100);
	CHECK(probe_parse_timens("monotonic -86401 999999999\nboottime -1 0\n", &mono, &boot) == 0);
	CHECK(mono == -86401 && boot == -1);
	/* A clock we do not know is skipped; blank lines too. */
	CHECK(probe_parse_timens("\nrealtime 9 0\n\nboottime 7 0\n", &mono, &boot) == 0);
	CHECK(mono == 0 && boot == 7);
}

static void test_timens_garbage(void)
{
	long long mono = 42, boot = 43;

	CHECK(probe_parse_timens("hello\n", &mono, &boot) == -EINVAL);
	CHECK(probe_parse_timens("boottime abc 0\n", &mono, &boot) == -EINVAL);
	CHECK(probe_parse_timens("boottime 1 0 extra\n", &mono, &boot) == -EINVAL);
	CHECK(probe_parse_timens("boottime 1\n", &mono, &boot) == -EINVAL);
	CHECK(probe_parse_timens("monotonic 1 0\nboottime 12x 0\n", &mono, &boot) == -EINVAL);
	CHECK(mono == 42 && boot == 43); /* untouched on error */
}

/* ---- probe_ids_read(0) against independent reads ---- */

/* "uts:[4026531838]" -> 4026531838, as readlink shows it. */
static unsigned long long link_ino(const char *dir, const char *name)
{
	char path[64], target[64];

	snprintf(path, sizeof(path), "%s/ns/%s", dir, name);
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = '\0';
	const char *p = strchr(target, '[');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

static uint64_t own_flag_mask(cap_flag_t flag)
{
	cap_t c = cap_get_proc();
	uint64_t m = 0;

	for (int bit = 0; c && bit < cap_max_bits(); bit++) {
		cap_flag_value_t fv = CAP_CLEAR;
		if (cap_get_flag(c, (cap_value_t)bit, flag, &fv) == 0 && fv == CAP_SET)
			m |= 1ULL << bit;
	}
	cap_free(c);
	return m;
}

static uint64_t own_bounding_mask(void)
{
	uint64_t m = 0;

	for (int bit = 0; bit < cap_max_bits(); bit++)
		if (prctl(PR_CAPBSET_READ, bit, 0, 0, 0) == 1)
			m |= 1ULL << bit;
	return m;
}

/* The names agree with the mask: "all", "none", or one name a set bit. */
static void check_names(uint64_t mask, const char *names)
{
	int commas = 0;

	if (mask == full_mask() || mask == 0) {
		CHECK_STR(names, mask ? "all" : "none");
		return;
	}
	for (const char *p = names; *p; p++)
		commas += *p == ',';
	CHECK(commas + 1 == __builtin_popcountll(mask));
	char *first = cap_to_name((cap_value_t)__builtin_ctzll(mask));
	CHECK(first && strncmp(names, first, strlen(first)) == 0);
	cap_free(first);
}

static bool in_init_userns(const struct id_view *v)
{
	return v->uidmap.n == 1 && v->uidmap.lines[0].inside == 0 && v->uidmap.lines[0].outside == 0 &&
	       v->uidmap.lines[0].count == 4294967295u;
}

static double proc_uptime(void)
{
	char buf[128];

	return read_file_at(AT_FDCWD, "/proc/uptime", buf, sizeof(buf)) < 0 ? -1 : strtod(buf, NULL);
}

static void test_self_namespaces(void)
{
	struct nslab_error e = {0};
	static struct id_view v;

	CHECK(probe_ids_read(0, &v, &e) == 0);
	CHECK(v.pid == 0);
	for (int k = 0; k < NS_COUNT; k++) {
		unsigned long long want = link_ino("/proc/self", ns_table[k].proc_name);
		if (v.ns.ino[k] != want)
			printf("  %s: probe %llu, readlink %llu\n", ns_table[k].proc_name, v.ns.ino[k], want);
		CHECK(v.ns.ino[k] == want);
		CHECK(want != 0 || k == NS_TIME); /* time needs 5.6 */
	}
	if (!in_init_userns(&v))
		return;
	/* In the initial user namespace: it has no owner we may see; the rest are its. */
	CHECK(v.ns.owner[NS_USER] == 0);
	CHECK(v.ns.owner[NS_UTS] == v.ns.ino[NS_USER]);
	CHECK(v.ns.owner[NS_NET] == v.ns.ino[NS_USER]);
}

static void test_self_identity(void)
{
	struct nslab_error e = {0};
	static struct id_view v;
	struct utsname u;
	char sg[32] = "";

	CHECK(probe_ids_read(0, &v, &e) == 0);
	CHECK(uname(&u) == 0);
	CHECK_STR(v.hostname, u.nodename);
	CHECK_STR(v.domainname, u.domainname);
	CHECK(v.uid == getuid() && v.euid == geteuid());
	CHECK(v.cap_eff == own_flag_mask(CAP_EFFECTIVE));
	CHECK(v.cap_prm == own_flag_mask(CAP_PERMITTED));
	CHECK(v.cap_bnd == own_bounding_mask());
	check_names(v.cap_eff, v.cap_eff_names);
	CHECK(v.uidmap.n >= 1 && v.gidmap.n >= 1);
	CHECK(idmap_to_outside(&v.uidmap, getuid()) >= 0 || !in_init_userns(&v));
	if (read_file_at(AT_FDCWD, "/proc/self/setgroups", sg, sizeof(sg)) > 0)
		sg[strcspn(sg, "\n")] = '\0';
	CHECK_STR(v.setgroups, sg);
	double up = proc_uptime();
	CHECK(up > 0 && v.uptime > up - 1 && v.uptime < up + 1);
}

static void test_gone_pid(void)
{
	struct nslab_error e = {0};
	static struct id_view v;

	pid_t c = fork();
	if (c == 0)
		_exit(0);
	CHECK(c > 0);
	/* A zombie has no namespaces left: it counts as gone. */
	for (int i = 0; i < 200 && kill(c, 0) == 0; i++) {
		char path[64], st[4096];
		snprintf(path, sizeof(path), "/proc/%d/status", (int)c);
		if (read_file_at(AT_FDCWD, path, st, sizeof(st)) > 0 && strstr(st, "State:\tZ"))
			break;
		usleep(10000);
	}
	CHECK(probe_ids_read(c, &v, &e) == -ESRCH);
	CHECK_CONTAINS(e.msg, "gone");
	waitpid(c, NULL, 0);
	nslab_error_clear(&e);
	CHECK(probe_ids_read(c, &v, &e) == -ESRCH);
	CHECK(e.err == ESRCH);
	CHECK_CONTAINS(e.msg, "gone");
	CHECK(probe_ids_read(-5, &v, &e) < 0);
}

/* ---- another UTS namespace ---- */

/* Fork a child that unshares flags, sets hostname and waits to be killed;
 * returns its pid, or 0 when the unshare was refused (errno in *err). */
static pid_t spawn_uts_child(int flags, const char *hostname, int *err)
{
	int p[2];

	if (pipe(p) < 0)
		return -1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int r = unshare(flags) == 0 && sethostname(hostname, strlen(hostname)) == 0 ? 0 : errno;
		if (write(p[1], &r, sizeof(r)) != sizeof(r) || r)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	*err = 0;
	if (read(p[0], err, sizeof(*err)) != sizeof(*err))
		*err = EIO;
	close(p[0]);
	if (*err == 0)
		return pid;
	waitpid(pid, NULL, 0);
	return 0;
}

static void end_child(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void test_child_hostname(void)
{
	struct nslab_error e = {0};
	static struct id_view v, self;
	struct utsname before, after;
	unsigned long long uts_before = link_ino("/proc/self", "uts");
	int err;

	CHECK(uname(&before) == 0);
	pid_t c = spawn_uts_child(CLONE_NEWUTS, "probe-test", &err);
	CHECK(c > 0);
	if (c <= 0)
		return;
	CHECK(probe_ids_read(c, &v, &e) == 0);
	CHECK_STR(v.hostname, "probe-test");
	char dir[32];
	snprintf(dir, sizeof(dir), "/proc/%d", (int)c);
	CHECK(v.ns.ino[NS_UTS] == link_ino(dir, "uts"));
	CHECK(v.ns.ino[NS_UTS] != uts_before);
	CHECK(v.pid == c);
	/* nslab itself never moved. */
	CHECK(uname(&after) == 0);
	CHECK_STR(after.nodename, before.nodename);
	CHECK(link_ino("/proc/self", "uts") == uts_before);
	CHECK(link_ino("/proc/thread-self", "uts") == uts_before);
	CHECK(probe_ids_read(0, &self, &e) == 0);
	CHECK_STR(self.hostname, before.nodename);
	CHECK(self.ns.ino[NS_UTS] == uts_before);
	end_child(c);
}

static void test_child_userns(void)
{
	struct nslab_error e = {0};
	static struct id_view v, self;
	int err;

	pid_t c = spawn_uts_child(CLONE_NEWUSER | CLONE_NEWUTS, "probe-user", &err);
	if (c <= 0) {
		printf("  unshare(CLONE_NEWUSER|CLONE_NEWUTS): %s\n", strerror(err));
		CHECK(c > 0);
		return;
	}
	CHECK(probe_ids_read(0, &self, &e) == 0);
	CHECK(probe_ids_read(c, &v, &e) == 0);
	CHECK_STR(v.hostname, "probe-user");
	CHECK(v.ns.ino[NS_USER] != self.ns.ino[NS_USER]);
	CHECK(v.ns.owner[NS_USER] == self.ns.ino[NS_USER]);
	CHECK(v.ns.owner[NS_UTS] == v.ns.ino[NS_USER]);
	CHECK(v.ns.ino[NS_NET] == self.ns.ino[NS_NET]);
	CHECK(v.uidmap.n == 0 && v.gidmap.n == 0); /* nobody wrote a map */
	CHECK_STR(v.setgroups, "allow");
	end_child(c);
}

/* As uid 65534, a thread may not enter the UTS namespace (that needs
 * CAP_SYS_ADMIN in nslab's own user namespace too): the probe must go
 * through the child's user namespace, which that uid owns. Runs in a forked
 * process that drops to 65534; 11 means it could not make a user namespace. */
static int rootless_hostname(void)
{
	fflush(stdout);
	pid_t w = fork();
	if (w == 0) {
		struct nslab_error e = {0};
		static struct id_view v;
		int err;

		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
			_exit(10);
		/* Changing uid cleared "dumpable", which would hide our own processes' ns files from us. */
		prctl(PR_SET_DUMPABLE, 1);
		pid_t c = spawn_uts_child(CLONE_NEWUSER | CLONE_NEWUTS, "probe-rootless", &err);
		if (c <= 0)
			_exit(11);
		int bad = probe_ids_read(c, &v, &e) != 0 || strcmp(v.hostname, "probe-rootless") != 0 ||
		          strcmp(v.cap_eff_names, "all") != 0; /* every cap, in its own user namespace */
		if (bad)
			printf("  rootless: hostname '%s' caps %s %s\n", v.hostname, v.cap_eff_names, e.msg);
		fflush(stdout);
		end_child(c);
		_exit(bad);
	}
	int st = 0;
	if (w < 0 || waitpid(w, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int rootless_status;

static void test_rootless_hostname(void)
{
	CHECK(rootless_status == 0);
}

int main(void)
{
	RUN(test_caps_none_and_some);
	RUN(test_caps_all);
	RUN(test_caps_truncate);
	RUN(test_timens_names);
	RUN(test_timens_numbers_and_negative);
	RUN(test_timens_garbage);
	RUN(test_self_namespaces);
	RUN(test_self_identity);
	RUN(test_gone_pid);
	if (geteuid() == 0) {
		RUN(test_child_hostname);
		RUN(test_child_userns);
		rootless_status = rootless_hostname();
		if (rootless_status == 11)
			printf("SKIP test_rootless_hostname: uid 65534 may not create a user namespace here\n");
		else
			RUN(test_rootless_hostname);
	} else {
		printf("SKIP test_child_hostname: only root may unshare a UTS namespace without a user namespace\n");
		printf("SKIP test_child_userns: runs as root (it reads the child's UTS namespace from outside)\n");
		printf("SKIP test_rootless_hostname: needs root to become uid 65534\n");
	}
	return CHECK_DONE();
}
