/* Unit tests for cgroups: the parsers on fixtures, and both backends against fake cgroupfs trees. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "nslab/cgroup.h"
#include "nslab/util.h"

/* ---- fixtures ------------------------------------------------------------ */

static const char memory_events[] = "low 0\nhigh 0\nmax 12\noom 2\noom_kill 1\noom_group_kill 0\n";
static const char cpu_stat_v2[] = "usage_usec 1500000\nuser_usec 1000000\nsystem_usec 500000\n"
                                  "nr_periods 40\nnr_throttled 7\nthrottled_usec 250000\nnr_bursts 0\n"
                                  "burst_usec 0\n";
static const char oom_control_v1[] = "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n";
static const char cpu_stat_v1[] = "nr_periods 10\nnr_throttled 4\nthrottled_time 123456789\n";

static void test_parse_value(void)
{
	long long v = 0;
	CHECK(cgroup_parse_value("max\n", &v) == 0 && v == -1);
	CHECK(cgroup_parse_value("67108864\n", &v) == 0 && v == 67108864);
	CHECK(cgroup_parse_value("  7 \n", &v) == 0 && v == 7);
	CHECK(cgroup_parse_value("-1\n", &v) == 0 && v == -1);
	CHECK(cgroup_parse_value("9223372036854771712\n", &v) == 0 && v == 9223372036854771712LL);
	CHECK(cgroup_parse_value("", &v) == -EINVAL);
	CHECK(cgroup_parse_value("\n", &v) == -EINVAL);
	CHECK(cgroup_parse_value("abc", &v) == -EINVAL);
	CHECK(cgroup_parse_value("maximum", &v) == -EINVAL);
	CHECK(cgroup_parse_value("50000 100000\n", &v) == -EINVAL);
	CHECK(cgroup_parse_value("99999999999999999999", &v) == -EINVAL);
	CHECK(cgroup_parse_value(NULL, &v) == -EINVAL);
}

static void test_parse_keyed(void)
{
	long long v = 0;
	CHECK(cgroup_parse_keyed(memory_events, "max", &v) == 0 && v == 12);
	CHECK(cgroup_parse_keyed(memory_events, "oom", &v) == 0 && v == 2);
	CHECK(cgroup_parse_keyed(memory_events, "oom_kill", &v) == 0 && v == 1);
	CHECK(cgroup_parse_keyed(memory_events, "low", &v) == 0 && v == 0);
	CHECK(cgroup_parse_keyed(memory_events, "oom_group", &v) == -ENOENT);
	CHECK(cgroup_parse_keyed(cpu_stat_v2, "usage_usec", &v) == 0 && v == 1500000);
	CHECK(cgroup_parse_keyed(cpu_stat_v2, "throttled_usec", &v) == 0 && v == 250000);
	CHECK(cgroup_parse_keyed(oom_control_v1, "oom_kill", &v) == 0 && v == 3);
	CHECK(cgroup_parse_keyed(oom_control_v1, "under_oom", &v) == 0 && v == 0);
	CHECK(cgroup_parse_keyed(cpu_stat_v1, "throttled_time", &v) == 0 && v == 123456789);
	CHECK(cgroup_parse_keyed("max\n", "max", &v) == -ENOENT);
	CHECK(cgroup_parse_keyed("max x\n", "max", &v) == -EINVAL);
	CHECK(cgroup_parse_keyed("a 1", "a", &v) == 0 && v == 1);
	CHECK(cgroup_parse_keyed("", "a", &v) == -ENOENT);
	CHECK(cgroup_parse_keyed(NULL, "a", &v) == -ENOENT);
}

static void test_limits_any(void)
{
	struct cgroup_limits l = {0};
	CHECK(!cgroup_limits_any(&l));
	CHECK(!cgroup_limits_any(NULL));
	l.pids = 3;
	CHECK(cgroup_limits_any(&l));
}

/* ---- a fake tree --------------------------------------------------------- */

static char tree[64];

static int write_at(const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static const char *read_at(const char *rel)
{
	static char buf[4096];
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	if (read_file_at(AT_FDCWD, path, buf, sizeof(buf)) < 0)
		return "(missing)";
	return buf;
}

static bool exists_at(const char *rel)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	return access(path, F_OK) == 0;
}

static int mkdir_at(const char *rel)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	return mkdir(path, 0755);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void tree_begin(const char *version)
{
	snprintf(tree, sizeof(tree), "/tmp/nslab-test-cgroup-XXXXXX");
	CHECK(mkdtemp(tree) != NULL);
	setenv("NSLAB_CGROUP_ROOT", tree, 1);
	setenv("NSLAB_CGROUP_VERSION", version, 1);
}

static void tree_end(void)
{
	unsetenv("NSLAB_CGROUP_ROOT");
	unsetenv("NSLAB_CGROUP_VERSION");
	CHECK(nftw(tree, remove_one, 16, FTW_DEPTH | FTW_PHYS) == 0);
	CHECK(access(tree, F_OK) < 0);
}

/* The index of the first event whose call is name, or -1. A call name is cut
 * at 31 characters ("write memory.memsw.limit_in_byt"), so compare that much. */
static long event_index(const struct trace *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++) {
		if (strncmp(t->ev[i].call, name, sizeof(t->ev[i].call) - 1) == 0)
			return (long)i;
	}
	return -1;
}

static char *capture_info(const struct cgroup_system *cs)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	cgroup_info_print(cs, f);
	fclose(f);
	return buf;
}

static char *capture_stats(const struct cgroup_stats *st)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	cgroup_stats_print(st, f);
	fclose(f);
	return buf;
}

/* ---- v2 ------------------------------------------------------------------ */

static void v2_tree(void)
{
	tree_begin("2");
	CHECK(write_at("cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n") == 0);
	CHECK(write_at("cgroup.subtree_control", "") == 0);
	/* memory.swap.max shows up only below the root: systemd's init.scope has it. */
	CHECK(mkdir_at("init.scope") == 0);
	CHECK(write_at("init.scope/memory.swap.max", "max\n") == 0);
}

static void test_v2_detect(void)
{
	static struct cgroup_system cs;
	struct nslab_error e = {0};

	v2_tree();
	CHECK(cgroup_detect(&cs, &e) == 0);
	CHECK(cs.version == CGROUP_V2);
	CHECK(cs.fake);
	CHECK_STR(cs.root, tree);
	CHECK(cs.available[CG_MEMORY] && cs.available[CG_PIDS] && cs.available[CG_CPU]);
	CHECK(!cs.available[CG_CPUACCT]);
	CHECK(cs.memsw);
	char *info = capture_info(&cs);
	CHECK_CONTAINS(info, "cgroup version: 2");
	CHECK_CONTAINS(info, "memory.limit_in_bytes");
	CHECK_CONTAINS(info, "memory.max");
	CHECK_CONTAINS(info, "cpu.cfs_quota_us + cpu.cfs_period_us");
	CHECK_CONTAINS(info, "cpu.max");
	CHECK_CONTAINS(info, "v2 *");
	CHECK(!strstr(info, "v1 *"));
	free(info);
	tree_end();
}

static void check_v2_files(const char *leaf)
{
	char rel[128];
	CHECK_CONTAINS(read_at("cgroup.subtree_control"), "+memory");
	CHECK_STR(read_at("nslab/cgroup.subtree_control"), "+memory +pids +cpu");
	snprintf(rel, sizeof(rel), "%s/memory.max", leaf);
	CHECK_STR(read_at(rel), "67108864");
	snprintf(rel, sizeof(rel), "%s/memory.swap.max", leaf);
	CHECK_STR(read_at(rel), "0");
	snprintf(rel, sizeof(rel), "%s/pids.max", leaf);
	CHECK_STR(read_at(rel), "20");
	snprintf(rel, sizeof(rel), "%s/cpu.max", leaf);
	CHECK_STR(read_at(rel), "50000 100000");
}

static void check_v2_trace(const struct trace *t)
{
	long mkdir_at_i = event_index(t, "mkdir"), max = event_index(t, "write memory.max");
	CHECK(event_index(t, "write cgroup.subtree_control") >= 0);
	CHECK(mkdir_at_i >= 0 && max > mkdir_at_i);
	CHECK(event_index(t, "write memory.swap.max") > max);
	CHECK(event_index(t, "write pids.max") >= 0);
	CHECK(event_index(t, "write cpu.max") >= 0);
	for (size_t i = 0; i < t->n; i++) {
		CHECK(t->ev[i].note[0] != '\0');
		CHECK(t->ev[i].ret == 0);
	}
	if (max >= 0) {
		CHECK_CONTAINS(t->ev[max].note, "OOM killer");
		CHECK_CONTAINS(t->ev[max].args, "\"67108864\"");
	}
}

static void v2_write_stats(void)
{
	CHECK(write_at("nslab/box1/memory.current", "1048576\n") == 0);
	CHECK(write_at("nslab/box1/memory.peak", "2097152\n") == 0);
	CHECK(write_at("nslab/box1/memory.events", memory_events) == 0);
	CHECK(write_at("nslab/box1/pids.current", "3\n") == 0);
	CHECK(write_at("nslab/box1/cpu.stat", cpu_stat_v2) == 0);
}

static void check_v2_stats(const struct cgroup *cg)
{
	struct cgroup_stats st;
	CHECK(cgroup_read_stats(cg, &st) == 0);
	CHECK(st.mem_current == 1048576);
	CHECK(st.mem_peak == 2097152);
	CHECK(st.mem_limit == 67108864);
	CHECK(st.mem_failcnt == 12);
	CHECK(st.oom == 2 && st.oom_kill == 1);
	CHECK(st.pids_current == 3 && st.pids_max == 20);
	CHECK(st.cpu_usage_ns == 1500000000LL);
	CHECK(st.cpu_periods == 40 && st.cpu_throttled == 7);
	CHECK(st.cpu_throttled_ns == 250000000LL);
	CHECK(st.cpu_quota_us == 50000 && st.cpu_period_us == 100000);
	char *text = capture_stats(&st);
	CHECK_CONTAINS(text, "1 MiB in use");
	CHECK_CONTAINS(text, "peak 2 MiB");
	CHECK_CONTAINS(text, "limit 64 MiB");
	CHECK_CONTAINS(text, "limit hits:  12");
	CHECK_CONTAINS(text, "1 kill (2 times out of memory)");
	CHECK_CONTAINS(text, "3 of at most 20");
	CHECK_CONTAINS(text, "1.500 s");
	CHECK_CONTAINS(text, "50% of one CPU");
	CHECK_CONTAINS(text, "7 of 40 periods");
	free(text);
}

static void test_v2_lifecycle(void)
{
	static struct cgroup_system cs;
	static struct cgroup cg, again;
	struct nslab_error e = {0};
	struct cgroup_limits l = {.memory = 64LL << 20, .pids = 20, .cpu_percent = 50};
	struct trace t;
	char pid[32];

	v2_tree();
	trace_init(&t);
	CHECK(cgroup_detect(&cs, &e) == 0);
	CHECK(cgroup_create(&cs, "box1", &l, &t, &cg, &e) == 0);
	CHECK(cg.dir_fd >= 0);
	for (int c = 0; c < CG_COUNT; c++)
		CHECK_CONTAINS(cg.dir[c], "/nslab/box1");
	check_v2_files("nslab/box1");
	check_v2_trace(&t);

	/* The same id twice: the second one must not take over the first. */
	CHECK(cgroup_create(&cs, "box1", &l, &t, &again, &e) < 0);
	CHECK(e.err == EEXIST);
	CHECK_CONTAINS(e.msg, "already exists");
	CHECK(exists_at("nslab/box1/memory.max"));

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	CHECK(cgroup_add_pid(&cg, getpid(), &t, &e) == 0);
	CHECK_STR(read_at("nslab/box1/cgroup.procs"), pid);
	v2_write_stats();
	check_v2_stats(&cg);

	/* A cgroup the container made inside its own goes too. */
	CHECK(mkdir_at("nslab/box1/inner") == 0 && mkdir_at("nslab/box1/inner/deeper") == 0);
	CHECK(write_at("nslab/box1/inner/deeper/cgroup.procs", "") == 0);
	size_t before = t.n;
	CHECK(cgroup_destroy(&cg, true, &t, &e) == 0);
	CHECK(cg.dir_fd == -1);
	CHECK(!exists_at("nslab/box1"));
	CHECK(!exists_at("nslab"));
	CHECK(exists_at("cgroup.controllers"));
	CHECK(t.n > before && strcmp(t.ev[t.n - 1].call, "rmdir") == 0);
	trace_free(&t);
	tree_end();
}

/* Only the controllers a limit needs are enabled; a second cgroup keeps the parent. */
static void test_v2_partial_and_shared_parent(void)
{
	static struct cgroup_system cs;
	static struct cgroup a, b;
	struct nslab_error e = {0};
	struct cgroup_limits pids_only = {.pids = 5};
	struct trace t;

	v2_tree();
	trace_init(&t);
	CHECK(cgroup_detect(&cs, &e) == 0);
	CHECK(cgroup_create(&cs, "a", &pids_only, &t, &a, &e) == 0);
	CHECK(cgroup_create(&cs, "b", NULL, &t, &b, &e) == 0);
	CHECK_STR(read_at("nslab/cgroup.subtree_control"), "+pids");
	CHECK(!exists_at("nslab/a/memory.max"));
	CHECK(!exists_at("nslab/b/pids.max"));
	CHECK(cgroup_destroy(&a, false, &t, &e) == 0);
	CHECK(!exists_at("nslab/a") && exists_at("nslab/b"));
	CHECK(cgroup_destroy(&b, false, &t, &e) == 0);
	CHECK(!exists_at("nslab"));
	trace_free(&t);
	tree_end();
}

static void test_v2_missing_controller(void)
{
	static struct cgroup_system cs;
	static struct cgroup cg;
	struct nslab_error e = {0};
	struct cgroup_limits l = {.memory = 1 << 20};
	struct trace t;

	tree_begin("2");
	trace_init(&t);
	CHECK(write_at("cgroup.controllers", "cpu pids\n") == 0);
	CHECK(cgroup_detect(&cs, &e) == 0);
	CHECK(!cs.available[CG_MEMORY] && !cs.memsw);
	CHECK(cgroup_create(&cs, "x", &l, &t, &cg, &e) < 0);
	CHECK(e.err == ENODEV);
	CHECK_CONTAINS(e.msg, "cgroup.controllers does not list it");
	CHECK(t.n == 0);
	CHECK(!exists_at("nslab"));
	trace_free(&t);
	tree_end();
}

/* ---- v1 ------------------------------------------------------------------ */

static void v1_tree(bool comounted)
{
	tree_begin("1");
	CHECK(mkdir_at("memory") == 0);
	CHECK(write_at("memory/memory.memsw.limit_in_bytes", "9223372036854771712\n") == 0);
	CHECK(mkdir_at("pids") == 0);
	CHECK(mkdir_at(comounted ? "cpu,cpuacct" : "cpu") == 0);
	if (!comounted)
		CHECK(mkdir_at("cpuacct") == 0);
}

static void test_v1_detect(void)
{
	static struct cgroup_system cs;
	struct nslab_error e = {0};
	char want[128];

	v1_tree(false);
	CHECK(cgroup_detect(&cs, &e) == 0);
	CHECK(cs.version == CGROUP_V1 && cs.fake && cs.memsw);
	for (int c = 0; c < CG_COUNT; c++)
		CHECK(cs.available[c]);
	snprintf(want, sizeof(want), "%s/cpuacct", tree);
	CHECK_STR(cs.v1_mount[CG_CPUACCT], want);
	char *info = capture_info(&cs);
	CHECK_CONTAINS(info, "cgroup version: 1");
	CHECK_CONTAINS(info, want);
	CHECK_CONTAINS(info, "memory.limit_in_bytes");
	CHECK_CONTAINS(info, "memory.max");
	CHECK_CONTAINS(info, "v1 *");
	CHECK(!strstr(info, "v2 *"));
	free(info);
	tree_end();
}

static void check_v1_files(void)
{
	CHECK_STR(read_at("memory/nslab/box2/memory.limit_in_bytes"), "33554432");
	CHECK_STR(read_at("memory/nslab/box2/memory.memsw.limit_in_bytes"), "33554432");
	CHECK_STR(read_at("memory/nslab/box2/memory.swappiness"), "0");
	CHECK_STR(read_at("memory/nslab/box2/memory.oom_control"), "0");
	CHECK_STR(read_at("pids/nslab/box2/pids.max"), "5");
	CHECK_STR(read_at("cpu/nslab/box2/cpu.cfs_period_us"), "100000");
	CHECK_STR(read_at("cpu/nslab/box2/cpu.cfs_quota_us"), "20000");
	CHECK(exists_at("cpuacct/nslab/box2"));
}

static void check_v1_trace(const struct trace *t)
{
	long limit = event_index(t, "write memory.limit_in_bytes");
	long memsw = event_index(t, "write memory.memsw.limit_in_bytes");
	long period = event_index(t, "write cpu.cfs_period_us");
	long quota = event_index(t, "write cpu.cfs_quota_us");
	CHECK(limit >= 0 && memsw > limit);
	CHECK(period >= 0 && quota > period);
	CHECK(event_index(t, "write memory.swappiness") >= 0);
	CHECK(event_index(t, "write cgroup.subtree_control") < 0);
	size_t mkdirs = 0;
	for (size_t i = 0; i < t->n; i++)
		mkdirs += strcmp(t->ev[i].call, "mkdir") == 0;
	CHECK(mkdirs == 8); /* nslab and nslab/box2 in each of four hierarchies */
}

static void v1_write_stats(void)
{
	CHECK(write_at("memory/nslab/box2/memory.usage_in_bytes", "4096\n") == 0);
	CHECK(write_at("memory/nslab/box2/memory.max_usage_in_bytes", "8192\n") == 0);
	CHECK(write_at("memory/nslab/box2/memory.failcnt", "9\n") == 0);
	CHECK(write_at("memory/nslab/box2/memory.oom_control", oom_control_v1) == 0);
	CHECK(write_at("pids/nslab/box2/pids.current", "2\n") == 0);
	CHECK(write_at("cpuacct/nslab/box2/cpuacct.usage", "2500000000\n") == 0);
	CHECK(write_at("cpu/nslab/box2/cpu.stat", cpu_stat_v1) == 0);
}

static void check_v1_stats(const struct cgroup *cg)
{
	struct cgroup_stats st;
	CHECK(cgroup_read_stats(cg, &st) == 0);
	CHECK(st.mem_current == 4096 && st.mem_peak == 8192);
	CHECK(st.mem_limit == 33554432);
	CHECK(st.mem_failcnt == 9);
	CHECK(st.oom_kill == 3 && st.oom == -1);
	CHECK(st.pids_current == 2 && st.pids_max == 5);
	CHECK(st.cpu_usage_ns == 2500000000LL);
	CHECK(st.cpu_periods == 10 && st.cpu_throttled == 4 && st.cpu_throttled_ns == 123456789);
	CHECK(st.cpu_quota_us == 20000 && st.cpu_period_us == 100000);
	char *text = capture_stats(&st);
	CHECK_CONTAINS(text, "OOM:         3 kills\n");
	CHECK_CONTAINS(text, "20% of one CPU");
	free(text);

	/* v1 writes "no limit" as a huge page-aligned number. */
	CHECK(write_at("memory/nslab/box2/memory.limit_in_bytes", "9223372036854771712\n") == 0);
	CHECK(write_at("cpu/nslab/box2/cpu.cfs_quota_us", "-1\n") == 0);
	CHECK(cgroup_read_stats(cg, &st) == 0);
	CHECK(st.mem_limit == -1 && st.cpu_quota_us == -1);
	text = capture_stats(&st);
	CHECK_CONTAINS(text, "no limit");
	CHECK_CONTAINS(text, "cpu limit:   none");
	free(text);
}

static void test_v1_lifecycle(void)
{
	static struct cgroup_system cs;
	static struct cgroup cg;
	struct nslab_error e = {0};
	struct cgroup_limits l = {.memory = 32LL << 20, .pids = 5, .cpu_percent = 20};
	struct trace t;
	char pid[32];

	v1_tree(false);
	trace_init(&t);
	CHECK(cgroup_detect(&cs, &e) == 0);
	CHECK(cgroup_create(&cs, "box2", &l, &t, &cg, &e) == 0);
	CHECK(cg.dir_fd == -1);
	check_v1_files();
	check_v1_trace(&t);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	CHECK(cgroup_add_pid(&cg, getpid(), &t, &e) == 0);
	CHECK_STR(read_at("memory/nslab/box2/cgroup.procs"), pid);
	CHECK_STR(read_at("pids/nslab/box2/cgroup.procs"), pid);
	CHECK_STR(read_at("cpu/nslab/box2/cgroup.procs"), pid);
	CHECK_STR(read_at("cpuacct/nslab/box2/cgroup.procs"), pid);
	v1_write_stats();
	check_v1_stats(&cg);
	CHECK(cgroup_destroy(&cg, true, &t, &e) == 0);
	static const char *const gone[] = {"memory/nslab", "pids/nslab", "cpu/nslab", "cpuacct/nslab"};
	for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
		CHECK(!exists_at(gone[i]));
	CHECK(exists_at("memory/memory.memsw.limit_in_bytes"));
	trace_free(&t);
	tree_end();
}

/* cpu and cpuacct mounted together: one dir serves both. */
static void test_v1_comounted(void)
{
	static struct cgroup_system cs;
	static struct cgroup cg;
	struct nslab_error e = {0};
	struct cgroup_limits l = {.cpu_percent = 150};
	struct trace t;

	v1_tree(true);
	trace_init(&t);
	CHECK(cgroup_detect(&cs, &e) == 0);
	CHECK_STR(cs.v1_mount[CG_CPU], cs.v1_mount[CG_CPUACCT]);
	CHECK(cgroup_create(&cs, "box3", &l, &t, &cg, &e) == 0);
	CHECK_STR(cg.dir[CG_CPU], cg.dir[CG_CPUACCT]);
	CHECK(!cg.dir[CG_MEMORY][0] && !cg.dir[CG_PIDS][0]);
	CHECK_STR(read_at("cpu,cpuacct/nslab/box3/cpu.cfs_quota_us"), "150000");
	CHECK(!exists_at("memory/nslab"));
	CHECK(cgroup_add_pid(&cg, 1, &t, &e) == 0);
	CHECK(event_index(&t, "write cgroup.procs") == (long)t.n - 1); /* written once */
	CHECK(cgroup_destroy(&cg, false, &t, &e) == 0);
	CHECK(!exists_at("cpu,cpuacct/nslab"));
	trace_free(&t);
	tree_end();
}

/* A failure half way (pids/nslab is a file here): what was made is removed again. */
static void test_v1_undo(void)
{
	static struct cgroup_system cs;
	static struct cgroup cg;
	struct nslab_error e = {0};
	struct cgroup_limits l = {.memory = 1 << 20, .pids = 4};
	struct trace t;

	v1_tree(false);
	trace_init(&t);
	CHECK(write_at("pids/nslab", "not a dir") == 0);
	CHECK(cgroup_detect(&cs, &e) == 0);
	CHECK(cgroup_create(&cs, "y", &l, &t, &cg, &e) < 0);
	CHECK(e.err == ENOTDIR);
	CHECK_CONTAINS(e.msg, "cgroup y: mkdir ");
	CHECK(!exists_at("memory/nslab"));
	CHECK(exists_at("pids/nslab"));
	CHECK(event_index(&t, "rmdir") >= 0);
	for (int c = 0; c < CG_COUNT; c++)
		CHECK(!cg.dir[c][0]);
	trace_free(&t);
	tree_end();
}

/* ---- refusals ------------------------------------------------------------ */

static void test_refusals(void)
{
	static struct cgroup_system cs;
	static struct cgroup cg;
	struct nslab_error e = {0};
	struct cgroup_limits bad_cpu = {.cpu_percent = 100000}, neg = {.memory = -1};
	struct trace t;

	v1_tree(false);
	trace_init(&t);
	CHECK(cgroup_detect(&cs, &e) == 0);
	CHECK(cgroup_create(&cs, "a/b", NULL, &t, &cg, &e) < 0);
	CHECK_CONTAINS(e.msg, "plain name");
	CHECK(cgroup_create(&cs, "..", NULL, &t, &cg, &e) < 0);
	CHECK(cgroup_create(&cs, "", NULL, &t, &cg, &e) < 0);
	CHECK(cgroup_create(&cs, "0123456789012345678901234567890123", NULL, &t, &cg, &e) < 0);
	CHECK(cgroup_create(&cs, "ok", &bad_cpu, &t, &cg, &e) < 0);
	CHECK_CONTAINS(e.msg, "100 per CPU");
	CHECK(cgroup_create(&cs, "ok", &neg, &t, &cg, &e) < 0);
	CHECK_CONTAINS(e.msg, "negative");
	CHECK(t.n == 0);
	CHECK(!exists_at("memory/nslab"));
	memset(&cg, 0, sizeof(cg)); /* never created: destroy has nothing to do */
	CHECK(cgroup_destroy(&cg, true, &t, &e) == 0);
	CHECK(fcntl(0, F_GETFD) >= 0 || errno != EBADF);

	CHECK(cgroup_remove_path("/tmp", &t, &e) < 0);
	CHECK_CONTAINS(e.msg, "not an nslab cgroup");
	CHECK(cgroup_remove_path(tree, &t, &e) < 0);
	CHECK(mkdir_at("pids/nslab") == 0 && mkdir_at("pids/nslab/left") == 0);
	CHECK(write_at("pids/nslab/left/pids.max", "5") == 0);
	char left[128];
	snprintf(left, sizeof(left), "%s/pids/nslab/left", tree);
	CHECK(cgroup_remove_path(left, &t, &e) == 0);
	CHECK(!exists_at("pids/nslab"));
	CHECK(cgroup_remove_path(left, &t, &e) == 0); /* already gone is fine */

	setenv("NSLAB_CGROUP_VERSION", "3", 1);
	CHECK(cgroup_detect(&cs, &e) < 0);
	CHECK_CONTAINS(e.msg, "use 1, 2 or hybrid");
	trace_free(&t);
	tree_end();
}

/* This machine's real layout decides; on a v1 or hybrid host forcing v2 onto
 * the tmpfs of v1 hierarchies must be refused, not turned into a fake tree. */
static void test_forced_v2_on_v1_host(void)
{
	static struct cgroup_system cs;
	struct nslab_error e = {0};
	struct stat st;

	if (stat("/sys/fs/cgroup/memory/memory.limit_in_bytes", &st) < 0)
		return;
	setenv("NSLAB_CGROUP_ROOT", "/sys/fs/cgroup", 1);
	setenv("NSLAB_CGROUP_VERSION", "2", 1);
	CHECK(cgroup_detect(&cs, &e) < 0);
	CHECK_CONTAINS(e.msg, "holds cgroup v1 hierarchies");
	unsetenv("NSLAB_CGROUP_ROOT");
	unsetenv("NSLAB_CGROUP_VERSION");
	CHECK(cgroup_detect(&cs, &e) == 0);
	CHECK(cs.version == CGROUP_V1 && !cs.fake);
}

int main(void)
{
	RUN(test_parse_value);
	RUN(test_parse_keyed);
	RUN(test_limits_any);
	RUN(test_v2_detect);
	RUN(test_v2_lifecycle);
	RUN(test_v2_partial_and_shared_parent);
	RUN(test_v2_missing_controller);
	RUN(test_v1_detect);
	RUN(test_v1_lifecycle);
	RUN(test_v1_comounted);
	RUN(test_v1_undo);
	RUN(test_refusals);
	RUN(test_forced_v2_on_v1_host);
	return CHECK_DONE();
}
