/* Unit tests for the syscall table, classes and argument decoders; memory is
 * read from this process, with one page marked unreadable. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "check.h"
#include "nslab/decode.h"
#include "nslab/syscalls.h"

#define PAGE      4096
#define READABLE  (8 * PAGE)
#define P(p)      ((unsigned long long)(uintptr_t)(p))
#define ARGS(...) ((const unsigned long long[6]){__VA_ARGS__})

/* The traced process's memory: what the tests stage in the arena's first
 * READABLE bytes; everything else, BAD (the arena's last page) included,
 * cannot be read. Reads past a staged string stay inside the arena, so the
 * sanitizers see no overflow where process_vm_readv would see none either. */
static char arena[READABLE + PAGE] __attribute__((aligned(PAGE)));
#define BAD (arena + READABLE)
static size_t staged;
static int crossed_page;

static long self_read(void *ctx, unsigned long long addr, void *buf, unsigned long len)
{
	(void)ctx;
	if (addr % PAGE + len > PAGE)
		crossed_page = 1;
	if (addr < P(arena) || addr + len > P(BAD))
		return -1;
	memcpy(buf, (const void *)(uintptr_t)addr, len);
	return (long)len;
}

static void stage_reset(void)
{
	memset(arena, 0, sizeof(arena));
	staged = 0;
}

static void *stage(const void *data, size_t len)
{
	char *p = arena + staged;

	staged = (staged + len + 7) & ~(size_t)7;
	if (staged > READABLE) {
		printf("arena full\n");
		abort();
	}
	memcpy(p, data, len);
	return p;
}

/* Put data just before BAD, so whatever follows it is unreadable. */
static void *stage_at_edge(const void *data, size_t len)
{
	return memcpy(BAD - len, data, len);
}

#define S(str) ((char *)stage((str), strlen(str) + 1))

/* An argv-style array: the strings, then the pointers, NULL last. */
static char **stage_vec(char *const v[])
{
	char *copy[512];
	size_t n = 0;

	for (; v[n]; n++)
		copy[n] = S(v[n]);
	copy[n] = NULL;
	return stage(copy, (n + 1) * sizeof(copy[0]));
}

static char out[8192];

static const char *decoded(const char *call, const unsigned long long args[6])
{
	long nr = syscall_by_name(call);

	CHECK(nr >= 0);
	decode_args(nr, args, self_read, NULL, out, sizeof(out));
	return out;
}

static const char *ret_of(long nr, long long ret)
{
	decode_ret(nr, ret, out, sizeof(out));
	return out;
}

/* An address as the decoders print it (four buffers, so one call can use several). */
static const char *hex(const void *p)
{
	static char bufs[4][32];
	static int next;
	char *buf = bufs[next++ % 4];

	snprintf(buf, sizeof(bufs[0]), "%#llx", P(p));
	return buf;
}

/* ---- table and classes ---- */

static void test_table(void)
{
	CHECK_STR(syscall_name(syscall_by_name("mount")), "mount");
	CHECK(syscall_by_name("mount") == SYS_mount);
	CHECK(syscall_by_name("clone3") == SYS_clone3);
	CHECK(syscall_by_name("clone") == SYS_clone);
	CHECK(syscall_by_name("unshare") == SYS_unshare);
	CHECK(syscall_by_name("setns") == SYS_setns);
	CHECK(syscall_by_name("pivot_root") == SYS_pivot_root);
	CHECK(syscall_by_name("execve") == SYS_execve);
	CHECK(syscall_by_name("openat") == SYS_openat);
	CHECK(syscall_by_name("exit_group") == SYS_exit_group);
	CHECK_STR(syscall_name(SYS_read), "read");
	CHECK_STR(syscall_name(SYS_clone3), "clone3");
	CHECK_STR(syscall_name(SYS_mount_setattr), "mount_setattr");
#ifdef SYS_open
	CHECK(syscall_by_name("open") == SYS_open);
#endif
	CHECK(syscall_name(-1) == NULL);
	CHECK(syscall_name(100000) == NULL);
	CHECK(syscall_name(1L << 40) == NULL);
	CHECK(syscall_by_name("no_such_call") == -1);
	CHECK(syscall_by_name("") == -1);
	CHECK(syscall_by_name(NULL) == -1);
#ifdef __x86_64__
	CHECK(syscall_name(400) == NULL); /* the gap between 334 and 424 */
	CHECK(syscall_by_name("setuid32") == -1);
#endif
	/* Every number with a name maps back to itself. */
	int named = 0;
	for (long nr = 0; nr < 2048; nr++) {
		const char *name = syscall_name(nr);
		if (!name)
			continue;
		named++;
		CHECK(syscall_by_name(name) == nr);
	}
	CHECK(named > 300);
}

static void test_classes(void)
{
	CHECK(syscall_classes(SYS_mount) == SC_MOUNT);
	CHECK(syscall_classes(SYS_clone) == (SC_NAMESPACE | SC_PROCESS));
	CHECK(syscall_classes(SYS_clone3) == (SC_NAMESPACE | SC_PROCESS));
	CHECK(syscall_classes(SYS_unshare) == SC_NAMESPACE);
	CHECK(syscall_classes(SYS_kill) == (SC_PROCESS | SC_SIGNAL));
	CHECK(syscall_classes(SYS_tgkill) == (SC_PROCESS | SC_SIGNAL));
	CHECK(syscall_classes(SYS_setresuid) == SC_IDENTITY);
	CHECK(syscall_classes(SYS_sethostname) == SC_IDENTITY);
	CHECK(syscall_classes(SYS_capset) == SC_IDENTITY);
	CHECK(syscall_classes(SYS_openat) == SC_FILE);
	CHECK(syscall_classes(SYS_fchdir) == SC_FILE);
	CHECK(syscall_classes(SYS_socket) == SC_NET);
	CHECK(syscall_classes(SYS_recvmsg) == SC_NET);
	CHECK(syscall_classes(SYS_rt_sigaction) == SC_SIGNAL);
	CHECK(syscall_classes(SYS_fsconfig) == SC_MOUNT);
	CHECK(syscall_classes(SYS_chroot) == SC_MOUNT);
	CHECK(syscall_classes(SYS_execveat) == SC_PROCESS);
	CHECK(syscall_classes(SYS_getpid) == 0);
	CHECK(syscall_classes(SYS_read) == 0);
	CHECK(syscall_classes(-1) == 0);
	CHECK(syscall_classes(100000) == 0);
#ifdef SYS_fork
	CHECK(syscall_classes(SYS_fork) == SC_PROCESS);
	CHECK(syscall_classes(SYS_open) == SC_FILE);
	CHECK(syscall_classes(SYS_pause) == SC_SIGNAL);
#endif
}

static void test_class_words(void)
{
	static const char *const words[] = {"namespace", "mount", "process", "identity", "file", "net", "signal"};
	char list[128];

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		CHECK(syscall_class_parse(words[i]) == 1u << i);
	CHECK(syscall_class_parse("namespace") == SC_NAMESPACE);
	CHECK(syscall_class_parse("signal") == SC_SIGNAL);
	CHECK(syscall_class_parse("all") == SC_ALL);
	CHECK(syscall_class_parse("default") == SC_DEFAULT);
	CHECK(syscall_class_parse("default") == (SC_NAMESPACE | SC_MOUNT | SC_PROCESS | SC_IDENTITY));
	CHECK(syscall_class_parse("bogus") == 0);
	CHECK(syscall_class_parse("") == 0);
	CHECK(syscall_class_parse("Mount") == 0);
	CHECK(syscall_class_parse(NULL) == 0);
	/* Every word the help text names parses. */
	CHECK_STR(syscall_class_words(), "namespace mount process identity file net signal");
	snprintf(list, sizeof(list), "%s", syscall_class_words());
	for (char *save = NULL, *w = strtok_r(list, " ", &save); w; w = strtok_r(NULL, " ", &save))
		CHECK(syscall_class_parse(w) != 0);
}

/* ---- strings ---- */

static void test_mount_strings(void)
{
	stage_reset();
	CHECK_STR(
	    decoded("mount", ARGS(P(S("tmpfs")), P(S("/mnt")), P(S("tmpfs")), MS_NOSUID | MS_NODEV, P(S("size=1m")))),
	    "\"tmpfs\", \"/mnt\", \"tmpfs\", MS_NOSUID|MS_NODEV, \"size=1m\"");
	CHECK_STR(decoded("mount", ARGS(P(S("/a")), P(S("/b")), 0, MS_BIND | MS_REC, 0)),
	          "\"/a\", \"/b\", NULL, MS_BIND|MS_REC, NULL");
	CHECK_STR(decoded("mount", ARGS(0, P(S("/")), 0, MS_REC | MS_PRIVATE, 0)),
	          "NULL, \"/\", NULL, MS_REC|MS_PRIVATE, NULL");
	CHECK_STR(decoded("mount", ARGS(P(S("proc")), P(S("/proc")), P(S("proc")), 0, 0)),
	          "\"proc\", \"/proc\", \"proc\", 0, NULL");
	CHECK_STR(decoded("mount", ARGS(P(S("x")), P(S("y")), P(S("z")), MS_MGC_VAL | MS_RDONLY, 0)),
	          "\"x\", \"y\", \"z\", MS_MGC_VAL|MS_RDONLY, NULL");
	CHECK_STR(decoded("mount", ARGS(P(S("x")), P(S("y")), P(S("z")), MS_MGC_VAL, 0)),
	          "\"x\", \"y\", \"z\", MS_MGC_VAL, NULL");
	CHECK_STR(decoded("umount2", ARGS(P(S(".")), MNT_DETACH)), "\".\", MNT_DETACH");
	CHECK_STR(decoded("umount2", ARGS(P(S("/mnt")), MNT_FORCE | UMOUNT_NOFOLLOW | 0x100)),
	          "\"/mnt\", MNT_FORCE|UMOUNT_NOFOLLOW|0x100");
	CHECK_STR(decoded("umount2", ARGS(P(S("/mnt")), 0)), "\"/mnt\", 0");
	CHECK_STR(decoded("pivot_root", ARGS(P(S(".")), P(S(".")))), "\".\", \".\"");
	CHECK_STR(decoded("chroot", ARGS(P(S("/srv/root")))), "\"/srv/root\"");
	CHECK_STR(decoded("fsconfig", ARGS(3, 1, P(S("source")), P(S("tmpfs")), 0)),
	          "3, FSCONFIG_SET_STRING, \"source\", \"tmpfs\", 0");
	CHECK_STR(decoded("fsconfig", ARGS(3, 6, 0, 0, 0)), "3, FSCONFIG_CMD_CREATE, NULL, NULL, 0");
	CHECK_STR(decoded("open_tree", ARGS((unsigned)AT_FDCWD, P(S("/a")), 0x80001)), "AT_FDCWD, \"/a\", 0x80001");
}

static const char *chdir_of(const char *path)
{
	return decoded("chdir", ARGS(P(S(path))));
}

static void test_escapes(void)
{
	stage_reset();
	CHECK_STR(chdir_of("a\nb\tc\"d\\e"), "\"a\\nb\\tc\\\"d\\\\e\"");
	CHECK_STR(chdir_of("\r\v\f"), "\"\\r\\v\\f\"");
	CHECK_STR(chdir_of("\001x"), "\"\\1x\"");
	CHECK_STR(chdir_of("\0012"), "\"\\0012\""); /* a digit follows: three digits */
	CHECK_STR(chdir_of("\0338"), "\"\\338\"");  /* 8 is no octal digit */
	CHECK_STR(chdir_of("\177"), "\"\\177\"");
	CHECK_STR(chdir_of("caf\xc3\xa9"), "\"caf\\303\\251\"");
	CHECK_STR(chdir_of(""), "\"\"");
	CHECK_STR(decoded("chdir", ARGS(0)), "NULL");
}

static void test_long_strings(void)
{
	char s[300], want[300];

	stage_reset();
	memset(s, 'a', sizeof(s));
	s[DECODE_STR_MAX] = '\0';
	snprintf(want, sizeof(want), "\"%s\"", s);
	CHECK_STR(chdir_of(s), want); /* exactly 128: whole */

	s[DECODE_STR_MAX] = 'b';
	s[200] = '\0';
	snprintf(want, sizeof(want), "\"%.*s\"...", DECODE_STR_MAX, s);
	CHECK_STR(chdir_of(s), want); /* 200: cut at 128 */
	s[DECODE_STR_MAX + 1] = '\0';
	CHECK_STR(chdir_of(s), want); /* 129: cut too */

	/* Escapes grow the text, not the cut: 128 newlines are 256 characters. */
	memset(s, '\n', DECODE_STR_MAX + 10);
	s[DECODE_STR_MAX + 10] = '\0';
	CHECK(strlen(chdir_of(s)) == 2 * DECODE_STR_MAX + 2 + 3);
}

static void test_bad_strings(void)
{
	char want[96];

	stage_reset();
	CHECK_STR(decoded("chdir", ARGS(P(BAD))), hex(BAD));
	CHECK_STR(decoded("chdir", ARGS(P(BAD + 100))), hex(BAD + 100));
	CHECK_STR(decoded("chdir", ARGS(0xdead0000ULL)), "0xdead0000");
	snprintf(want, sizeof(want), "\"/new\", %s", hex(BAD));
	CHECK_STR(decoded("pivot_root", ARGS(P(S("/new")), P(BAD))), want);

	/* A string running into the unreadable page: what was read, then "...". */
	crossed_page = 0;
	CHECK_STR(decoded("chdir", ARGS(P(stage_at_edge("abcde", 5)))), "\"abcde\"...");
	/* One that ends there is whole. */
	CHECK_STR(decoded("chdir", ARGS(P(stage_at_edge("abcd", 5)))), "\"abcd\"");
	/* One across the boundary of two readable pages is read in two requests. */
	char *across = arena + PAGE - 3;
	memcpy(across, "/across", 8);
	CHECK_STR(decoded("rmdir", ARGS(P(across))), "\"/across\"");
	CHECK(!crossed_page);
}

/* ---- exec ---- */

static void test_execve(void)
{
	char *argv[] = {"/bin/sh", "-c", "echo \"hi\"", NULL};
	char *envp[] = {"PATH=/bin", "HOME=/", "TERM=dumb", NULL};
	char *none[] = {NULL};
	char want[96];

	stage_reset();
	char **av = stage_vec(argv), **ev = stage_vec(envp), **empty = stage_vec(none);
	CHECK_STR(decoded("execve", ARGS(P(S("/bin/sh")), P(av), P(ev))),
	          "\"/bin/sh\", [\"/bin/sh\", \"-c\", \"echo \\\"hi\\\"\"], [/* 3 vars */]");
	CHECK_STR(decoded("execve", ARGS(P(S("/x")), P(empty), P(empty))), "\"/x\", [], [/* 0 vars */]");
	CHECK_STR(decoded("execve", ARGS(P(S("/x")), 0, 0)), "\"/x\", NULL, NULL");
	CHECK_STR(decoded("execveat", ARGS((unsigned)AT_FDCWD, P(S("")), P(av), P(ev), AT_EMPTY_PATH)),
	          "AT_FDCWD, \"\", [\"/bin/sh\", \"-c\", \"echo \\\"hi\\\"\"], [/* 3 vars */], AT_EMPTY_PATH");
	CHECK_STR(decoded("execveat", ARGS(5, P(S("x")), P(empty), P(empty), AT_SYMLINK_NOFOLLOW)),
	          "5, \"x\", [], [/* 0 vars */], AT_SYMLINK_NOFOLLOW");

	/* Unreadable arrays and elements. */
	snprintf(want, sizeof(want), "\"/x\", %s, %s", hex(BAD), hex(BAD + 8));
	CHECK_STR(decoded("execve", ARGS(P(S("/x")), P(BAD), P(BAD + 8))), want);
	char *with_bad[] = {S("a"), BAD, NULL};
	snprintf(want, sizeof(want), "\"/x\", [\"a\", %s], [/* 0 vars */]", hex(BAD));
	CHECK_STR(decoded("execve", ARGS(P(S("/x")), P(stage(with_bad, sizeof(with_bad))), P(empty))), want);
}

static void test_execve_cut(void)
{
	char *argv[21];
	char num[20][4];
	char want[512];
	size_t len = 0;

	stage_reset();
	for (int i = 0; i < 20; i++) {
		snprintf(num[i], sizeof(num[i]), "%d", i);
		argv[i] = num[i];
	}
	argv[20] = NULL;
	len += (size_t)snprintf(want + len, sizeof(want) - len, "\"/x\", [");
	for (int i = 0; i < DECODE_ARGV_MAX; i++)
		len += (size_t)snprintf(want + len, sizeof(want) - len, "%s\"%d\"", i ? ", " : "", i);
	snprintf(want + len, sizeof(want) - len, ", ...], NULL");
	CHECK_STR(decoded("execve", ARGS(P(S("/x")), P(stage_vec(argv)), 0)), want);

	/* Exactly 16: no "...". */
	argv[DECODE_ARGV_MAX] = NULL;
	snprintf(want + len, sizeof(want) - len, "], NULL");
	CHECK_STR(decoded("execve", ARGS(P(S("/x")), P(stage_vec(argv)), 0)), want);

	/* An argv whose NULL would lie on the unreadable page: cut where reading stopped. */
	char *two[] = {S("a"), S("b")};
	CHECK_STR(decoded("execve", ARGS(P(S("/x")), P(stage_at_edge(two, sizeof(two))), 0)),
	          "\"/x\", [\"a\", \"b\", ...], NULL");

	/* A long argument is cut like any string. */
	char big[200];
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	char *one[] = {big, NULL};
	CHECK_CONTAINS(decoded("execve", ARGS(P(S("/x")), P(stage_vec(one)), 0)), "zzz\"...]");

	/* A large environment is counted past one read. */
	static char *env[300];
	for (int i = 0; i < 299; i++)
		env[i] = "X=1";
	env[299] = NULL;
	CHECK_STR(decoded("execve", ARGS(P(S("/x")), 0, P(stage_vec(env)))), "\"/x\", NULL, [/* 299 vars */]");
}

/* ---- clone and namespaces ---- */

static const char *clone_flags_of(unsigned long long flags)
{
	decode_clone_flags(flags, out, sizeof(out));
	return out;
}

static void test_clone_flags(void)
{
	CHECK_STR(clone_flags_of(CLONE_NEWPID | CLONE_NEWNS | SIGCHLD), "CLONE_NEWNS|CLONE_NEWPID|SIGCHLD");
	CHECK_STR(clone_flags_of(CLONE_VM | CLONE_VFORK | SIGCHLD), "CLONE_VM|CLONE_VFORK|SIGCHLD");
	CHECK_STR(clone_flags_of(SIGCHLD), "SIGCHLD");
	CHECK_STR(clone_flags_of(0), "0");
	CHECK_STR(clone_flags_of(CLONE_THREAD | CLONE_SIGHAND | CLONE_VM), "CLONE_VM|CLONE_SIGHAND|CLONE_THREAD");
	CHECK_STR(
	    clone_flags_of(CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP | SIGUSR1),
	    "CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWNET|SIGUSR1");
	CHECK_STR(clone_flags_of(CLONE_PIDFD | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP | 0x400000000ULL),
	          "CLONE_PIDFD|CLONE_CLEAR_SIGHAND|CLONE_INTO_CGROUP|0x400000000");
	/* In clone(2) the low byte is the exit signal, never CLONE_NEWTIME. */
	CHECK_STR(clone_flags_of(CLONE_NEWTIME), "signal 128");

	char tiny[8];
	decode_clone_flags(CLONE_NEWPID | SIGCHLD, tiny, sizeof(tiny));
	CHECK_STR(tiny, "CLONE_N");
}

static void test_clone_calls(void)
{
	stage_reset();
#ifdef __x86_64__
	char want[160];
	int *tid = stage(&(int){0}, sizeof(int));
	CHECK_STR(decoded("clone", ARGS(CLONE_NEWPID | CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0)),
	          "flags=CLONE_NEWNS|CLONE_NEWPID|SIGCHLD, stack=NULL");
	snprintf(want, sizeof(want), "flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, stack=NULL, child_tid=%s",
	         hex(tid));
	CHECK_STR(decoded("clone", ARGS(CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | SIGCHLD, 0, 0, P(tid), 0)), want);
	CHECK_STR(decoded("clone", ARGS(CLONE_VM | CLONE_SETTLS | CLONE_PARENT_SETTID, 0x7000, 0x10, 0x20, 0x30)),
	          "flags=CLONE_VM|CLONE_SETTLS|CLONE_PARENT_SETTID, stack=0x7000, parent_tid=0x10, tls=0x30");
#endif
	CHECK_STR(decoded("unshare", ARGS(CLONE_NEWUSER | CLONE_NEWNS)), "CLONE_NEWNS|CLONE_NEWUSER");
	CHECK_STR(decoded("unshare", ARGS(CLONE_NEWTIME)), "CLONE_NEWTIME");
	CHECK_STR(decoded("unshare", ARGS(CLONE_NEWCGROUP | CLONE_FS)), "CLONE_FS|CLONE_NEWCGROUP");
	CHECK_STR(decoded("unshare", ARGS(0)), "0");
	CHECK_STR(decoded("setns", ARGS(3, CLONE_NEWNET)), "3, CLONE_NEWNET");
	CHECK_STR(decoded("setns", ARGS(7, CLONE_NEWTIME)), "7, CLONE_NEWTIME");
	CHECK_STR(decoded("setns", ARGS(4, 0)), "4, 0");
}

static void test_clone3(void)
{
	struct clone_args ca = {
	    .flags = CLONE_NEWPID | CLONE_NEWTIME | CLONE_INTO_CGROUP,
	    .exit_signal = SIGCHLD,
	    .cgroup = 7,
	};
	char want[256];

	stage_reset();
	void *p = stage(&ca, sizeof(ca));
	snprintf(want, sizeof(want),
	         "{flags=CLONE_NEWTIME|CLONE_NEWPID|CLONE_INTO_CGROUP, exit_signal=SIGCHLD, cgroup=7}, %zu",
	         sizeof(ca));
	CHECK_STR(decoded("clone3", ARGS(P(p), sizeof(ca))), want);
	/* The first version of the struct has no cgroup: zero, as the kernel reads it. */
	CHECK_STR(decoded("clone3", ARGS(P(p), 64)),
	          "{flags=CLONE_NEWTIME|CLONE_NEWPID|CLONE_INTO_CGROUP, exit_signal=SIGCHLD, cgroup=0}, 64");

	int *pidfd = stage(&(int){-1}, sizeof(int));
	struct clone_args pf = {
	    .flags = CLONE_PIDFD | CLONE_VM, .pidfd = P(pidfd), .stack = 0x1000, .stack_size = 0x2000};
	snprintf(want, sizeof(want),
	         "{flags=CLONE_VM|CLONE_PIDFD, exit_signal=0, stack=0x1000, stack_size=0x2000, pidfd=%s}, 88",
	         hex(pidfd));
	CHECK_STR(decoded("clone3", ARGS(P(stage(&pf, sizeof(pf))), 88)), want);

	struct clone_args plain = {.exit_signal = SIGCHLD};
	CHECK_STR(decoded("clone3", ARGS(P(stage(&plain, sizeof(plain))), sizeof(plain))),
	          "{flags=0, exit_signal=SIGCHLD}, 88");

	snprintf(want, sizeof(want), "%s, 88", hex(BAD));
	CHECK_STR(decoded("clone3", ARGS(P(BAD), 88)), want);
	CHECK_STR(decoded("clone3", ARGS(0, 88)), "NULL, 88");
	/* A struct running into the unreadable page is not half-decoded. */
	snprintf(want, sizeof(want), "%s, 88", hex(BAD - 40));
	CHECK_STR(decoded("clone3", ARGS(P(BAD - 40), 88)), want);
}

/* ---- identity ---- */

static void test_identity(void)
{
	char want[64];

	stage_reset();
	CHECK_STR(decoded("setresuid", ARGS(0, 0xffffffffULL, 1000)), "0, -1, 1000");
	CHECK_STR(decoded("setresgid", ARGS(~0ULL, ~0ULL, 0)), "-1, -1, 0");
	CHECK_STR(decoded("setuid", ARGS(65534)), "65534");
	CHECK_STR(decoded("setreuid", ARGS(~0ULL, 5)), "-1, 5");
	CHECK_STR(decoded("setfsgid", ARGS(4294967294ULL)), "4294967294");

	unsigned gids[20];
	for (unsigned i = 0; i < 20; i++)
		gids[i] = i * 10;
	void *g = stage(gids, sizeof(gids));
	CHECK_STR(decoded("setgroups", ARGS(2, P(g))), "2, [0, 10]");
	CHECK_STR(decoded("setgroups", ARGS(0, 0)), "0, NULL");
	CHECK_STR(decoded("setgroups", ARGS(0, P(g))), "0, []");
	CHECK_STR(decoded("setgroups", ARGS(20, P(g))),
	          "20, [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, ...]");
	snprintf(want, sizeof(want), "1, %s", hex(BAD));
	CHECK_STR(decoded("setgroups", ARGS(1, P(BAD))), want);

	void *hdr = stage(gids, 8), *data = stage(gids, 24);
	snprintf(want, sizeof(want), "%s, %s", hex(hdr), hex(data));
	CHECK_STR(decoded("capset", ARGS(P(hdr), P(data))), want);
	snprintf(want, sizeof(want), "%s, NULL", hex(hdr));
	CHECK_STR(decoded("capset", ARGS(P(hdr), 0)), want);
}

static void test_hostname(void)
{
	char name[300], want[300];

	stage_reset();
	CHECK_STR(decoded("sethostname", ARGS(P(S("box")), 3)), "\"box\", 3");
	CHECK_STR(decoded("sethostname", ARGS(P(S("boxes")), 3)), "\"box\", 3");
	CHECK_STR(decoded("sethostname", ARGS(P(stage("a\0b", 3)), 3)), "\"a\\0b\", 3");
	CHECK_STR(decoded("sethostname", ARGS(P(S("")), 0)), "\"\", 0");
	CHECK_STR(decoded("setdomainname", ARGS(P(S("lab.example")), 11)), "\"lab.example\", 11");
	CHECK_STR(decoded("setdomainname", ARGS(0, 4)), "NULL, 4");

	memset(name, 'h', sizeof(name));
	snprintf(want, sizeof(want), "\"%.*s\"..., 300", DECODE_STR_MAX, name);
	CHECK_STR(decoded("sethostname", ARGS(P(stage(name, sizeof(name))), 300)), want);

	snprintf(want, sizeof(want), "%s, 4", hex(BAD));
	CHECK_STR(decoded("sethostname", ARGS(P(BAD), 4)), want);
	/* Three bytes readable out of six. */
	CHECK_STR(decoded("sethostname", ARGS(P(stage_at_edge("abc", 3)), 6)), "\"abc\"..., 6");
}

/* ---- files, processes, signals, sockets ---- */

static void test_files(void)
{
	stage_reset();
	CHECK_STR(decoded("openat", ARGS((unsigned)AT_FDCWD, P(S("/etc/passwd")), O_RDONLY | O_CLOEXEC)),
	          "AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC");
	CHECK_STR(decoded("openat", ARGS(3, P(S("x")), O_WRONLY | O_CREAT | O_TRUNC, 0644)),
	          "3, \"x\", O_WRONLY|O_CREAT|O_TRUNC, 0644");
	CHECK_STR(decoded("openat", ARGS(3, P(S("d")), O_RDWR | O_TMPFILE, 0600)), "3, \"d\", O_RDWR|O_TMPFILE, 0600");
	CHECK_STR(decoded("openat", ARGS(3, P(S("d")), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_PATH)),
	          "3, \"d\", O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_PATH");
	CHECK_STR(decoded("openat", ARGS(3, P(S("s")), O_WRONLY | O_SYNC | O_APPEND)),
	          "3, \"s\", O_WRONLY|O_SYNC|O_APPEND");
	CHECK_STR(decoded("openat", ARGS(3, P(S("e")), O_RDWR | O_CREAT | O_EXCL, 0)),
	          "3, \"e\", O_RDWR|O_CREAT|O_EXCL, 000");
#ifdef SYS_open
	CHECK_STR(decoded("open", ARGS(P(S("/x")), O_RDONLY)), "\"/x\", O_RDONLY");
	CHECK_STR(decoded("open", ARGS(P(S("/x")), O_WRONLY | O_CREAT, 0640)), "\"/x\", O_WRONLY|O_CREAT, 0640");
	CHECK_STR(decoded("mkdir", ARGS(P(S("/d")), 0755)), "\"/d\", 0755");
	CHECK_STR(decoded("rmdir", ARGS(P(S("/d")))), "\"/d\"");
	CHECK_STR(decoded("unlink", ARGS(P(S("/f")))), "\"/f\"");
	CHECK_STR(decoded("symlink", ARGS(P(S("/proc/self/fd")), P(S("/dev/fd")))), "\"/proc/self/fd\", \"/dev/fd\"");
	CHECK_STR(decoded("rename", ARGS(P(S("a")), P(S("b")))), "\"a\", \"b\"");
	CHECK_STR(decoded("mknod", ARGS(P(S("/dev/null")), S_IFCHR | 0666, makedev(1, 3))),
	          "\"/dev/null\", S_IFCHR|0666, makedev(1, 3)");
#endif
	CHECK_STR(decoded("mkdirat", ARGS((unsigned)AT_FDCWD, P(S("d")), 0700)), "AT_FDCWD, \"d\", 0700");
	CHECK_STR(decoded("unlinkat", ARGS((unsigned)AT_FDCWD, P(S("d")), AT_REMOVEDIR)),
	          "AT_FDCWD, \"d\", AT_REMOVEDIR");
	CHECK_STR(decoded("unlinkat", ARGS(4, P(S("f")), 0)), "4, \"f\", 0");
	CHECK_STR(decoded("symlinkat", ARGS(P(S("t")), (unsigned)AT_FDCWD, P(S("l")))), "\"t\", AT_FDCWD, \"l\"");
	CHECK_STR(decoded("renameat2", ARGS(3, P(S("a")), 4, P(S("b")), RENAME_NOREPLACE)),
	          "3, \"a\", 4, \"b\", RENAME_NOREPLACE");
	CHECK_STR(decoded("mknodat", ARGS((unsigned)AT_FDCWD, P(S("p")), S_IFIFO | 0600, 0)),
	          "AT_FDCWD, \"p\", S_IFIFO|0600, makedev(0, 0)");
	CHECK_STR(decoded("mknodat", ARGS((unsigned)AT_FDCWD, P(S("b")), S_IFBLK | 0660, makedev(259, 300))),
	          "AT_FDCWD, \"b\", S_IFBLK|0660, makedev(259, 300)");
	CHECK_STR(decoded("chdir", ARGS(P(S("/")))), "\"/\"");
	CHECK_STR(decoded("fchdir", ARGS(5)), "5");
	CHECK_STR(decoded("fchownat", ARGS(3, P(S("f")), 0, ~0ULL, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)),
	          "3, \"f\", 0, -1, AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH");
}

static void test_processes(void)
{
	char want[96];

	stage_reset();
	CHECK_STR(decoded("kill", ARGS(1, SIGTERM)), "1, SIGTERM");
	CHECK_STR(decoded("kill", ARGS(-1ULL, 0)), "-1, 0");
	CHECK_STR(decoded("kill", ARGS(42, SIGKILL)), "42, SIGKILL");
	CHECK_STR(decoded("tkill", ARGS(43, SIGSTOP)), "43, SIGSTOP");
	CHECK_STR(decoded("tgkill", ARGS(10, 11, (unsigned)SIGRTMIN + 3)), "10, 11, SIGRTMIN+3");
	CHECK_STR(decoded("tgkill", ARGS(10, 11, 99)), "10, 11, signal 99");
	CHECK_STR(decoded("exit_group", ARGS(3)), "3");
	CHECK_STR(decoded("exit", ARGS(0)), "0");
	int *status = stage(&(int){0}, sizeof(int));
	snprintf(want, sizeof(want), "-1, %s, 0x1, NULL", hex(status));
	CHECK_STR(decoded("wait4", ARGS(-1ULL, P(status), 1, 0)), want);
	CHECK_STR(decoded("waitid", ARGS(1, 77, 0, 4, 0)), "P_PID, 77, NULL, 0x4, NULL");
	CHECK_STR(decoded("pidfd_open", ARGS(77, 0)), "77, 0");
	CHECK_STR(decoded("pidfd_send_signal", ARGS(5, SIGHUP, 0, 0)), "5, SIGHUP, NULL, 0");
	CHECK_STR(decoded("rt_sigprocmask", ARGS(SIG_SETMASK, 0, 0, 8)), "SIG_SETMASK, NULL, NULL, 8");
	CHECK_STR(decoded("rt_sigaction", ARGS(SIGINT, 0, 0, 8)), "SIGINT, NULL, NULL, 8");
	CHECK_STR(decoded("rt_sigreturn", ARGS(1, 2, 3)), "");
#ifdef SYS_fork
	CHECK_STR(decoded("fork", ARGS(0)), "");
#endif
}

static void test_signal_names(void)
{
	char buf[32];

	CHECK_STR(decode_signal_name(SIGTERM, buf, sizeof(buf)), "SIGTERM");
	CHECK_STR(decode_signal_name(SIGCHLD, buf, sizeof(buf)), "SIGCHLD");
	CHECK_STR(decode_signal_name(SIGSYS, buf, sizeof(buf)), "SIGSYS");
	CHECK_STR(decode_signal_name(0, buf, sizeof(buf)), "0");
	CHECK_STR(decode_signal_name(SIGRTMIN, buf, sizeof(buf)), "SIGRTMIN");
	CHECK_STR(decode_signal_name(SIGRTMIN + 3, buf, sizeof(buf)), "SIGRTMIN+3");
	CHECK_STR(decode_signal_name(SIGRTMAX, buf, sizeof(buf)), "SIGRTMAX");
	CHECK_CONTAINS(decode_signal_name(SIGRTMAX - 1, buf, sizeof(buf)), "SIGRTMIN+");
	if (SIGRTMIN > 33)
		CHECK_STR(decode_signal_name(33, buf, sizeof(buf)), "SIGRT_1");
	CHECK_STR(decode_signal_name(99, buf, sizeof(buf)), "signal 99");
	CHECK_STR(decode_signal_name(65, buf, sizeof(buf)), "signal 65");
	CHECK_STR(decode_signal_name(-4, buf, sizeof(buf)), "signal -4");

	char tiny[4] = "xyz";
	CHECK_STR(decode_signal_name(SIGTERM, tiny, sizeof(tiny)), "SIG");
	CHECK_STR(decode_signal_name(SIGTERM, tiny, 0), "");
	CHECK_STR(tiny, "SIG");
}

static void test_sockets(void)
{
	CHECK_STR(decoded("socket", ARGS(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)),
	          "AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0");
	CHECK_STR(decoded("socket", ARGS(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)),
	          "AF_NETLINK, SOCK_RAW|SOCK_NONBLOCK|SOCK_CLOEXEC, 0");
	CHECK_STR(decoded("socket", ARGS(AF_UNIX, SOCK_DGRAM, 0)), "AF_UNIX, SOCK_DGRAM, 0");
	CHECK_STR(decoded("socket", ARGS(AF_INET6, SOCK_SEQPACKET, 132)), "AF_INET6, SOCK_SEQPACKET, 132");
	CHECK_STR(decoded("socket", ARGS(12345, 9, 0)), "12345, 9, 0");
	CHECK_STR(decoded("listen", ARGS(3, 128)), "3, 128");
}

/* ---- unknown calls, bounds, no reader ---- */

static void test_raw_and_bounds(void)
{
	const unsigned long long raw[6] = {1, 0x20, 0, 0xdeadbeef, ~0ULL, 6};
	const char *want = "0x1, 0x20, 0, 0xdeadbeef, 0xffffffffffffffff, 0x6";

	stage_reset();
	decode_args(100000, raw, self_read, NULL, out, sizeof(out));
	CHECK_STR(out, want);
	decode_args(-1, raw, self_read, NULL, out, sizeof(out));
	CHECK_STR(out, want);
	CHECK_STR(decoded("getpid", raw), want); /* known, but no decoder */

	/* The output never overflows, whatever is cut. */
	struct {
		char buf[16];
		char canary[16];
	} b;
	memset(&b, 'C', sizeof(b));
	decode_args(syscall_by_name("mount"),
	            ARGS(P(S("tmpfs")), P(S("/mnt")), P(S("tmpfs")), MS_NOSUID | MS_NODEV, P(S("size=1m"))), self_read,
	            NULL, b.buf, sizeof(b.buf));
	CHECK_STR(b.buf, "\"tmpfs\", \"/mnt\"");
	for (size_t i = 0; i < sizeof(b.canary); i++)
		CHECK(b.canary[i] == 'C');
	memset(&b, 'C', sizeof(b));
	decode_args(100000, raw, self_read, NULL, b.buf, sizeof(b.buf));
	CHECK(strlen(b.buf) == sizeof(b.buf) - 1);
	CHECK(b.canary[0] == 'C');
	decode_ret(SYS_mount, -EPERM, b.buf, sizeof(b.buf));
	CHECK_STR(b.buf, "-1 EPERM (Opera");
	CHECK(b.canary[0] == 'C');
	decode_args(100000, raw, self_read, NULL, b.buf, 1);
	CHECK_STR(b.buf, "");
	b.buf[0] = 'Z';
	decode_args(100000, raw, self_read, NULL, b.buf, 0);
	decode_ret(0, 0, b.buf, 0);
	decode_clone_flags(SIGCHLD, b.buf, 0);
	CHECK(b.buf[0] == 'Z');

	/* Without a reader every pointer prints as an address. */
	char want_nr[160];
	const char *a = S("a"), *bb = S("b");
	snprintf(want_nr, sizeof(want_nr), "%s, %s, NULL, MS_BIND, NULL", hex(a), hex(bb));
	decode_args(syscall_by_name("mount"), ARGS(P(a), P(bb), 0, MS_BIND, 0), NULL, NULL, out, sizeof(out));
	CHECK_STR(out, want_nr);
}

static void test_ret(void)
{
	CHECK_STR(ret_of(SYS_mount, 0), "0");
	CHECK_STR(ret_of(SYS_clone, 4321), "4321");
	CHECK_STR(ret_of(SYS_openat, 3), "3");
	CHECK_STR(ret_of(SYS_mount, -EPERM), "-1 EPERM (Operation not permitted)");
	CHECK_STR(ret_of(SYS_openat, -ENOENT), "-1 ENOENT (No such file or directory)");
	CHECK_STR(ret_of(SYS_unshare, -EINVAL), "-1 EINVAL (Invalid argument)");
	CHECK_STR(ret_of(SYS_setns, -EBUSY), "-1 EBUSY (Device or resource busy)");
	CHECK_STR(ret_of(SYS_wait4, -512), "? ERESTARTSYS (To be restarted if SA_RESTART is set)");
	CHECK_STR(ret_of(SYS_rt_sigsuspend, -514), "? ERESTARTNOHAND (To be restarted if no handler)");
	CHECK_STR(ret_of(SYS_mount, -4000), "-1 errno 4000");
	CHECK_STR(ret_of(SYS_mount, -4096), "-4096"); /* outside the errno range */
	CHECK_STR(ret_of(SYS_mmap, 0x7f0000001000LL), "0x7f0000001000");
	CHECK_STR(ret_of(SYS_brk, 0x560000000000LL), "0x560000000000");
	CHECK_STR(ret_of(SYS_mmap, -ENOMEM), "-1 ENOMEM (Cannot allocate memory)");
	CHECK_STR(ret_of(100000, 7), "7");
	CHECK_STR(ret_of(-1, -EPERM), "-1 EPERM (Operation not permitted)");
}

int main(void)
{
	RUN(test_table);
	RUN(test_classes);
	RUN(test_class_words);
	RUN(test_mount_strings);
	RUN(test_escapes);
	RUN(test_long_strings);
	RUN(test_bad_strings);
	RUN(test_execve);
	RUN(test_execve_cut);
	RUN(test_clone_flags);
	RUN(test_clone_calls);
	RUN(test_clone3);
	RUN(test_identity);
	RUN(test_hostname);
	RUN(test_files);
	RUN(test_processes);
	RUN(test_signal_names);
	RUN(test_sockets);
	RUN(test_raw_and_bounds);
	RUN(test_ret);
	return CHECK_DONE();
}
