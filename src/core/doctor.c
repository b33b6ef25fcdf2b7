/* doctor: the check runner, report helpers and printer, plus kernel, namespace, sysctl and mount checks. */
#include "nslab/doctor.h"
#include "nslab/probe.h"
#include "nslab/util.h"
#include "doctor_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435 /* the same number on every architecture */
#endif

/* ---- small helpers ---------------------------------------------------- */

void doctor_add_check(struct doctor_report *r, const char *name, int status, const char *fmt, ...)
{
	if (r->n >= DOCTOR_MAX_CHECKS)
		return;
	struct doctor_check *c = &r->checks[r->n++];
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->status = status;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

/* Append to a NUL-terminated buffer; silently stops when it is full. */
void doctor_appendf(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strnlen(buf, size);
	if (len + 1 >= size)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

const char *doctor_errno_name(int err)
{
	const char *name = strerrorname_np(err);
	return name ? name : "unknown error";
}

static int read_long(const char *path, long *out)
{
	char buf[64];
	*out = -1;
	ssize_t n = read_file_at(AT_FDCWD, path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	char *end;
	errno = 0;
	*out = strtol(buf, &end, 10);
	if (errno || end == buf)
		return -EINVAL;
	return 0;
}

/* ---- mountinfo ---------------------------------------------------------- */

static bool mount_is_shared(const struct mount_info *m)
{
	return m->propagation == PROP_SHARED || m->propagation == PROP_SHARED_SLAVE;
}

int doctor_root_is_shared(const char *mountinfo)
{
	struct mount_list l = { 0 };
	int shared = -1;
	if (!mountinfo)
		return -1;
	probe_mounts_parse(mountinfo, &l);
	for (size_t i = 0; i < l.n; i++) {
		/* keep going: a later mount on / hides this one */
		if (strcmp(l.v[i].target, "/") == 0)
			shared = mount_is_shared(&l.v[i]);
	}
	mount_list_free(&l);
	return shared;
}

/* ---- checks: kernel and namespaces -------------------------------------- */

static void check_kernel(struct doctor_report *r, const struct doctor_ctx *ctx)
{
	doctor_add_check(r, "kernel", DOCTOR_INFO, "Linux %s on %s (%s)", ctx->uts.release,
			 ctx->uts.machine, ctx->uts.version);
}

/* The initial user namespace maps all 2^32 ids onto themselves. */
static int in_initial_userns(void)
{
	char text[256];
	unsigned inside, outside, count;
	if (read_file_at(AT_FDCWD, "/proc/self/uid_map", text, sizeof(text)) < 0)
		return 1; /* no user namespaces at all */
	if (sscanf(text, "%u %u %u", &inside, &outside, &count) != 3)
		return 0;
	return inside == 0 && outside == 0 && count == 4294967295u;
}

static void check_privilege(struct doctor_report *r, const struct doctor_ctx *ctx)
{
	if (ctx->root) {
		doctor_add_check(r, "privilege", DOCTOR_INFO,
				 "running as root: every feature is available. The user-namespace "
				 "and overlay tests below drop to nobody (65534) to show what an "
				 "ordinary user would get.");
		return;
	}
	if (ctx->ns_root) {
		doctor_add_check(r, "privilege", DOCTOR_INFO,
				 "running as uid 0 inside a user namespace: root here, but the host "
				 "sees your outside uid, so nslab treats this as rootless. Cgroup "
				 "limits need a delegated cgroup and veth links need the host network "
				 "namespace.");
		return;
	}
	doctor_add_check(r, "privilege", DOCTOR_INFO,
			 "running as uid %u, not root: nslab works rootless through a user "
			 "namespace that maps you to 0 inside. That rules out cgroup limits "
			 "unless your cgroup is delegated (see below) and veth links (creating "
			 "one needs CAP_NET_ADMIN in the host network namespace); loopback in a "
			 "new network namespace still works.",
			 (unsigned)geteuid());
}

static const struct doctor_ns_kind {
	const char *name;
	const char *flag;
	const char *since;
	const char *config;
	const char *isolates;
} ns_kinds[] = {
	{ "pid", "CLONE_NEWPID", "2.6.24", "CONFIG_PID_NS", "process IDs" },
	{ "user", "CLONE_NEWUSER", "3.8", "CONFIG_USER_NS", "user and group IDs and capabilities" },
	{ "uts", "CLONE_NEWUTS", "2.6.19", "CONFIG_UTS_NS", "the hostname and NIS domain name" },
	{ "mnt", "CLONE_NEWNS", "2.4.19", "nothing (always built in)", "the mount table" },
	{ "net", "CLONE_NEWNET", "2.6.29", "CONFIG_NET_NS",
	  "network devices, addresses, routes and ports" },
	{ "ipc", "CLONE_NEWIPC", "2.6.19", "CONFIG_IPC_NS",
	  "System V IPC and POSIX message queues" },
	{ "cgroup", "CLONE_NEWCGROUP", "4.6", "CONFIG_CGROUPS", "the view of the cgroup tree" },
	{ "time", "CLONE_NEWTIME", "5.6", "CONFIG_TIME_NS", "CLOCK_MONOTONIC and CLOCK_BOOTTIME" },
};

static void check_namespace(struct doctor_report *r, const struct doctor_ctx *ctx,
			    const struct doctor_ns_kind *k)
{
	char name[64], path[64];
	snprintf(name, sizeof(name), "%s namespace", k->name);
	snprintf(path, sizeof(path), "/proc/self/ns/%s", k->name);
	if (access(path, F_OK) == 0) {
		doctor_add_check(r, name, DOCTOR_OK, "%s isolates %s (Linux %s+)", k->flag, k->isolates,
				 k->since);
		return;
	}
	doctor_add_check(r, name, DOCTOR_NO,
			 "%s is missing: %s namespaces came in Linux %s (this is %s) and need %s; "
			 "%s is unavailable until the kernel is upgraded or rebuilt",
			 path, k->name, k->since, ctx->uts.release, k->config, k->flag);
}

static void check_clone3(struct doctor_report *r)
{
	/* size 0 is below CLONE_ARGS_SIZE_VER0, so a kernel that has clone3
	 * rejects it before creating anything. */
	long rc = syscall(SYS_clone3, NULL, 0);
	int err = rc < 0 ? errno : 0;
	if (err == EINVAL || err == EFAULT) {
		doctor_add_check(r, "clone3", DOCTOR_OK,
				 "clone3(NULL, 0) answered %s, so the call exists (Linux 5.3+): "
				 "nslab launches children with clone3",
				 doctor_errno_name(err));
		return;
	}
	if (err == ENOSYS) {
		doctor_add_check(r, "clone3", DOCTOR_WARN,
				 "clone3 answered ENOSYS: the kernel predates 5.3, or a seccomp "
				 "filter hides it on purpose (Docker's default profile does) so "
				 "runtimes fall back. nslab falls back to clone(2), which does "
				 "everything the lessons need.");
		return;
	}
	doctor_add_check(r, "clone3", DOCTOR_WARN,
			 "clone3(NULL, 0) answered %s (%s), probably a seccomp filter; nslab falls "
			 "back to clone(2)",
			 doctor_errno_name(err), strerror(err));
}

static void check_time_exec(struct doctor_report *r, const struct doctor_ctx *ctx)
{
	if (access("/proc/self/ns/time_for_children", F_OK) != 0) {
		doctor_add_check(r, "time ns entry", DOCTOR_INFO,
				 "no time namespaces here, so --time is unavailable");
		return;
	}
	(void)ctx;
	doctor_add_check(r, "time ns entry", DOCTOR_INFO,
			 "unshare(CLONE_NEWTIME) leaves the caller outside; nslab's child "
			 "writes the offsets, then joins with setns(time_for_children), "
			 "which every kernel with time namespaces allows");
}

static void check_max_namespaces(struct doctor_report *r)
{
	static const char *const kinds[] = { "user", "pid", "net", "mnt",
					     "uts", "ipc", "cgroup", "time" };
	char detail[400] = "", zero[64] = "";
	int found = 0;
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		char path[96];
		long v;
		snprintf(path, sizeof(path), "/proc/sys/user/max_%s_namespaces", kinds[i]);
		if (read_long(path, &v) < 0)
			continue;
		doctor_appendf(detail, sizeof(detail), "%s%s %ld", found++ ? ", " : "", kinds[i], v);
		if (v == 0 && !zero[0])
			snprintf(zero, sizeof(zero), "%s", kinds[i]);
	}
	if (!found) {
		doctor_add_check(r, "max namespaces", DOCTOR_INFO,
				 "no limits under /proc/sys/user (kernel before 4.9)");
		return;
	}
	if (zero[0]) {
		doctor_add_check(r, "max namespaces", DOCTOR_WARN,
				 "per-user limits: %s. max_%s_namespaces is 0, so creating one fails "
				 "with ENOSPC; raise it: sysctl -w user.max_%s_namespaces=10000",
				 detail, zero, zero);
		return;
	}
	doctor_add_check(r, "max namespaces", DOCTOR_INFO,
			 "per-user limits (/proc/sys/user/max_*_namespaces): %s", detail);
}

/* ---- checks: unprivileged user namespaces ------------------------------- */

static void check_userns_sysctls(struct doctor_report *r, const struct doctor_ctx *ctx)
{
	char found[200] = "", hint[300] = "";
	int status = DOCTOR_OK;
	long v;
	if (read_long("/proc/sys/kernel/unprivileged_userns_clone", &v) == 0) {
		doctor_appendf(found, sizeof(found), "kernel.unprivileged_userns_clone=%ld; ", v);
		if (v == 0 && status == DOCTOR_OK) {
			status = DOCTOR_NO;
			snprintf(hint, sizeof(hint), "the Debian switch blocks them; allow: "
				 "sysctl -w kernel.unprivileged_userns_clone=1");
		}
	}
	if (read_long("/proc/sys/user/max_user_namespaces", &v) == 0) {
		doctor_appendf(found, sizeof(found), "user.max_user_namespaces=%ld; ", v);
		if (v == 0 && status == DOCTOR_OK) {
			status = DOCTOR_NO;
			snprintf(hint, sizeof(hint), "a limit of 0 blocks them (for root too); "
				 "sysctl -w user.max_user_namespaces=10000");
		}
	}
	if (read_long("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", &v) == 0) {
		doctor_appendf(found, sizeof(found), "kernel.apparmor_restrict_unprivileged_userns=%ld; ",
			       v);
		if (v == 1 && status == DOCTOR_OK) {
			status = DOCTOR_WARN;
			snprintf(hint, sizeof(hint),
				 "AppArmor (Ubuntu 23.10+) lets unshare succeed but gives the new "
				 "namespace no capabilities, so mounts fail; allow with sysctl -w "
				 "kernel.apparmor_restrict_unprivileged_userns=0 or an AppArmor "
				 "profile for nslab with the rule 'userns,'");
		}
	}
	if (!found[0]) {
		doctor_add_check(r, "userns sysctls", DOCTOR_OK,
				 "none of the usual switches exist, so no sysctl restricts "
				 "unprivileged user namespaces");
		return;
	}
	if (status == DOCTOR_OK) {
		doctor_add_check(r, "userns sysctls", DOCTOR_OK,
				 "%sunprivileged user namespaces are allowed", found);
		return;
	}
	doctor_add_check(r, "userns sysctls", status, "%s%s%s", found, hint,
			 ctx->root ? " (only rootless use is affected; as root nslab goes ahead)" : "");
}

/* ---- checks: mounts and overlay ----------------------------------------- */

static void check_root_propagation(struct doctor_report *r)
{
	_cleanup_free_ char *text = read_file_all("/proc/self/mountinfo");
	int shared = doctor_root_is_shared(text);
	if (shared < 0) {
		doctor_add_check(r, "/ propagation", DOCTOR_WARN,
				 "could not find / in /proc/self/mountinfo%s; nslab makes every new "
				 "mount namespace MS_REC|MS_PRIVATE first anyway",
				 text ? "" : " (unreadable)");
		return;
	}
	if (shared) {
		doctor_add_check(r, "/ propagation", DOCTOR_WARN,
				 "/ is a shared mount (systemd makes it so): a mount made in a new "
				 "mount namespace would propagate back to the host unless / is made "
				 "private first. nslab always does mount(NULL, \"/\", NULL, "
				 "MS_REC|MS_PRIVATE) first; do the same by hand (unshare(1) does it "
				 "too).");
		return;
	}
	doctor_add_check(r, "/ propagation", DOCTOR_OK,
			 "/ is private (not shared), which is fine: mounts in a new mount "
			 "namespace stay there. nslab still makes / MS_REC|MS_PRIVATE first, as "
			 "it must on systemd machines where / is shared.");
}

static void check_overlay_fs(struct doctor_report *r)
{
	char buf[8192];
	if (read_file_at(AT_FDCWD, "/proc/filesystems", buf, sizeof(buf)) < 0) {
		doctor_add_check(r, "overlay fs", DOCTOR_WARN, "could not read /proc/filesystems");
		return;
	}
	if (strstr(buf, "\toverlay\n")) {
		doctor_add_check(r, "overlay fs", DOCTOR_OK,
				 "overlay is in /proc/filesystems: layered root file systems work");
		return;
	}
	doctor_add_check(r, "overlay fs", DOCTOR_NO,
			 "overlay is not in /proc/filesystems: load it (modprobe overlay; the kernel "
			 "needs CONFIG_OVERLAY_FS). Without it --overlay is unavailable; a plain "
			 "root directory still works.");
}

/* ---- run and print ------------------------------------------------------ */

void doctor_run(struct doctor_report *r)
{
	struct doctor_ctx ctx = { .root = geteuid() == 0 && in_initial_userns() };
	ctx.ns_root = geteuid() == 0 && !ctx.root;
	r->n = 0;
	if (uname(&ctx.uts) == 0)
		sscanf(ctx.uts.release, "%d.%d", &ctx.major, &ctx.minor);
	else
		snprintf(ctx.uts.release, sizeof(ctx.uts.release), "unknown");
	check_kernel(r, &ctx);
	check_privilege(r, &ctx);
	for (size_t i = 0; i < ARRAY_SIZE(ns_kinds); i++)
		check_namespace(r, &ctx, &ns_kinds[i]);
	check_clone3(r);
	check_max_namespaces(r);
	check_userns_sysctls(r, &ctx);
	doctor_check_userns_unshare(r, &ctx);
	check_time_exec(r, &ctx);
	check_root_propagation(r);
	check_overlay_fs(r);
	doctor_check_overlay_userns(r, &ctx);
	doctor_check_cgroups(r, &ctx);
}

static const char *status_mark(int status)
{
	switch (status) {
	case DOCTOR_OK:
		return "ok  ";
	case DOCTOR_WARN:
		return "warn";
	case DOCTOR_NO:
		return "no  ";
	default:
		return "info";
	}
}

#define PRINT_WIDTH 80
#define PRINT_INDENT 6

/* Print text word by word from column col, wrapping before PRINT_WIDTH;
 * continuation lines are indented. A word longer than a line stays whole. */
static void print_wrapped(FILE *out, const char *text, size_t col)
{
	for (const char *p = text; *p;) {
		p += strspn(p, " ");
		size_t len = strcspn(p, " ");
		if (!len)
			break;
		if (col > PRINT_INDENT && col + 1 + len > PRINT_WIDTH) {
			fprintf(out, "\n%*s", PRINT_INDENT, "");
			col = PRINT_INDENT;
		} else if (col > PRINT_INDENT) {
			fputc(' ', out);
			col++;
		}
		fprintf(out, "%.*s", (int)len, p);
		col += len;
		p += len;
	}
	fputc('\n', out);
}

void doctor_print(const struct doctor_report *r, FILE *out)
{
	size_t ok = 0, warn = 0, no = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct doctor_check *c = &r->checks[i];
		ok += c->status == DOCTOR_OK;
		warn += c->status == DOCTOR_WARN;
		no += c->status == DOCTOR_NO;
		fprintf(out, "%s  %s:", status_mark(c->status), c->name);
		print_wrapped(out, c->detail, 4 + 2 + strlen(c->name) + 1);
	}
	fprintf(out, "summary: %zu ok, %zu warning%s, %zu unavailable\n", ok, warn,
		warn == 1 ? "" : "s", no);
}
