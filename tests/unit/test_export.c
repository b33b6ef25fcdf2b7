/* Unit tests for export unshare / export bwrap: the command lines and their comments for several specs. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "nslab/export.h"
#include "nslab/idmap.h"
#include "nslab/tree.h"
#include "nslab/util.h"

static struct nslab_error e;
static char tmp[64];

static char *out_of(int (*fn)(const struct spec *, char *const[], uid_t, gid_t, FILE *, struct nslab_error *),
		    const struct spec *s, char *const argv[], uid_t euid, gid_t egid, int *ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	*ret = fn(s, argv, euid, egid, f, &e);
	fclose(f);
	return buf;
}

static void base(struct spec *s, const char *flags)
{
	spec_init(s);
	for (const char *w = flags; *w;) {
		char word[16];
		size_t n = strcspn(w, " ");
		snprintf(word, sizeof(word), "%.*s", (int)n, w);
		s->ns_mask |= NS_BIT(ns_lookup(word));
		w += n + (w[n] == ' ');
	}
	CHECK(spec_set_rootfs(s, tmp, &e) == 0);
}

static void test_quote(void)
{
	char buf[128];

	export_shell_quote("--root=/a/b", buf, sizeof(buf));
	CHECK_STR(buf, "--root=/a/b");
	export_shell_quote("echo $$", buf, sizeof(buf));
	CHECK_STR(buf, "'echo $$'");
	export_shell_quote("it's", buf, sizeof(buf));
	CHECK_STR(buf, "'it'\\''s'");
	export_shell_quote("", buf, sizeof(buf));
	CHECK_STR(buf, "''");
}

/* The whole text for a common spec: PID, mount and UTS namespaces, a hostname, root mapped. */
static void test_unshare_exact(void)
{
	struct spec s;
	int r;
	char *argv[] = {"/bin/sh", "-c", "echo $$", NULL};

	base(&s, "pid mount uts");
	spec_map_root(&s, 0, 0);
	CHECK(spec_set_hostname(&s, "box", &e) == 0);
	char *out = out_of(export_unshare, &s, argv, 0, 0, &r);
	char *want = xasprintf(
		"# nslab's spec as an unshare(1) command line (run it as root, as nslab runs)\n"
		"# mount dev /dev: unshare cannot bind the host's device nodes into the root (bwrap --dev can)\n"
		"# unshare sets no host or domain name, mounts nothing but /proc and leaves lo down: sh does those "
		"inside the root, then execs the command (the root needs sh, hostname)\n"
		"# enter pivot_root: unshare --root enters with chroot(2)\n"
		"unshare --fork --kill-child --pid --user --uts --mount --map-root-user \\\n"
		"    --root=%s --mount-proc=/proc \\\n"
		"    /bin/sh -c 'hostname box && exec \"$@\"' sh /bin/sh -c 'echo $$'\n",
		tmp);
	CHECK(r == 0);
	CHECK_STR(out, want);
	free(want);
	free(out);
	spec_free(&s);
}

static void test_bwrap_exact(void)
{
	struct spec s;
	int r;

	base(&s, "pid mount uts");
	spec_map_root(&s, 1000, 1000);
	CHECK(spec_set_hostname(&s, "box", &e) == 0);
	CHECK(spec_set_env(&s, "GREETING=hello world", &e) == 0);
	char *out = out_of(export_bwrap, &s, NULL, 1000, 1000, &r);
	char *want = xasprintf("# nslab's spec as a bwrap command line\n"
			       "bwrap --die-with-parent --unshare-user --uid 0 --gid 0 --unshare-pid \\\n"
			       "    --unshare-uts --as-pid-1 --hostname box --dev-bind %s / \\\n"
			       "    --proc /proc --dev /dev --setenv GREETING 'hello world' --chdir / \\\n"
			       "    -- /bin/sh\n",
			       tmp);
	CHECK(r == 0);
	CHECK_STR(out, want);
	free(want);
	free(out);
	spec_free(&s);
}

/* Settings a tool cannot express each get a comment; those it can, an option. */
static void test_unshare_settings(void)
{
	struct spec s;
	int r;
	struct idmap_line l = {0, 100000, 65536}, l2 = {70000, 300000, 10};

	base(&s, "pid mount uts net ipc cgroup time user");
	CHECK(idmap_add(&s.uidmap, &l, &e) == 0 && idmap_add(&s.uidmap, &l2, &e) == 0);
	CHECK(idmap_add(&s.gidmap, &l, &e) == 0);
	s.setgroups = SETGROUPS_DENY;
	CHECK(spec_set_hostname(&s, "box", &e) == 0);
	CHECK(spec_set_domainname(&s, "lab", &e) == 0);
	CHECK(spec_add_mount(&s, MOUNT_TMPFS, "/tmp", "size=1m", &e) == 0);
	CHECK(spec_add_mount(&s, MOUNT_DEV, "/dev", NULL, &e) == 0);
	CHECK(spec_set_env(&s, "A=1", &e) == 0);
	s.time_offset_boottime = 3600;
	s.limits = (struct spec_limits){.memory = 32 << 20, .pids = 10, .cpu_percent = 50};
	s.net_lo = true;
	s.overlay = true;
	char *out = out_of(export_unshare, &s, NULL, 0, 0, &r);
	CHECK(r == 0);
	const char *want[] = {
		"env A=1 unshare --fork --kill-child --pid --user --uts --mount --net --ipc",
		"--cgroup --time --map-users=100000,0,65536 --map-groups=100000,0,65536",
		"--setuid=0 --setgid=0 --setgroups=deny --boottime=3600",
		"# uidmap 0 100000 65536: --map-users runs newuidmap(1)/newgidmap(1), which needs the range in /etc/subuid",
		"# uidmap 70000 300000 10: unshare takes one --map-users range; not expressed",
		"# mount dev /dev: unshare cannot bind the host's device nodes",
		"# overlay: unshare cannot stack layers",
		"# limit memory 32 MiB: unshare makes no cgroup",
		"# limit pids 10: unshare makes no cgroup",
		"# limit cpu 50%: unshare makes no cgroup",
		"mkdir -p /tmp && mount -t tmpfs -o nosuid,nodev,size=1m tmpfs /tmp && hostname box && echo lab > "
		"/proc/sys/kernel/domainname && ip link set lo up && exec \"$@\"",
		"(the root needs sh, mount, hostname, ip)",
	};
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		CHECK_CONTAINS(out, want[i]);
	free(out);
	spec_free(&s);
}

static void test_bwrap_settings(void)
{
	struct spec s;
	int r;
	struct idmap_line l = {0, 100000, 65536};

	base(&s, "pid uts net time user");
	s.enter = ENTER_CHROOT;
	CHECK(idmap_add(&s.uidmap, &l, &e) == 0);
	CHECK(spec_set_domainname(&s, "lab", &e) == 0);
	s.ns_mask |= NS_BIT(NS_MOUNT);
	CHECK(spec_add_mount(&s, MOUNT_TMPFS, "/tmp", "size=2m,mode=1777,nr_inodes=10", &e) == 0);
	CHECK(spec_add_mount(&s, MOUNT_SYSFS, "/sys", NULL, &e) == 0);
	s.trace_child = true;
	char *out = out_of(export_bwrap, &s, NULL, 0, 0, &r);
	CHECK(r == 0);
	const char *want[] = {
		"# uidmap: bwrap maps only your own uid (--uid N)",
		"# time namespace (monotonic +0s, boottime +0s): bwrap has none",
		"# domainname lab: bwrap has no option for it",
		"# enter chroot: bwrap always pivot_roots",
		"# net: bwrap brings lo up in its network namespace (nslab leaves it down)",
		"# tmpfs /tmp option nr_inodes=10: bwrap takes only a size (--size) and a mode (--perms)",
		"# sysfs /sys: bwrap cannot mount a new sysfs",
		"# trace child: bwrap does not trace",
		"--size 2097152 --perms 1777 --tmpfs /tmp",
		"--ro-bind /sys /sys",
		"--unshare-user --unshare-pid --unshare-uts",
	};
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		CHECK_CONTAINS(out, want[i]);
	free(out);
	spec_free(&s);
}

/* (the test's rootfs has no /dev/null, so nslab adds a /dev: bwrap --dev, a comment for unshare) */

/* Without a rootfs the tools run on the host's /; an invalid spec prints nothing. */
static void test_host_root_and_invalid(void)
{
	struct spec s;
	int r;

	spec_init(&s);
	s.ns_mask = NS_BIT(NS_UTS) | NS_BIT(NS_IPC);
	char *out = out_of(export_bwrap, &s, NULL, 0, 0, &r);
	CHECK(r == 0);
	CHECK_CONTAINS(out, "--dev-bind / /");
	CHECK_CONTAINS(out, "# bwrap always makes a new mount namespace");
	free(out);
	out = out_of(export_unshare, &s, NULL, 0, 0, &r);
	CHECK(r == 0);
	CHECK_CONTAINS(out, "unshare --fork --kill-child --uts --ipc /bin/sh\n");
	free(out);
	CHECK(spec_set_hostname(&s, "box", &e) == 0);
	s.ns_mask = 0;
	out = out_of(export_unshare, &s, NULL, 0, 0, &r);
	CHECK(r < 0);
	CHECK_CONTAINS(e.msg, "export an unshare(1): hostname needs a uts namespace");
	CHECK_STR(out, "");
	free(out);
	spec_free(&s);
}

int main(void)
{
	struct nslab_error ignored = {0};

	snprintf(tmp, sizeof(tmp), "/tmp/test_export.XXXXXX");
	if (!mkdtemp(tmp))
		abort();
	RUN(test_quote);
	RUN(test_unshare_exact);
	RUN(test_bwrap_exact);
	RUN(test_unshare_settings);
	RUN(test_bwrap_settings);
	RUN(test_host_root_and_invalid);
	tree_remove(tmp, &ignored);
	return CHECK_DONE();
}
