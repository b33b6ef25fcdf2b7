/* Unit tests for doctor: mountinfo and cgroup parsers on fixtures, a smoke run, the printer. */
#include "check.h"
#include "nslab/doctor.h"

#include <stdlib.h>
#include <unistd.h>

#define ROOT_SHARED "27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
#define ROOT_PRIVATE "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
#define PROC_LINE "22 27 0:21 / /proc rw,relatime shared:12 - proc proc rw\n"

static void test_root_shared(void)
{
	CHECK(doctor_root_is_shared(PROC_LINE ROOT_SHARED PROC_LINE) == 1);
	/* Several optional fields, shared not first. */
	CHECK(doctor_root_is_shared("1 0 8:1 / / rw master:3 shared:7 - ext4 /dev/sda1 rw\n") ==
	      1);
}

static void test_root_private(void)
{
	CHECK(doctor_root_is_shared(ROOT_PRIVATE PROC_LINE) == 0);
	CHECK(doctor_root_is_shared("1 0 8:1 / / rw master:3 - ext4 /dev/sda1 rw\n") == 0);
}

static void test_root_overmounted(void)
{
	/* The last mount on / is the one a process sees. */
	CHECK(doctor_root_is_shared(ROOT_SHARED PROC_LINE
				    "90 27 0:50 / / rw - overlay overlay rw,lowerdir=/a\n") == 0);
	CHECK(doctor_root_is_shared(ROOT_PRIVATE
				    "90 27 0:50 / / rw shared:40 - tmpfs tmpfs rw\n") == 1);
}

static void test_root_escaped(void)
{
	/* "/mnt/my disk" and "/ " are not "/", whatever their propagation. */
	CHECK(doctor_root_is_shared(ROOT_PRIVATE
				    "40 27 0:30 / /mnt/my\\040disk rw shared:2 - tmpfs t rw\n"
				    "41 27 0:31 / /\\040 rw shared:3 - tmpfs t rw\n") == 0);
	/* Escapes are decoded before comparing: \057 is '/'. */
	CHECK(doctor_root_is_shared("41 1 0:31 / \\057 rw shared:3 - tmpfs t rw\n") == 1);
}

static void test_root_missing(void)
{
	CHECK(doctor_root_is_shared(PROC_LINE) == -1);
	CHECK(doctor_root_is_shared("") == -1);
	CHECK(doctor_root_is_shared(NULL) == -1);
	CHECK(doctor_root_is_shared("garbage\n\n  \n") == -1);
}

static void test_root_truncated(void)
{
	/* A line cut short (no " - " separator, or fields missing after it)
	 * is ignored; a complete last line without '\n' counts. */
	CHECK(doctor_root_is_shared(ROOT_SHARED "90 27 0:50 / / rw,relat") == 1);
	CHECK(doctor_root_is_shared(ROOT_SHARED "90 27 0:50 / / rw - tmpfs") == 1);
	CHECK(doctor_root_is_shared(ROOT_SHARED "90 27 0:50 / / rw - tmpfs t rw") == 0);
	CHECK(doctor_root_is_shared("27 1 254:0 / / rw,relatime shared:1") == -1);
}

static void test_controllers_list(void)
{
	char out[64];
	doctor_controllers_list("cpuset cpu io memory pids\n", out, sizeof(out));
	CHECK_STR(out, "cpuset,cpu,io,memory,pids");
	doctor_controllers_list("", out, sizeof(out));
	CHECK_STR(out, "");
	doctor_controllers_list("\n", out, sizeof(out));
	CHECK_STR(out, "");
	doctor_controllers_list("  memory\tpids  \n", out, sizeof(out));
	CHECK_STR(out, "memory,pids");
	/* A word that does not fit whole is left out. */
	doctor_controllers_list("cpuset cpu io\n", out, 11);
	CHECK_STR(out, "cpuset,cpu");
	doctor_controllers_list("cpuset cpu io\n", out, 10);
	CHECK_STR(out, "cpuset");
}

static const char v1_mountinfo[] =
	"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
	"34 31 0:31 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset,clone_children\n"
	"35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
	"36 31 0:32 / /sys/fs/cgroup/memory2 rw - cgroup cgroup rw,memory\n"
	"40 31 0:37 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd\n"
	"41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw,nsdelegate\n"
	"42 1 0:39 / /other/pids rw - cgroup cgroup rw,pids\n"
	"43 1 0:40 / /sys/fs/cgroupx/pids rw - cgroup cgroup rw,pids\n"
	"44 1 0:41 / /srv/my\\040cg/blkio rw - cgroup cgroup rw,blkio\n";

static void test_v1_controllers(void)
{
	char out[128];
	CHECK(doctor_cgroup_v1_controllers(v1_mountinfo, "/sys/fs/cgroup", out, sizeof(out)) == 4);
	CHECK_STR(out, "cpu,cpuacct,cpuset,memory");
	CHECK(doctor_cgroup_v1_controllers(v1_mountinfo, "/sys/fs/cgroup/", out, sizeof(out)) == 4);
	CHECK(doctor_cgroup_v1_controllers(v1_mountinfo, "/srv/my cg", out, sizeof(out)) == 1);
	CHECK_STR(out, "blkio");
	CHECK(doctor_cgroup_v1_controllers(v1_mountinfo, "/nowhere", out, sizeof(out)) == 0);
	CHECK_STR(out, "");
	CHECK(doctor_cgroup_v1_controllers(NULL, "/sys/fs/cgroup", out, sizeof(out)) == 0);
}

static void test_proc_cgroup_path(void)
{
	const char *text = "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/eb72\n"
			   "2:cpu,cpuacct:/a b\n0::/user.slice/u.scope\n";
	char out[64] = "";
	CHECK(doctor_proc_cgroup_path(text, "memory", out, sizeof(out)) == 0);
	CHECK_STR(out, "/process_api/eb72");
	CHECK(doctor_proc_cgroup_path(text, "cpuacct", out, sizeof(out)) == 0);
	CHECK_STR(out, "/a b");
	CHECK(doctor_proc_cgroup_path(text, "", out, sizeof(out)) == 0);
	CHECK_STR(out, "/user.slice/u.scope");
	CHECK(doctor_proc_cgroup_path(text, NULL, out, sizeof(out)) == 0);
	CHECK(doctor_proc_cgroup_path(text, "rdma", out, sizeof(out)) == -1);
	CHECK(doctor_proc_cgroup_path("1:memory:/x\n", "", out, sizeof(out)) == -1);
}

static const struct doctor_check *find_check(const struct doctor_report *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->checks[i].name, name) == 0)
			return &r->checks[i];
	}
	return NULL;
}

/* Lines stay within 80 columns unless one word alone is longer. */
static int lines_fit(const char *text)
{
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		size_t lead = strspn(p, " ");
		const char *space = memchr(p + lead, ' ', len - lead);
		if (len > 80 && space)
			return 0;
		p += len + (p[len] == '\n');
	}
	return 1;
}

static char *print_to_string(const struct doctor_report *r)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	if (!f)
		return NULL;
	doctor_print(r, f);
	fclose(f);
	return buf;
}

static void test_run_smoke(void)
{
	static const char *const kinds[] = { "pid", "user", "uts", "mnt",
					     "net", "ipc", "cgroup", "time" };
	static struct doctor_report r;
	doctor_run(&r);
	CHECK(r.n >= 10);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char name[64];
		snprintf(name, sizeof(name), "%s namespace", kinds[i]);
		const struct doctor_check *c = find_check(&r, name);
		CHECK(c != NULL);
		CHECK(c && c->detail[0] != '\0');
	}
	CHECK(find_check(&r, "kernel") != NULL);
	char *out = print_to_string(&r);
	CHECK_CONTAINS(out, "pid");
	CHECK_CONTAINS(out, "\nsummary: ");
	CHECK_CONTAINS(out, " unavailable\n");
	CHECK(out && lines_fit(out));
	free(out);
}

static void test_print_format(void)
{
	static struct doctor_report r = {
		.n = 4,
		.checks = {
			{ "alpha", DOCTOR_OK, "short" },
			{ "beta", DOCTOR_WARN,
			  "a long detail that goes on and on well past the eighty column limit so "
			  "that it has to wrap onto a second line and maybe even onto a third one" },
			{ "gamma", DOCTOR_NO, "unavailable here" },
			{ "delta", DOCTOR_INFO, "/a/very/long/path/that/cannot/be/broken/anywhere/"
						"because/it/has/no/spaces/in/it/at/all/x" },
		},
	};
	char *out = print_to_string(&r);
	CHECK_CONTAINS(out, "ok    alpha: short\n");
	CHECK_CONTAINS(out, "warn  beta: a long detail");
	CHECK_CONTAINS(out, "\n      ");
	CHECK_CONTAINS(out, "no    gamma: unavailable here\n");
	CHECK_CONTAINS(out, "info  delta:\n      /a/very/long/path");
	CHECK_CONTAINS(out, "summary: 1 ok, 1 warning, 1 unavailable\n");
	CHECK(out && lines_fit(out));
	free(out);
}

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static void remove_file(const char *dir, const char *name)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

static void test_cgroup_override_v2(void)
{
	char dir[] = "/tmp/nslab-test-doctor-XXXXXX";
	static struct doctor_report r;
	CHECK(mkdtemp(dir) != NULL);
	CHECK(write_file(dir, "cgroup.controllers", "cpu memory pids\n") == 0);
	CHECK(write_file(dir, "cgroup.subtree_control", "memory\n") == 0);
	setenv("NSLAB_CGROUP_ROOT", dir, 1);
	setenv("NSLAB_CGROUP_VERSION", "2", 1);
	doctor_run(&r);
	unsetenv("NSLAB_CGROUP_ROOT");
	unsetenv("NSLAB_CGROUP_VERSION");
	remove_file(dir, "cgroup.controllers");
	remove_file(dir, "cgroup.subtree_control");
	CHECK(rmdir(dir) == 0);

	const struct doctor_check *c = find_check(&r, "cgroup version");
	CHECK(c && c->status == DOCTOR_OK);
	CHECK_CONTAINS(c ? c->detail : NULL, "v2");
	CHECK_CONTAINS(c ? c->detail : NULL, dir);
	c = find_check(&r, "cgroup v2 controllers");
	CHECK(c && c->status == DOCTOR_OK);
	CHECK_CONTAINS(c ? c->detail : NULL, "cpu,memory,pids");
	c = find_check(&r, "cgroup v2 subtree_control");
	CHECK(c && (c->status == DOCTOR_INFO || c->status == DOCTOR_WARN));
	CHECK_CONTAINS(c ? c->detail : NULL, "has memory;");
	CHECK_CONTAINS(c ? c->detail : NULL, "pids, cpu");
	CHECK(find_check(&r, "cgroup v1 controllers") == NULL);
}

int main(void)
{
	RUN(test_root_shared);
	RUN(test_root_private);
	RUN(test_root_overmounted);
	RUN(test_root_escaped);
	RUN(test_root_missing);
	RUN(test_root_truncated);
	RUN(test_controllers_list);
	RUN(test_v1_controllers);
	RUN(test_proc_cgroup_path);
	RUN(test_print_format);
	RUN(test_run_smoke);
	RUN(test_cgroup_override_v2);
	return CHECK_DONE();
}
