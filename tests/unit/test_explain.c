/* Unit tests for the explain table and the (call, errno) hint table. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "nslab/explain.h"

static const char *const ns_words[][2] = {
	{"pid", "CLONE_NEWPID"},   {"user", "CLONE_NEWUSER"},     {"uts", "CLONE_NEWUTS"},
	{"mount", "CLONE_NEWNS"},  {"net", "CLONE_NEWNET"},       {"ipc", "CLONE_NEWIPC"},
	{"cgroup", "CLONE_NEWCGROUP"}, {"time", "CLONE_NEWTIME"},
};

/* Call each alias of e in turn; returns how many there were. */
static size_t for_each_alias(const struct explain_entry *e, void (*fn)(const struct explain_entry *, const char *))
{
	char buf[256];
	size_t n = 0;

	for (const char *a = e->aliases; a && *a;) {
		size_t len = strcspn(a, "|");
		snprintf(buf, sizeof(buf), "%.*s", (int)len, a);
		fn(e, buf);
		n++;
		a += len;
		if (*a == '|')
			a++;
	}
	return n;
}

static void test_namespaces_resolve(void)
{
	for (size_t i = 0; i < sizeof(ns_words) / sizeof(ns_words[0]); i++) {
		const struct explain_entry *e = explain_lookup(ns_words[i][0]);
		CHECK(e != NULL);
		if (!e)
			continue;
		CHECK_STR(e->word, ns_words[i][0]);
		CHECK_STR(e->kind, "namespace");
		CHECK(explain_lookup(ns_words[i][1]) == e);
	}
	/* The /proc/PID/ns names and the brief's aliases. */
	CHECK(explain_lookup("mnt") == explain_lookup("mount"));
	CHECK(explain_lookup("ns") == explain_lookup("mount"));
	CHECK(explain_lookup("newpid") == explain_lookup("pid"));
	CHECK(explain_lookup("userns") == explain_lookup("user"));
	CHECK(explain_lookup("network") == explain_lookup("net"));
	CHECK(explain_lookup("netns") == explain_lookup("net"));
	CHECK(explain_lookup("cgroupns") == explain_lookup("cgroup"));
	CHECK(explain_lookup("timens") == explain_lookup("time"));
	/* "hostname" is left free for the command of that name. */
	CHECK(explain_lookup("hostname") == NULL);
}

static void test_namespace_details(void)
{
	CHECK_CONTAINS(explain_lookup("pid")->text, "handler");
	CHECK_CONTAINS(explain_lookup("user")->text, "42");
	CHECK_CONTAINS(explain_lookup("user")->text, "not root");
	CHECK_CONTAINS(explain_lookup("mount")->text, "MS_REC|MS_PRIVATE");
	CHECK_CONTAINS(explain_lookup("time")->text, "timens_offsets");
	CHECK_CONTAINS(explain_lookup("time")->text, "before any process enters");
	CHECK_STR(explain_lookup("pid")->man, "pid_namespaces(7)");
}

static void test_case_insensitive(void)
{
	CHECK(explain_lookup("PID") == explain_lookup("pid"));
	CHECK(explain_lookup("clone_newpid") == explain_lookup("pid"));
	CHECK(explain_lookup("eperm") == explain_lookup("EPERM"));
	CHECK(explain_lookup("Pivot_Root") == explain_lookup("pivot_root"));
	CHECK(explain_lookup("WRITE UID_MAP") == explain_lookup("uid_map"));
	CHECK(explain_lookup("  write   gid_map ") == explain_lookup("gid_map"));
	CHECK(explain_lookup("EPERM") != NULL);
}

static void check_alias_resolves(const struct explain_entry *e, const char *alias)
{
	const struct explain_entry *got = explain_lookup(alias);
	if (got != e)
		printf("  alias '%s' of '%s' finds '%s'\n", alias, e->word, got ? got->word : "(null)");
	CHECK(got == e);
}

static void test_aliases_resolve(void)
{
	size_t n = 0;

	for (size_t i = 0; i < explain_count(); i++) {
		const struct explain_entry *e = explain_at(i);
		CHECK(explain_lookup(e->word) == e);
		n += for_each_alias(e, check_alias_resolves);
	}
	CHECK(n > 50);
	CHECK(explain_at(explain_count()) == NULL);
}

static void test_unknown(void)
{
	CHECK(explain_lookup("no-such-word") == NULL);
	CHECK(explain_lookup("") == NULL);
	CHECK(explain_lookup("   ") == NULL);
	CHECK(explain_lookup(NULL) == NULL);
	CHECK(explain_lookup("pi") == NULL);	/* no prefix matching */
	CHECK(explain_lookup("write") == NULL);
}

static void test_call_names(void)
{
	/* Every call name the launcher traces finds a call entry, except plain
	 * "mount", which is the namespace's word; the call is "mount(2)". */
	static const char *const calls[] = {
		"clone3", "clone", "unshare", "setns", "mount proc", "mount tmpfs", "mount sysfs",
		"mount bind", "umount2", "pivot_root", "chroot", "chdir", "mkdir", "rmdir",
		"sethostname", "setdomainname", "execve", "write uid_map", "write gid_map",
		"write setgroups", "write timens_offsets", "setresuid", "setresgid", "setgroups",
		"kill", "waitpid", "mount(2)",
	};
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		const struct explain_entry *e = explain_lookup(calls[i]);
		if (!e)
			printf("  call '%s' not found\n", calls[i]);
		CHECK(e != NULL);
		if (e)
			CHECK_STR(e->kind, "call");
	}
	CHECK(explain_lookup("mount proc") == explain_lookup("mount(2)"));
	CHECK_STR(explain_lookup("mount")->kind, "namespace");
	/* Man-page style names drop the section when nothing else matches. */
	CHECK(explain_lookup("pivot_root(2)") == explain_lookup("pivot_root"));
	CHECK(explain_lookup("clone(2)") == explain_lookup("clone"));
	CHECK(explain_lookup("nosuch(2)") == NULL);
	const struct explain_entry *sg = explain_lookup("setgroups");
	CHECK_CONTAINS(sg->text, "/proc/PID/setgroups");
	CHECK_CONTAINS(sg->text, "deny");
	CHECK_CONTAINS(sg->text, "before gid_map");
	CHECK(explain_lookup("write setgroups") == sg);
}

static void test_kinds_present(void)
{
	static const char *const errnos[] = {
		"EPERM",  "EACCES", "EINVAL", "ENOENT", "ENOTDIR", "EBUSY",  "EEXIST", "ENOSPC",
		"ENOSYS", "EUSERS", "ESRCH",  "ENOMEM", "E2BIG",   "ECHILD", "EINTR",
	};
	static const char *const ideas[] = {
		"pid1", "propagation", "rootless", "idmap", "pivot_root-vs-chroot",
		"overlay", "cgroups", "veth", "nsenter",
	};
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++) {
		const struct explain_entry *e = explain_lookup(errnos[i]);
		CHECK(e != NULL);
		if (e)
			CHECK_STR(e->kind, "errno");
	}
	for (size_t i = 0; i < sizeof(ideas) / sizeof(ideas[0]); i++) {
		const struct explain_entry *e = explain_lookup(ideas[i]);
		CHECK(e != NULL);
		if (e)
			CHECK_STR(e->kind, "idea");
	}
	CHECK(explain_lookup("chroot-escape") == explain_lookup("pivot_root-vs-chroot"));
	CHECK_CONTAINS(explain_lookup("ENOSPC")->text, "max_");
	CHECK_CONTAINS(explain_lookup("ENOSPC")->text, "mount-max");
}

static bool kind_known(const char *k)
{
	return !strcmp(k, "namespace") || !strcmp(k, "call") || !strcmp(k, "errno") || !strcmp(k, "idea");
}

static void test_entries_well_formed(void)
{
	for (size_t i = 0; i < explain_count(); i++) {
		const struct explain_entry *e = explain_at(i);
		size_t lines = 0;

		CHECK(e->word && e->word[0]);
		CHECK(e->kind && kind_known(e->kind));
		CHECK(e->text && e->text[0]);
		CHECK(e->man && e->man[0] && strchr(e->man, '('));
		if (!e->text)
			continue;
		CHECK(e->text[strlen(e->text) - 1] != '\n');
		for (const char *p = e->text; *p;) {
			size_t len = strcspn(p, "\n");
			if (len > 72 || len == 0)
				printf("  %s: line %zu is %zu columns\n", e->word, lines + 1, len);
			CHECK(len > 0 && len <= 72);
			lines++;
			p += len;
			if (*p == '\n')
				p++;
		}
		if (lines < 3 || lines > 8)
			printf("  %s: %zu lines\n", e->word, lines);
		CHECK(lines >= 3 && lines <= 8);
		if (e->aliases) {
			CHECK(e->aliases[0] != '|');
			CHECK(e->aliases[strlen(e->aliases) - 1] != '|');
			CHECK(!strstr(e->aliases, "||"));
		}
	}
}

/* Gather every word and alias, then look for a name given twice. */
static const char *names[512];
static const char *owners[512];
static size_t n_names;

static void collect(const struct explain_entry *e, const char *alias)
{
	if (n_names < sizeof(names) / sizeof(names[0])) {
		names[n_names] = strdup(alias);
		owners[n_names++] = e->word;
	}
}

static void test_no_duplicates(void)
{
	n_names = 0;
	for (size_t i = 0; i < explain_count(); i++) {
		const struct explain_entry *e = explain_at(i);
		collect(e, e->word);
		for_each_alias(e, collect);
	}
	CHECK(n_names < sizeof(names) / sizeof(names[0]));
	for (size_t i = 0; i < n_names; i++)
		for (size_t j = i + 1; j < n_names; j++)
			if (!strcasecmp(names[i], names[j])) {
				printf("  '%s' is in both '%s' and '%s'\n", names[i], owners[i], owners[j]);
				CHECK(strcasecmp(names[i], names[j]) != 0);
			}
	for (size_t i = 0; i < n_names; i++)
		free((void *)names[i]);
}

static void check_hint(const char *call, int err, const char *needle)
{
	const char *h = explain_hint(call, err);
	if (!h)
		printf("  no hint for %s errno %d\n", call, err);
	CHECK_CONTAINS(h, needle);
	if (h) {
		CHECK(!strchr(h, '\n'));
		CHECK(strlen(h) < 400);
	}
}

static void test_hints_required(void)
{
	check_hint("write gid_map", EPERM, "setgroups");
	check_hint("write gid_map", EPERM, "deny");
	check_hint("write gid_map", EPERM, "map-root");
	check_hint("write uid_map", EPERM, "own uid");
	check_hint("write uid_map", EPERM, "once");
	check_hint("write uid_map", EINVAL, "overlap");
	check_hint("write uid_map", EINVAL, "340");
	check_hint("write gid_map", EINVAL, "340");
	check_hint("pivot_root", EINVAL, "mount point");
	check_hint("pivot_root", EINVAL, "shared");
	check_hint("pivot_root", EINVAL, "put_old");
	check_hint("pivot_root", EBUSY, "mount");
	check_hint("mount proc", EPERM, "PID namespace");
	check_hint("mount", EPERM, "user namespace");
	check_hint("mount", EBUSY, "mounted");
	check_hint("mount", ENOENT, "rootfs");
	check_hint("unshare", EPERM, "unprivileged_userns_clone");
	check_hint("unshare", EPERM, "max_user_namespaces");
	check_hint("unshare", EPERM, "apparmor_restrict_unprivileged_userns");
	check_hint("unshare", EPERM, "set user");
	check_hint("clone3", EPERM, "CAP_SYS_ADMIN");
	check_hint("clone", EPERM, "set user");
	check_hint("clone3", EINVAL, "CLONE_NEWTIME");
	check_hint("clone", EINVAL, "CLONE_NEWTIME");
	check_hint("unshare", EINVAL, "namespace");
	check_hint("clone3", ENOSYS, "5.3");
	check_hint("clone3", ENOSYS, "falls back");
	check_hint("unshare", ENOSPC, "max_");
	check_hint("clone", ENOSPC, "max_");
	check_hint("clone3", ENOSPC, "max_");
	check_hint("unshare", EUSERS, "nested");
	check_hint("clone", EUSERS, "nested");
	check_hint("sethostname", EPERM, "set uts");
	check_hint("chroot", EPERM, "CAP_SYS_CHROOT");
	check_hint("execve", ENOENT, "rootfs");
	check_hint("execve", ENOENT, "interpreter");
	check_hint("execve", EACCES, "noexec");
	check_hint("execve", ENOEXEC, "architecture");
	check_hint("setns", EPERM, "CAP_SYS_ADMIN");
	check_hint("setns", EINVAL, "nstype");
	check_hint("write timens_offsets", EACCES, "entered");
	check_hint("write timens_offsets", EPERM, "CAP_SYS_TIME");
	check_hint("kill", ESRCH, "PID namespace");
	check_hint("write setgroups", EPERM, "gid_map");
}

static void test_hint_fallback(void)
{
	/* Exact match first: "mount proc" has its own EPERM hint. */
	CHECK(explain_hint("mount proc", EPERM) != explain_hint("mount", EPERM));
	/* No "mount proc" EBUSY row: the first word's hint serves. */
	CHECK(explain_hint("mount proc", EBUSY) == explain_hint("mount", EBUSY));
	CHECK(explain_hint("mount tmpfs", EPERM) == explain_hint("mount", EPERM));
	CHECK(explain_hint("mount bind", ENOENT) == explain_hint("mount", ENOENT));
	CHECK(explain_hint("MOUNT PROC", EPERM) == explain_hint("mount proc", EPERM));
	/* The fallback is on the whole first word, not any prefix. */
	CHECK(explain_hint("mountain", EPERM) == NULL);
	CHECK(explain_hint("write", EPERM) == NULL);
	CHECK(explain_hint("write uid_mapx", EPERM) == NULL);
}

static void test_hint_unknown(void)
{
	CHECK(explain_hint("pivot_root", ENOSYS) == NULL);
	CHECK(explain_hint("no-such-call", EPERM) == NULL);
	CHECK(explain_hint("mount", 0) == NULL);
	CHECK(explain_hint("mount", -EPERM) == NULL);
	CHECK(explain_hint(NULL, EPERM) == NULL);
	CHECK(explain_hint("", EPERM) == NULL);
}

static void test_print(void)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	CHECK(f != NULL);
	if (!f)
		return;
	explain_print(explain_lookup("pivot_root"), f);
	explain_print(NULL, f);
	fclose(f);
	CHECK(!strncmp(buf, "pivot_root (call)\n  ", 20));
	CHECK_CONTAINS(buf, "\n  see: pivot_root(2)\n");
	/* Every text line is indented by two spaces. */
	for (const char *p = strchr(buf, '\n') + 1; *p; p = strchr(p, '\n') + 1)
		CHECK(!strncmp(p, "  ", 2));
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &size);
	explain_print(explain_lookup("CLONE_NEWNS"), f);
	fclose(f);
	CHECK(!strncmp(buf, "mount (namespace)\n", 18));
	CHECK_CONTAINS(buf, "  see: mount_namespaces(7)\n");
	free(buf);
}

static void test_netlink_hints(void)
{
	CHECK_CONTAINS(explain_hint("rtnetlink", EEXIST), "nslab cleanup");
	CHECK_CONTAINS(explain_hint("rtnetlink veth", EPERM), "CAP_NET_ADMIN");
	CHECK_CONTAINS(explain_hint("rtnetlink", ENETUNREACH), "same subnet");
}

/* Every call name the trace can show has something to read. */
static void test_every_traced_call_explained(void)
{
	static const char *const calls[] = {
		"clone3", "clone", "unshare", "setns", "mount(2)", "umount2", "pivot_root", "chroot", "chdir",
		"fchdir", "mkdir", "rmdir", "mknod", "symlink", "sethostname", "setdomainname", "write uid_map",
		"write gid_map", "write setgroups", "write timens_offsets", "setresuid", "setresgid", "setgroups",
		"kill", "execve", "release", "mount proc", "mount tmpfs", "mount overlay", "write memory.max",
		"write memory.limit_in_bytes", "write memory.memsw.limit_in_bytes", "write memory.swap.max",
		"write memory.swappiness", "write memory.oom_control", "write pids.max", "write cpu.max",
		"write cpu.cfs_quota_us", "write cpu.cfs_period_us", "write cgroup.procs",
		"write cgroup.subtree_control", "waitpid", "rtnetlink",
	};
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		const struct explain_entry *x = explain_lookup(calls[i]);
		CHECK(x != NULL);
		if (!x)
			printf("  no entry for %s\n", calls[i]);
	}
}

int main(void)
{
	RUN(test_every_traced_call_explained);
	RUN(test_netlink_hints);
	RUN(test_namespaces_resolve);
	RUN(test_namespace_details);
	RUN(test_case_insensitive);
	RUN(test_aliases_resolve);
	RUN(test_unknown);
	RUN(test_call_names);
	RUN(test_kinds_present);
	RUN(test_entries_well_formed);
	RUN(test_no_duplicates);
	RUN(test_hints_required);
	RUN(test_hint_fallback);
	RUN(test_hint_unknown);
	RUN(test_print);
	return CHECK_DONE();
}
