/* Unit tests for OCI bundles: spec -> config.json -> spec, unsupported and invalid configs, the rootfs copy. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "check.h"
#include "nslab/idmap.h"
#include "nslab/oci.h"
#include "nslab/tree.h"
#include "nslab/util.h"

static struct nslab_error e;
static char tmp[64];	/* a scratch dir for the whole run */
static char rootfs[128];
static char layer[128];

static char *describe(const struct spec *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	spec_describe(s, f);
	fclose(f);
	return buf;
}

static void write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		CHECK(write_all(fd, text, strlen(text)) == 0);
		close(fd);
	}
}

static void setup(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/test_oci.XXXXXX");
	if (!mkdtemp(tmp))
		abort();
	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", tmp);
	snprintf(layer, sizeof(layer), "%s/layer", tmp);
	mkdir(rootfs, 0755);
	mkdir(layer, 0755);
	char p[256];
	snprintf(p, sizeof(p), "%s/bin", rootfs);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/bin/sh", rootfs);
	write_text(p, "#!fake\n");
}

/* A spec with nearly every setting the bundle can carry. */
static void full_spec(struct spec *s)
{
	struct idmap_line l0 = {0, 0, 1}, l1 = {1, 100000, 65536};

	spec_init(s);
	s->ns_mask = NS_ALL;
	CHECK(idmap_add(&s->uidmap, &l0, &e) == 0 && idmap_add(&s->uidmap, &l1, &e) == 0);
	CHECK(idmap_add(&s->gidmap, &l0, &e) == 0 && idmap_add(&s->gidmap, &l1, &e) == 0);
	s->setgroups = SETGROUPS_DENY;
	CHECK(spec_set_hostname(s, "box", &e) == 0);
	CHECK(spec_set_domainname(s, "lab.example", &e) == 0);
	CHECK(spec_set_rootfs(s, rootfs, &e) == 0);
	s->enter = ENTER_CHROOT;
	CHECK(spec_add_mount(s, MOUNT_TMPFS, "/tmp", "size=1m,mode=1777", &e) == 0);
	CHECK(spec_add_mount(s, MOUNT_SYSFS, "/sys", NULL, &e) == 0);
	CHECK(spec_add_mount(s, MOUNT_PROC, "/proc2", NULL, &e) == 0);
	CHECK(spec_add_mount(s, MOUNT_DEV, "/dev", NULL, &e) == 0);
	CHECK(spec_set_env(s, "A=1", &e) == 0);
	CHECK(spec_set_env(s, "B=two words", &e) == 0);
	s->time_offset_monotonic = -60;
	s->time_offset_boottime = 3600;
	s->overlay = true;
	CHECK(spec_add_layer(s, layer, &e) == 0);
	s->limits = (struct spec_limits){.memory = 48 << 20, .pids = 20, .cpu_percent = 25};
	s->net_veth = true;
	snprintf(s->net_host, sizeof(s->net_host), "10.9.0.1/30");
	snprintf(s->net_inside, sizeof(s->net_inside), "10.9.0.2/30");
}

/* Build config.json, print it, parse the text back: the spec must describe the same. */
static void round_trip(const struct spec *s, char *const argv[], struct spec *back, struct oci_process *proc)
{
	struct oci_report notes = {0}, r = {0};
	json_object *c = oci_config_build(s, argv, 0, 0, s->rootfs, &notes, &e);

	CHECK(c != NULL);
	if (!c)
		return;
	const char *text = json_object_to_json_string_ext(c, JSON_C_TO_STRING_PRETTY);
	CHECK(oci_config_parse_text(text, "/nonexistent", back, proc, &r, &e) == 0);
	for (size_t i = 0; i < r.n; i++)
		printf("  unexpected report: %s\n", r.lines[i]);
	CHECK(r.n == 0);
	json_object_put(c);
	oci_report_free(&notes);
	oci_report_free(&r);
}

static void test_round_trip_full(void)
{
	struct spec s, back;
	struct oci_process proc;
	char *argv[] = {"/bin/sh", "-c", "echo 'hi' $$", NULL};

	full_spec(&s);
	round_trip(&s, argv, &back, &proc);
	char *a = describe(&s), *b = describe(&back);
	CHECK_STR(b, a);
	CHECK(back.ns_mask == s.ns_mask);
	CHECK(back.uidmap.n == 2 && back.uidmap.lines[1].outside == 100000 && back.gidmap.lines[1].count == 65536);
	CHECK(back.limits.memory == s.limits.memory && back.limits.pids == 20 && back.limits.cpu_percent == 25);
	CHECK(back.time_offset_monotonic == -60 && back.time_offset_boottime == 3600);
	CHECK(back.enter == ENTER_CHROOT && back.setgroups == SETGROUPS_DENY && back.overlay && back.n_layers == 1);
	CHECK(proc.argc == 3);
	CHECK_STR(proc.argv[2], "echo 'hi' $$");
	free(a);
	free(b);
	oci_process_free(&proc);
	spec_free(&back);
	spec_free(&s);
}

/* The small specs people build first: automatic /proc and /dev must not come back as their own mounts. */
static void test_round_trip_small(void)
{
	const char *cases[][2] = {{"pid mount", NULL}, {"pid mount uts", "box"}, {"mount", NULL}, {"", NULL}};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct spec s, back;
		spec_init(&s);
		CHECK(spec_set_rootfs(&s, rootfs, &e) == 0);
		if (strstr(cases[i][0], "pid"))
			s.ns_mask |= NS_BIT(NS_PID);
		if (strstr(cases[i][0], "mount"))
			s.ns_mask |= NS_BIT(NS_MOUNT);
		else
			s.enter = ENTER_CHROOT;
		if (cases[i][1]) {
			s.ns_mask |= NS_BIT(NS_UTS);
			CHECK(spec_set_hostname(&s, cases[i][1], &e) == 0);
		}
		round_trip(&s, NULL, &back, NULL);
		char *a = describe(&s), *b = describe(&back);
		CHECK_STR(b, a);
		CHECK(back.n_mounts == 0);
		CHECK(back.n_env == 0);
		free(a);
		free(b);
		spec_free(&back);
		spec_free(&s);
	}
}

static json_object *build(const struct spec *s, struct oci_report *notes)
{
	return oci_config_build(s, NULL, 0, 0, "rootfs", notes, &e);
}

static const char *get(json_object *c, const char *path)
{
	json_object *o = c;
	char buf[256];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *save = NULL, *w = strtok_r(buf, ".", &save); w && o; w = strtok_r(NULL, ".", &save)) {
		if (json_object_get_type(o) == json_type_array)
			o = json_object_array_get_idx(o, (size_t)atoi(w));
		else
			o = json_object_object_get(o, w);
	}
	return o ? json_object_get_string(o) : NULL;
}

static void test_config_fields(void)
{
	struct spec s;
	struct oci_report notes = {0};

	full_spec(&s);
	json_object *c = build(&s, &notes);
	CHECK(c != NULL);
	CHECK_STR(get(c, "ociVersion"), "1.1.0");
	CHECK_STR(get(c, "process.args.0"), "/bin/sh");
	CHECK_STR(get(c, "process.cwd"), "/");
	CHECK_STR(get(c, "process.user.uid"), "0");
	CHECK_STR(get(c, "process.env.0"), OCI_DEFAULT_PATH);
	CHECK_STR(get(c, "process.env.2"), "B=two words");
	CHECK_STR(get(c, "root.path"), "rootfs");
	CHECK_STR(get(c, "hostname"), "box");
	CHECK_STR(get(c, "domainname"), "lab.example");
	CHECK_STR(get(c, "linux.namespaces.4.type"), "network");
	CHECK_STR(get(c, "linux.uidMappings.1.hostID"), "100000");
	CHECK_STR(get(c, "linux.gidMappings.1.size"), "65536");
	CHECK_STR(get(c, "linux.resources.memory.limit"), "50331648");
	CHECK_STR(get(c, "linux.resources.memory.swap"), "50331648");
	CHECK_STR(get(c, "linux.resources.pids.limit"), "20");
	CHECK_STR(get(c, "linux.resources.cpu.quota"), "25000");
	CHECK_STR(get(c, "linux.resources.cpu.period"), "100000");
	CHECK_STR(get(c, "linux.timeOffsets.boottime.secs"), "3600");
	CHECK_STR(get(c, "linux.maskedPaths.2"), "/proc/kcore");
	CHECK_STR(get(c, "linux.readonlyPaths.3"), "/proc/sys");
	/* the automatic /proc first, then the spec's, dev as tmpfs + devpts */
	CHECK_STR(get(c, "mounts.0.destination"), "/proc");
	CHECK_STR(get(c, "mounts.1.type"), "tmpfs");
	CHECK_STR(get(c, "mounts.1.options.2"), "size=1m");
	CHECK_STR(get(c, "mounts.2.type"), "sysfs");
	CHECK_STR(get(c, "mounts.4.destination"), "/dev");
	CHECK_STR(get(c, "mounts.5.type"), "devpts");
	json_object *ann = json_object_object_get(c, "annotations");
	CHECK_STR(json_object_get_string(json_object_object_get(ann, OCI_ANN_NET)), "veth 10.9.0.1/30 10.9.0.2/30");
	CHECK_STR(json_object_get_string(json_object_object_get(ann, OCI_ANN_ENTER)), "chroot");
	CHECK_CONTAINS(json_object_get_string(json_object_object_get(ann, OCI_ANN_ADDED)), "mount:/proc");
	/* what the runtimes will not do is said */
	size_t said = 0;
	for (size_t i = 0; i < notes.n; i++)
		said += strstr(notes.lines[i], "overlay") || strstr(notes.lines[i], "net veth") ||
			strstr(notes.lines[i], "enter chroot") || strstr(notes.lines[i], "setgroups deny");
	CHECK(said == 4);
	json_object_put(c);
	oci_report_free(&notes);
	spec_free(&s);
}

static void test_user_ids(void)
{
	struct spec s;
	struct oci_report notes = {0};

	spec_init(&s);
	CHECK(spec_set_rootfs(&s, rootfs, &e) == 0);
	s.ns_mask = NS_BIT(NS_USER) | NS_BIT(NS_MOUNT);
	struct idmap_line l = {0, 100000, 65536};
	CHECK(idmap_add(&s.uidmap, &l, &e) == 0 && idmap_add(&s.gidmap, &l, &e) == 0);
	/* uid 1000 is not mapped but root is: nslab becomes root inside */
	json_object *c = oci_config_build(&s, NULL, 1000, 1000, "rootfs", &notes, &e);
	CHECK_STR(get(c, "process.user.uid"), "0");
	json_object_put(c);
	/* uid 100005 is mapped: it runs as 5 */
	c = oci_config_build(&s, NULL, 100005, 100007, "rootfs", &notes, &e);
	CHECK_STR(get(c, "process.user.uid"), "5");
	CHECK_STR(get(c, "process.user.gid"), "7");
	json_object_put(c);
	/* no rootfs: no bundle */
	free(s.rootfs);
	s.rootfs = NULL;
	CHECK(oci_config_build(&s, NULL, 0, 0, "rootfs", &notes, &e) == NULL);
	CHECK_CONTAINS(e.msg, "rootfs default");
	oci_report_free(&notes);
	spec_free(&s);
}

/* ---- import: unsupported and invalid ---------------------------------------- */

static char *config_with(const char *extra_top, const char *linux_extra, const char *mounts)
{
	return xasprintf("{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"%s\"}, %s"
			 "\"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"mount\"}]%s},"
			 "\"mounts\": [%s]}",
			 rootfs, extra_top, linux_extra, mounts);
}

static bool report_has(const struct oci_report *r, const char *text)
{
	for (size_t i = 0; i < r->n; i++)
		if (strstr(r->lines[i], text))
			return true;
	return false;
}

static void test_unsupported(void)
{
	struct spec s;
	struct oci_report r = {0};
	/* the ids nslab will run as here, so that process.user is no news */
	char *top = xasprintf(
		"\"hooks\": {\"prestart\": []}, \"process\": {\"cwd\": \"/home\", \"args\": [\"sh\"], \"rlimits\": [], "
		"\"noNewPrivileges\": true, \"terminal\": true, \"user\": {\"uid\": %u, \"gid\": %u, \"additionalGids\": [5]}, "
		"\"capabilities\": {\"bounding\": [\"CAP_KILL\"]}}, \"annotations\": {\"com.example\": \"x\"},",
		(unsigned)geteuid(), (unsigned)getegid());
	char *text = config_with(top,
		", \"seccomp\": {}, \"maskedPaths\": [\"/proc/kcore\"], \"sysctl\": {}, "
		"\"resources\": {\"devices\": [], \"memory\": {\"limit\": 1048576, \"swap\": -1, \"swappiness\": 0}, "
		"\"cpu\": {\"shares\": 5, \"quota\": 33333, \"period\": 100000}}",
		"{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"/srv\", \"options\": [\"rbind\"]},"
		"{\"destination\": \"/tmp\", \"type\": \"tmpfs\", \"options\": [\"nosuid\", \"ro\", \"size=1m\"]},"
		"{\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\"}");

	CHECK(oci_config_parse_text(text, "/", &s, NULL, &r, &e) == 0);
	const char *want[] = {
		"hooks: not supported, ignored",
		"linux.seccomp: not supported, ignored",
		"linux.sysctl: not supported, ignored",
		"linux.maskedPaths: not supported, ignored",
		"linux.resources.devices: not supported, ignored",
		"linux.resources.memory.swappiness: not supported, ignored",
		"linux.resources.memory.swap: nslab gives a limited container no swap",
		"linux.resources.cpu.shares: not supported, ignored",
		"linux.resources.cpu: quota 33333 per period 100000 us is not a whole percent of a CPU: cpu 34%",
		"process.rlimits: not supported, ignored",
		"process.noNewPrivileges: not supported, ignored",
		"process.cwd /home: nslab starts the command in /",
		"process.terminal",
		"process.user.additionalGids: not supported, ignored",
		"process.capabilities: nslab keeps every capability",
		"annotations.com.example: not supported, ignored",
		"mounts[0]: bind on /data: not supported, ignored",
		"mounts[1].options: ro (on /tmp): nslab does not set this flag, ignored",
		"mounts[2]: mqueue on /dev/mqueue: not supported",
	};
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		if (!report_has(&r, want[i])) {
			printf("  missing report: %s\n", want[i]);
			CHECK(!"a report line is missing");
		}
	CHECK(r.n == ARRAY_SIZE(want));
	/* what it could read, it did */
	CHECK(s.limits.memory == 1048576 && s.limits.cpu_percent == 34);
	CHECK(s.n_mounts == 1 && !strcmp(s.mounts[0].target, "/tmp") && !strcmp(s.mounts[0].options, "size=1m"));
	free(text);
	free(top);
	oci_report_free(&r);
	spec_free(&s);
}

/* Each bad config fails with the JSON path of the field in the message. */
static void test_invalid(void)
{
	struct {
		const char *top, *lx, *mounts, *msg;
	} cases[] = {
		{"\"hostname\": 5,", "", "", "hostname: expected a string, got int"},
		{"\"hostname\": \"bad name\",", ", \"namespaces\": [{\"type\": \"uts\"}]", "", "hostname: hostname 'bad name'"},
		{"", ", \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"bogus\"}]", "",
		 "linux.namespaces[1].type 'bogus': unknown namespace type"},
		{"", ", \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"pid\"}]", "", "linux.namespaces[1]: pid is listed twice"},
		{"", ", \"namespaces\": [{\"name\": \"pid\"}]", "", "linux.namespaces[0].type: expected a string, got null"},
		{"", ", \"namespaces\": {}", "", "linux.namespaces: expected an array, got object"},
		{"", ", \"namespaces\": [{\"type\": \"user\"}], \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 0}]",
		 "", "linux.uidMappings[0].size: 0 is out of range"},
		{"", ", \"namespaces\": [{\"type\": \"user\"}], \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 10}, "
		     "{\"containerID\": 5, \"hostID\": 2000, \"size\": 1}]",
		 "", "linux.uidMappings[1]:"},
		{"", ", \"namespaces\": [{\"type\": \"user\"}], \"gidMappings\": [{\"containerID\": \"0\", \"hostID\": 1, \"size\": 1}]",
		 "", "linux.gidMappings[0].containerID: expected a whole number, got string"},
		{"", ", \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]", "", "needs a user namespace"},
		{"", ", \"resources\": {\"memory\": {\"limit\": \"1G\"}}", "",
		 "linux.resources.memory.limit: expected a whole number, got string"},
		{"", ", \"resources\": {\"memory\": {\"limit\": 0}}", "", "linux.resources.memory.limit: 0 bytes"},
		{"", ", \"resources\": {\"pids\": {\"limit\": 1.5}}", "", "linux.resources.pids.limit: expected a whole number, got double"},
		{"", ", \"resources\": {\"cpu\": {\"quota\": 1000, \"period\": 5}}", "", "linux.resources.cpu.period: 5 is out of range"},
		{"", ", \"namespaces\": [{\"type\": \"time\"}], \"timeOffsets\": {\"realtime\": {\"secs\": 1}}", "",
		 "linux.timeOffsets.realtime: unknown clock"},
		{"", "", "{\"destination\": \"tmp\", \"type\": \"tmpfs\"}", "mounts[0].destination 'tmp': must be an absolute path"},
		{"", "", "{\"destination\": \"/tmp\", \"type\": \"tmpfs\", \"options\": \"size=1m\"}",
		 "mounts[0].options: expected an array, got string"},
		{"\"process\": {\"args\": [\"sh\", 5]},", "", "", "process.args[1]: expected a string, got int"},
		{"\"process\": {\"env\": [\"NOEQUALS\"]},", "", "", "process.env[0]: env takes K=V"},
		{"\"process\": {\"user\": {\"uid\": -1, \"gid\": 0}},", "", "", "process.user.uid: -1 is out of range"},
		{"\"annotations\": {\"org.nslab.setgroups\": \"maybe\"},", "", "", "annotations.org.nslab.setgroups 'maybe'"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct spec s;
		struct oci_report r = {0};
		char *text = config_with(cases[i].top, cases[i].lx, cases[i].mounts);
		memset(&e, 0, sizeof(e));
		int ret = oci_config_parse_text(text, "/", &s, NULL, &r, &e);
		CHECK(ret < 0);
		if (ret < 0 && !strstr(e.msg, cases[i].msg)) {
			printf("  case %zu: \"%s\" lacks \"%s\"\n", i, e.msg, cases[i].msg);
			CHECK(!"the message names the field");
		}
		if (ret == 0)
			spec_free(&s);
		free(text);
		oci_report_free(&r);
	}
}

static void test_invalid_documents(void)
{
	struct spec s;
	struct oci_report r = {0};
	char *text;

	CHECK(oci_config_parse_text("{\"ociVersion\": \"1.0.2\",", "/", &s, NULL, &r, &e) < 0);
	CHECK_CONTAINS(e.msg, "config.json is not JSON");
	CHECK(oci_config_parse_text("[1, 2]", "/", &s, NULL, &r, &e) < 0);
	CHECK_CONTAINS(e.msg, "config.json: expected an object, got array");
	CHECK(oci_config_parse_text("{\"root\": {\"path\": \"/\"}}", "/", &s, NULL, &r, &e) < 0);
	CHECK_CONTAINS(e.msg, "ociVersion: missing");
	CHECK(oci_config_parse_text("{\"ociVersion\": \"2.0.0\", \"root\": {\"path\": \"/\"}}", "/", &s, NULL, &r, &e) < 0);
	CHECK_CONTAINS(e.msg, "ociVersion '2.0.0'");
	CHECK(oci_config_parse_text("{\"ociVersion\": \"1.0.2\"}", "/", &s, NULL, &r, &e) < 0);
	CHECK_CONTAINS(e.msg, "root: missing");
	CHECK(oci_config_parse_text("{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"nowhere\"}}", tmp, &s, NULL, &r, &e) < 0);
	CHECK_CONTAINS(e.msg, "root.path: rootfs");
	/* a relative root.path is the bundle's */
	text = xasprintf("{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\", \"readonly\": true}}");
	CHECK(oci_config_parse_text(text, tmp, &s, NULL, &r, &e) == 0);
	CHECK_STR(s.rootfs, rootfs);
	CHECK(report_has(&r, "root.readonly"));
	spec_free(&s);
	free(text);
	oci_report_free(&r);
}

/* ---- the rootfs copy and the bundle on disk ----------------------------------- */

static bool exists(const char *dir, const char *rel)
{
	char p[512];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	return lstat(p, &st) == 0;
}

static void test_rootfs_copy(void)
{
	char src[256], lay[256], dst[256], p[512];
	struct stat a, b;
	long skipped = 0;

	snprintf(src, sizeof(src), "%s/src", tmp);
	snprintf(lay, sizeof(lay), "%s/lay", tmp);
	snprintf(dst, sizeof(dst), "%s/dst", tmp);
	mkdir(src, 0755);
	snprintf(p, sizeof(p), "%s/etc", src), mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/etc/hosts", src), write_text(p, "127.0.0.1 localhost\n");
	snprintf(p, sizeof(p), "%s/etc/gone", src), write_text(p, "x");
	snprintf(p, sizeof(p), "%s/opaque", src), mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/opaque/old", src), write_text(p, "old");
	snprintf(p, sizeof(p), "%s/ro", src), mkdir(p, 0555);
	snprintf(p, sizeof(p), "%s/link", src);
	CHECK(symlink("etc/hosts", p) == 0);
	char hl[512];
	snprintf(p, sizeof(p), "%s/etc/hosts", src), snprintf(hl, sizeof(hl), "%s/etc/hosts2", src);
	CHECK(link(p, hl) == 0);
	/* the layer: a new file, a whiteout for etc/gone, an opaque dir */
	mkdir(lay, 0755);
	snprintf(p, sizeof(p), "%s/etc", lay), mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/etc/motd", lay), write_text(p, "hello\n");
	snprintf(p, sizeof(p), "%s/etc/gone", lay);
	bool whiteout = mknod(p, S_IFCHR | 0600, makedev(0, 0)) == 0;
	snprintf(p, sizeof(p), "%s/opaque", lay), mkdir(p, 0755);
	bool opaque = setxattr(p, geteuid() == 0 ? "trusted.overlay.opaque" : "user.overlay.opaque", "y", 1, 0) == 0;
	snprintf(p, sizeof(p), "%s/opaque/new", lay), write_text(p, "new");

	const char *layers[] = {lay};
	CHECK(oci_rootfs_copy(src, layers, 1, dst, &skipped, &e) == 0);
	CHECK(exists(dst, "etc/hosts") && exists(dst, "etc/motd") && exists(dst, "link") && exists(dst, "opaque/new"));
	snprintf(p, sizeof(p), "%s/etc/hosts", dst);
	snprintf(hl, sizeof(hl), "%s/etc/hosts2", dst);
	CHECK(stat(p, &a) == 0 && stat(hl, &b) == 0 && a.st_ino == b.st_ino); /* a hard link stays one */
	snprintf(p, sizeof(p), "%s/ro", dst);
	CHECK(stat(p, &a) == 0 && (a.st_mode & 07777) == 0555);
	char target[64] = "";
	snprintf(p, sizeof(p), "%s/link", dst);
	CHECK(readlink(p, target, sizeof(target) - 1) == 9 && !strncmp(target, "etc/hosts", 9));
	if (whiteout)
		CHECK(!exists(dst, "etc/gone"));
	else
		printf("SKIP test_rootfs_copy.whiteout: mknod 0/0 needs CAP_MKNOD\n");
	if (opaque)
		CHECK(!exists(dst, "opaque/old"));
	else
		printf("SKIP test_rootfs_copy.opaque: this file system takes no overlay xattrs\n");
	/* never over something that exists */
	CHECK(oci_rootfs_copy(src, NULL, 0, dst, &skipped, &e) < 0);
	CHECK_CONTAINS(e.msg, "already exists");
}

static void test_export_dir(void)
{
	struct spec s;
	struct oci_report notes = {0};
	struct oci_export_opts o = {0};
	char dir[256], p[512];

	spec_init(&s);
	CHECK(spec_set_rootfs(&s, rootfs, &e) == 0);
	s.ns_mask = NS_BIT(NS_PID) | NS_BIT(NS_MOUNT);
	snprintf(dir, sizeof(dir), "%s/bundle", tmp);
	CHECK(oci_export(&s, NULL, dir, &o, &notes, &e) == 0);
	CHECK(exists(dir, "config.json") && exists(dir, "rootfs/bin/sh"));
	/* a fresh bundle only */
	CHECK(oci_export(&s, NULL, dir, &o, &notes, &e) < 0);
	CHECK_CONTAINS(e.msg, "is not empty");
	/* and it reads back */
	struct spec back;
	struct oci_process proc;
	CHECK(oci_import(dir, &back, &proc, &notes, &e) == 0);
	snprintf(p, sizeof(p), "%s/rootfs", dir);
	CHECK_STR(back.rootfs, p);
	CHECK(back.ns_mask == s.ns_mask && proc.argc == 1);
	oci_process_free(&proc);
	spec_free(&back);
	/* --no-copy cannot carry layers */
	s.overlay = true;
	CHECK(spec_add_layer(&s, layer, &e) == 0);
	o.no_copy = true;
	snprintf(dir, sizeof(dir), "%s/bundle2", tmp);
	CHECK(oci_export(&s, NULL, dir, &o, &notes, &e) < 0);
	CHECK_CONTAINS(e.msg, "--no-copy");
	CHECK(!exists(dir, ""));
	/* a failed export leaves nothing */
	spec_clear_layers(&s);
	s.overlay = false;
	o.no_copy = false;
	s.hostname = xstrdup("box"); /* without uts: invalid */
	CHECK(oci_export(&s, NULL, dir, &o, &notes, &e) < 0);
	CHECK(!exists(dir, ""));
	oci_report_free(&notes);
	spec_free(&s);
}

int main(void)
{
	struct nslab_error ignored = {0};

	setup();
	RUN(test_round_trip_full);
	RUN(test_round_trip_small);
	RUN(test_config_fields);
	RUN(test_user_ids);
	RUN(test_unsupported);
	RUN(test_invalid);
	RUN(test_invalid_documents);
	RUN(test_rootfs_copy);
	RUN(test_export_dir);
	tree_remove(tmp, &ignored);
	return CHECK_DONE();
}
