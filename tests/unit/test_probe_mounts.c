/* Unit tests for the mount probe: mountinfo parsing on fixtures, propagation names, a live read. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "nslab/probe.h"

/* Recorded on a systemd machine (Debian 12), with a few mounts added by hand. */
static const char mountinfo_host[] =
    "22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
    "1 0 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro\n"
    "24 22 0:6 / /dev rw,nosuid,relatime shared:2 - devtmpfs udev rw,size=4018700k,nr_inodes=1004675,mode=755\n"
    "31 23 0:28 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 "
    "rw,nsdelegate,memory_recursiveprot\n"
    "40 1 0:40 / /mnt/my\\040disk rw,relatime master:7 - tmpfs my\\040src rw,size=1024k\n"
    "41 1 0:41 /sub\\134dir /srv/back\\134slash rw shared:30 master:7 - ext4 /dev/vdb rw\n"
    "42 1 0:42 / /srv/tab\\011and\\012newline rw unbindable - tmpfs none rw\n"
    "43 1 0:43 / /srv/prop rw master:7 propagate_from:2 - tmpfs none rw\n"
    "44 1 0:44 / /srv/future rw shared:31 newtag:9 - tmpfs  rw\n";

static void test_parse_fields(void)
{
	struct mount_list l = {0};
	CHECK(probe_mounts_parse(mountinfo_host, &l) == 0);
	CHECK(l.n == 9);
	if (l.n != 9)
		goto out;
	const struct mount_info *m = &l.v[1];
	CHECK(m->id == 1 && m->parent == 0 && m->major == 254 && m->minor == 1);
	CHECK_STR(m->root, "/");
	CHECK_STR(m->target, "/");
	CHECK_STR(m->options, "rw,relatime");
	CHECK_STR(m->fstype, "ext4");
	CHECK_STR(m->source, "/dev/vda1");
	CHECK_STR(m->super, "rw,errors=remount-ro");
	CHECK(m->propagation == PROP_SHARED && m->peer == 1 && m->master == 0);
	CHECK_STR(l.v[3].fstype, "cgroup2");
	CHECK(l.v[2].major == 0 && l.v[2].minor == 6);
out:
	mount_list_free(&l);
}

static void test_parse_escapes(void)
{
	struct mount_list l = {0};
	CHECK(probe_mounts_parse(mountinfo_host, &l) == 0);
	if (l.n != 9)
		goto out;
	CHECK_STR(l.v[4].target, "/mnt/my disk");
	CHECK_STR(l.v[4].source, "my src");
	CHECK_STR(l.v[5].root, "/sub\\dir");
	CHECK_STR(l.v[5].target, "/srv/back\\slash");
	CHECK_STR(l.v[6].target, "/srv/tab\tand\nnewline");
	/* An empty source (two spaces) is a field, not a shift. */
	CHECK_STR(l.v[8].source, "");
	CHECK_STR(l.v[8].super, "rw");
	CHECK_STR(l.v[8].fstype, "tmpfs");
out:
	mount_list_free(&l);
}

static void test_parse_propagation(void)
{
	struct mount_list l = {0};
	CHECK(probe_mounts_parse(mountinfo_host, &l) == 0);
	if (l.n != 9)
		goto out;
	CHECK(l.v[4].propagation == PROP_SLAVE && l.v[4].master == 7 && l.v[4].peer == 0);
	CHECK(l.v[5].propagation == PROP_SHARED_SLAVE && l.v[5].peer == 30 && l.v[5].master == 7);
	CHECK(l.v[6].propagation == PROP_UNBINDABLE && l.v[6].peer == 0 && l.v[6].master == 0);
	CHECK(l.v[7].propagation == PROP_SLAVE && l.v[7].master == 7);
	/* an optional field a newer kernel might add is ignored */
	CHECK(l.v[8].propagation == PROP_SHARED && l.v[8].peer == 31);
out:
	mount_list_free(&l);
}

static void test_parse_no_optional(void)
{
	struct mount_list l = {0};
	CHECK(probe_mounts_parse("27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n", &l) == 0);
	CHECK(l.n == 1);
	CHECK(l.n == 1 && l.v[0].propagation == PROP_PRIVATE && l.v[0].peer == 0 && l.v[0].master == 0);
	CHECK(l.n == 1 && strcmp(l.v[0].super, "rw") == 0);
	/* A complete last line without '\n' counts; so does \057, decoded. */
	CHECK(probe_mounts_parse("41 1 0:31 / \\057 rw shared:3 - tmpfs t rw", &l) == 0);
	CHECK(l.n == 2 && strcmp(l.v[1].target, "/") == 0);
	mount_list_free(&l);
}

static void test_parse_truncated(void)
{
	struct mount_list l = {0};
	const char *cuts[] = {
	    "90 27 0:50 / / rw,relat",   "90 27 0:50 / / rw shared:4",    "90 27 0:50 / / rw shared:4 -",
	    "90 27 0:50 / / rw - tmpfs", "90 27 0:50 / / rw - tmpfs tmp", "90 2",
	};
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		char text[256];
		snprintf(text, sizeof(text), "27 1 254:0 / / rw - ext4 /dev/vda rw\n%s", cuts[i]);
		l.n = 0;
		CHECK(probe_mounts_parse(text, &l) == 0);
		CHECK(l.n == 1 && l.v[0].id == 27);
	}
	mount_list_free(&l);
}

static void test_parse_garbage(void)
{
	struct mount_list l = {0};
	const char *text = "garbage\n"
	                   "\n"
	                   "   \n"
	                   "x 1 0:1 / /a rw - tmpfs t rw\n"
	                   "5 y 0:1 / /a rw - tmpfs t rw\n"
	                   "5 1 01 / /a rw - tmpfs t rw\n"
	                   "5 1 0:z / /a rw - tmpfs t rw\n"
	                   "5 1 0:1 / /a rw tmpfs t rw\n"
	                   "-5 1 0:1 / /a rw - tmpfs t rw\n"
	                   "99999999999 1 0:1 / /a rw - tmpfs t rw\n"
	                   "7 1 0:1 / /good rw - tmpfs t rw\n"
	                   "\t\t\n";
	CHECK(probe_mounts_parse(text, &l) == 0);
	CHECK(l.n == 1 && strcmp(l.v[0].target, "/good") == 0);
	CHECK(probe_mounts_parse("", &l) == 0 && l.n == 1);
	CHECK(probe_mounts_parse(NULL, &l) == -EINVAL);
	mount_list_free(&l);
	mount_list_free(&l); /* twice is harmless */
}

static void test_parse_long_fields(void)
{
	struct mount_list l = {0};
	char text[2048], target[700];
	memset(target, 'a', sizeof(target) - 1);
	target[0] = '/';
	target[sizeof(target) - 1] = '\0';
	snprintf(text, sizeof(text), "5 1 0:1 / %s rw - overlay overlay rw,lowerdir=%s\n", target, target);
	CHECK(probe_mounts_parse(text, &l) == 0);
	CHECK(l.n == 1);
	CHECK(l.n == 1 && strlen(l.v[0].target) == sizeof(l.v[0].target) - 1);
	CHECK(l.n == 1 && strlen(l.v[0].super) == sizeof(l.v[0].super) - 1);
	mount_list_free(&l);
}

static void test_propagation_names(void)
{
	CHECK_STR(mount_propagation_name(PROP_PRIVATE), "private");
	CHECK_STR(mount_propagation_name(PROP_SHARED), "shared");
	CHECK_STR(mount_propagation_name(PROP_SLAVE), "slave");
	CHECK_STR(mount_propagation_name(PROP_SHARED_SLAVE), "shared,slave");
	CHECK_STR(mount_propagation_name(PROP_UNBINDABLE), "unbindable");
	CHECK_STR(mount_propagation_name(-1), "unknown");
	CHECK_STR(mount_propagation_name(99), "unknown");
}

static void test_read_live(void)
{
	struct mount_list l = {0};
	struct nslab_error e;
	CHECK(probe_mounts_read(0, &l, &e) == 0);
	int root = 0;
	for (size_t i = 0; i < l.n; i++)
		root += strcmp(l.v[i].target, "/") == 0;
	CHECK(root >= 1);
	/* A second read replaces the list and reuses its storage. */
	size_t n = l.n, cap = l.cap;
	CHECK(probe_mounts_read(getpid(), &l, &e) == 0);
	CHECK(l.n == n && l.cap == cap);

	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	CHECK(probe_mounts_read(pid, &l, &e) < 0);
	CHECK(e.err == ENOENT);
	CHECK_CONTAINS(e.msg, "gone");
	mount_list_free(&l);
}

int main(void)
{
	RUN(test_parse_fields);
	RUN(test_parse_escapes);
	RUN(test_parse_propagation);
	RUN(test_parse_no_optional);
	RUN(test_parse_truncated);
	RUN(test_parse_garbage);
	RUN(test_parse_long_fields);
	RUN(test_propagation_names);
	RUN(test_read_live);
	return CHECK_DONE();
}
