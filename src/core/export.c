/* export unshare / export bwrap: the spec as a util-linux unshare(1) or bubblewrap command line. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "nslab/export.h"
#include "nslab/plan.h"
#include "nslab/size.h"
#include "nslab/util.h"

#define LINE_WIDTH 78

/* The line being built: words (quoted when printed) and comments above it. */
struct cmdline {
	char **words;
	size_t n;
	char **comments;
	size_t n_comments;
	size_t tail;		/* words from here (the command) go on a line of their own, unwrapped */
};

static void word(struct cmdline *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void word(struct cmdline *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strv_addv(&c->words, &c->n, fmt, ap);
	va_end(ap);
}

static void comment(struct cmdline *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void comment(struct cmdline *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strv_addv(&c->comments, &c->n_comments, fmt, ap);
	va_end(ap);
}

static void cmdline_free(struct cmdline *c)
{
	strv_free(&c->words, &c->n);
	strv_free(&c->comments, &c->n_comments);
}

void export_shell_quote(const char *w, char *buf, size_t size)
{
	size_t len = 0;

	if (w[0] && strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=,@%+-") == strlen(w)) {
		snprintf(buf, size, "%s", w);
		return;
	}
	buf[0] = '\0';
	str_appendf(buf, size, &len, "'");
	for (const char *p = w; *p; p++)
		str_appendf(buf, size, &len, *p == '\'' ? "'\\''" : "%c", *p);
	str_appendf(buf, size, &len, "'");
}

/* How wide the command (the words from tail on) prints. */
static size_t tail_width(const struct cmdline *c)
{
	char q[8192];
	size_t w = 0;

	for (size_t i = c->tail; i < c->n; i++) {
		export_shell_quote(c->words[i], q, sizeof(q));
		w += strlen(q) + 1;
	}
	return w;
}

/* Comments, then the words; long lines continue with a backslash, and a
 * command that does not fit gets a line of its own. */
static void cmdline_print(const struct cmdline *c, FILE *out)
{
	size_t col = 0;
	char q[8192];

	for (size_t i = 0; i < c->n_comments; i++)
		fprintf(out, "# %s\n", c->comments[i]);
	for (size_t i = 0; i < c->n; i++) {
		export_shell_quote(c->words[i], q, sizeof(q));
		size_t len = strlen(q);
		bool wrap = i < c->tail && col + 1 + len > LINE_WIDTH && c->words[i][0] == '-';
		if (col && (wrap || (c->tail && i == c->tail && col + tail_width(c) > LINE_WIDTH))) {
			fputs(" \\\n   ", out);
			col = 3;
		}
		fprintf(out, "%s%s", col ? " " : "", q);
		col += len + (col ? 1 : 0);
	}
	fputc('\n', out);
}

static bool has(const struct spec *s, enum ns_kind k) { return s->ns_mask & NS_BIT(k); }

static void add_command(struct cmdline *c, char *const argv[])
{
	if (!argv || !argv[0]) {
		word(c, "/bin/sh");
		return;
	}
	for (size_t i = 0; argv[i]; i++)
		word(c, "%s", argv[i]);
}

/* Settings neither tool has: a comment each. */
static void comment_common(const struct spec *s, const char *tool, struct cmdline *c)
{
	char size[32];

	if (s->limits.memory) {
		size_format(s->limits.memory, size, sizeof(size));
		comment(c, "limit memory %s: %s makes no cgroup (systemd-run --scope -p MemoryMax=%lld does, or "
			   "write the pid to a cgroup's cgroup.procs)", size, tool, s->limits.memory);
	}
	if (s->limits.pids)
		comment(c, "limit pids %lld: %s makes no cgroup (systemd-run --scope -p TasksMax=%lld)", s->limits.pids,
			tool, s->limits.pids);
	if (s->limits.cpu_percent)
		comment(c, "limit cpu %d%%: %s makes no cgroup (systemd-run --scope -p CPUQuota=%d%%)", s->limits.cpu_percent,
			tool, s->limits.cpu_percent);
	if (s->net_veth)
		comment(c, "net veth: %s makes no veth pair (ip link add ... type veth, then ip link set ... netns PID)", tool);
	if (s->trace_child)
		comment(c, "trace child: %s does not trace; strace -f in front of the line does", tool);
}

/* ---- unshare ---------------------------------------------------------------- */

/* One line of a single-id map for the caller: --map-user / --map-group. */
static bool own_single(const struct idmap *m, uint32_t id)
{
	return m->n == 1 && m->lines[0].count == 1 && m->lines[0].outside == id;
}

static void unshare_map(struct cmdline *c, const struct idmap *m, uint32_t own, const char *what, const char *kind)
{
	if (!m->n)
		return;
	if (own_single(m, own)) {
		word(c, "--map-%s=%u", what, m->lines[0].inside);
		return;
	}
	word(c, "--map-%ss=%u,%u,%u", what, m->lines[0].outside, m->lines[0].inside, m->lines[0].count);
	comment(c, "%smap %u %u %u: --map-%ss runs newuidmap(1)/newgidmap(1), which needs the range in /etc/sub%s "
		   "(root too)", kind, m->lines[0].inside, m->lines[0].outside, m->lines[0].count, what, kind);
	for (size_t i = 1; i < m->n; i++)
		comment(c, "%smap %u %u %u: unshare takes one --map-%ss range; not expressed", kind, m->lines[i].inside,
			m->lines[i].outside, m->lines[i].count, what);
}

static void unshare_user(const struct spec *s, const struct plan *p, uid_t euid, gid_t egid, struct cmdline *c)
{
	bool root = own_single(&s->uidmap, euid) && s->uidmap.lines[0].inside == 0 && own_single(&s->gidmap, egid) &&
		    s->gidmap.lines[0].inside == 0 && s->setgroups != SETGROUPS_ALLOW;

	if (!s->uidmap.n)
		comment(c, "user namespace without a uid map: the command shows as uid 65534 inside");
	if (root) {
		word(c, "--map-root-user");
	} else {
		unshare_map(c, &s->uidmap, euid, "user", "uid");
		unshare_map(c, &s->gidmap, egid, "group", "gid");
	}
	if (plan_find(p, STEP_BECOME_ROOT) >= 0)
		word(c, "--setuid=0"), word(c, "--setgid=0");
	/* --map-root-user and --map-group write deny themselves (a second write fails). */
	if (root || own_single(&s->gidmap, egid)) {
		if (s->setgroups == SETGROUPS_ALLOW)
			comment(c, "setgroups allow: unshare --map-group writes deny; not expressed");
		return;
	}
	if (s->setgroups != SETGROUPS_AUTO)
		word(c, "--setgroups=%s", s->setgroups == SETGROUPS_DENY ? "deny" : "allow");
}

/* A shell step inside, after unshare entered the root: what it has no option for. */
static void unshare_mount_step(const struct plan_mount *m, struct cmdline *c, char *script, size_t size, size_t *len)
{
	static const char *const flags[MOUNT_KIND_COUNT] = {
		[MOUNT_PROC] = "nosuid,nodev,noexec", [MOUNT_TMPFS] = "nosuid,nodev", [MOUNT_SYSFS] = "nosuid,nodev,noexec",
	};
	char q[512];

	if (m->kind == MOUNT_DEV) {
		comment(c, "mount dev %s: unshare cannot bind the host's device nodes into the root (bwrap --dev can)",
			m->target);
		return;
	}
	export_shell_quote(m->target, q, sizeof(q));
	str_appendf(script, size, len, "mkdir -p %s && mount -t %s -o %s%s%s %s %s && ", q, mount_kind_names[m->kind],
		    flags[m->kind], m->options[0] ? "," : "", m->options, mount_kind_names[m->kind], q);
}

static void unshare_script(const struct spec *s, const struct plan *p, struct cmdline *c, char *script, size_t size)
{
	size_t len = 0;
	bool proc = false;

	script[0] = '\0';
	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct plan_mount *m = &p->mounts[i];
		if (m->kind == MOUNT_PROC && !strcmp(m->target, "/proc"))
			word(c, "--mount-proc=/proc"), proc = true;
		else
			unshare_mount_step(m, c, script, size, &len);
	}
	if (s->hostname)
		str_appendf(script, size, &len, "hostname %s && ", s->hostname);
	/* busybox has no domainname(1): the sysctl file sets it, given a /proc. */
	if (s->domainname && proc)
		str_appendf(script, size, &len, "echo %s > /proc/sys/kernel/domainname && ", s->domainname);
	else if (s->domainname)
		comment(c, "domainname %s: unshare has no option for it; with /proc mounted, echo %s > "
			   "/proc/sys/kernel/domainname", s->domainname, s->domainname);
	if (s->net_lo || s->net_veth)
		str_appendf(script, size, &len, "ip link set lo up && ");
}

static void unshare_comments(const struct spec *s, const char *script, struct cmdline *c)
{
	if (script[0])
		comment(c, "unshare sets no host or domain name, mounts nothing but /proc and leaves lo down: sh does "
			   "those inside the root, then execs the command (the root needs sh%s%s%s)", strstr(script, "mount -t") ? ", mount" : "",
			strstr(script, "hostname ") ? ", hostname" : "",
			strstr(script, "ip link") ? ", ip" : "");
	if (s->rootfs && s->enter == ENTER_PIVOT_ROOT)
		comment(c, "enter pivot_root: unshare --root enters with chroot(2)");
	if (s->overlay)
		comment(c, "overlay: unshare cannot stack layers; the command runs on the rootfs itself and its writes "
			   "change it (mount -t overlay in a mount namespace first, then --root the merged dir)");
	if (has(s, NS_TIME) && !s->time_offset_boottime && !s->time_offset_monotonic)
		comment(c, "time: a new time namespace with no offsets");
	comment_common(s, "unshare", c);
}

static void unshare_build(const struct spec *s, char *const argv[], const struct plan *p, uid_t euid, gid_t egid,
			  struct cmdline *c)
{
	static const char *const opt[NS_COUNT] = {
		[NS_PID] = "--pid", [NS_USER] = "--user", [NS_UTS] = "--uts", [NS_MOUNT] = "--mount",
		[NS_NET] = "--net", [NS_IPC] = "--ipc", [NS_CGROUP] = "--cgroup", [NS_TIME] = "--time",
	};
	char script[4096];

	if (s->n_env)
		word(c, "env");
	for (size_t i = 0; i < s->n_env; i++)
		word(c, "%s", s->env[i]);
	/* --fork: the command is unshare's child, PID 1 of a new PID namespace;
	 * --kill-child: it dies with unshare, as nslab's container dies with nslab. */
	word(c, "unshare");
	word(c, "--fork");
	word(c, "--kill-child");
	for (int k = 0; k < NS_COUNT; k++)
		if (has(s, k))
			word(c, "%s", opt[k]);
	if (has(s, NS_USER))
		unshare_user(s, p, euid, egid, c);
	if (s->time_offset_monotonic)
		word(c, "--monotonic=%lld", s->time_offset_monotonic);
	if (s->time_offset_boottime)
		word(c, "--boottime=%lld", s->time_offset_boottime);
	if (s->rootfs)
		word(c, "--root=%s", s->rootfs);
	unshare_script(s, p, c, script, sizeof(script));
	unshare_comments(s, script, c);
	c->tail = c->n;
	if (script[0]) {
		word(c, "/bin/sh");
		word(c, "-c");
		word(c, "%sexec \"$@\"", script);
		word(c, "sh");
	}
	add_command(c, argv);
}

/* ---- bwrap ------------------------------------------------------------------ */

static void bwrap_user(const struct spec *s, uid_t euid, gid_t egid, struct cmdline *c)
{
	word(c, "--unshare-user");
	if (own_single(&s->uidmap, euid))
		word(c, "--uid"), word(c, "%u", s->uidmap.lines[0].inside);
	else if (s->uidmap.n)
		comment(c, "uidmap: bwrap maps only your own uid (--uid N); for other maps make the namespace first and "
			   "pass it with --userns FD");
	else
		comment(c, "no uid map: bwrap always maps your own uid to itself");
	if (own_single(&s->gidmap, egid))
		word(c, "--gid"), word(c, "%u", s->gidmap.lines[0].inside);
	else if (s->gidmap.n)
		comment(c, "gidmap: bwrap maps only your own gid (--gid N); not expressed");
	if (s->setgroups == SETGROUPS_ALLOW)
		comment(c, "setgroups allow: bwrap always writes deny in the user namespace it makes");
}

static void bwrap_tmpfs(const struct plan_mount *m, struct cmdline *c)
{
	_cleanup_free_ char *opts = xstrdup(m->options);
	char *save = NULL;
	struct nslab_error ignored = {0};

	for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		long long bytes;
		if (!strncmp(o, "size=", 5) && size_parse(o + 5, false, &bytes, &ignored) == 0)
			word(c, "--size"), word(c, "%lld", bytes);
		else if (!strncmp(o, "mode=", 5) && strspn(o + 5, "01234567") == strlen(o + 5))
			word(c, "--perms"), word(c, "%s", o + 5);
		else
			comment(c, "tmpfs %s option %s: bwrap takes only a size (--size) and a mode (--perms)", m->target, o);
	}
	word(c, "--tmpfs");
	word(c, "%s", m->target);
}

static void bwrap_mount(const struct plan_mount *m, struct cmdline *c)
{
	if (m->options[0] && m->kind != MOUNT_TMPFS)
		comment(c, "%s %s options %s: bwrap takes none", mount_kind_names[m->kind], m->target, m->options);
	switch (m->kind) {
	case MOUNT_PROC:
		word(c, "--proc"), word(c, "%s", m->target);
		return;
	case MOUNT_DEV:
		word(c, "--dev"), word(c, "%s", m->target);
		return;
	case MOUNT_TMPFS:
		bwrap_tmpfs(m, c);
		return;
	case MOUNT_SYSFS:
		comment(c, "sysfs %s: bwrap cannot mount a new sysfs; the host's /sys is bound read-only instead (it "
			   "shows the host's network devices)", m->target);
		word(c, "--ro-bind"), word(c, "/sys"), word(c, "%s", m->target);
		return;
	case MOUNT_KIND_COUNT:
		return;
	}
}

static void bwrap_comments(const struct spec *s, struct cmdline *c)
{
	if (!has(s, NS_MOUNT))
		comment(c, "bwrap always makes a new mount namespace (nslab's spec has none)");
	if (has(s, NS_TIME) || s->time_offset_boottime || s->time_offset_monotonic)
		comment(c, "time namespace (monotonic %+llds, boottime %+llds): bwrap has none; put unshare --fork --time "
			   "--monotonic=N --boottime=N in front of it", s->time_offset_monotonic, s->time_offset_boottime);
	if (s->domainname)
		comment(c, "domainname %s: bwrap has no option for it", s->domainname);
	if (s->rootfs && s->enter == ENTER_CHROOT)
		comment(c, "enter chroot: bwrap always pivot_roots into its new root");
	if (s->overlay)
		comment(c, "overlay: bwrap 0.10 and later can stack it (--overlay-src LAYER... --tmp-overlay /); this one "
			   "runs on the rootfs itself and its writes change it");
	if (has(s, NS_NET) && !s->net_lo && !s->net_veth)
		comment(c, "net: bwrap brings lo up in its network namespace (nslab leaves it down)");
	comment_common(s, "bwrap", c);
}

static void bwrap_build(const struct spec *s, char *const argv[], const struct plan *p, uid_t euid, gid_t egid,
			struct cmdline *c)
{
	static const char *const opt[NS_COUNT] = {
		[NS_PID] = "--unshare-pid", [NS_UTS] = "--unshare-uts", [NS_NET] = "--unshare-net",
		[NS_IPC] = "--unshare-ipc", [NS_CGROUP] = "--unshare-cgroup",
	};

	/* It dies with its parent, as nslab's container dies with nslab. */
	word(c, "bwrap");
	word(c, "--die-with-parent");
	if (has(s, NS_USER))
		bwrap_user(s, euid, egid, c);
	for (int k = 0; k < NS_COUNT; k++)
		if (has(s, k) && opt[k])
			word(c, "%s", opt[k]);
	/* Without it bwrap keeps a reaper of its own as PID 1. */
	if (has(s, NS_PID))
		word(c, "--as-pid-1");
	if (s->hostname)
		word(c, "--hostname"), word(c, "%s", s->hostname);
	word(c, "--dev-bind"), word(c, "%s", s->rootfs ? s->rootfs : "/"), word(c, "/");
	for (size_t i = 0; i < p->n_mounts; i++)
		bwrap_mount(&p->mounts[i], c);
	for (size_t i = 0; i < s->n_env; i++) {
		const char *eq = strchr(s->env[i], '=');
		word(c, "--setenv"), word(c, "%.*s", (int)(eq - s->env[i]), s->env[i]), word(c, "%s", eq + 1);
	}
	if (s->rootfs)
		word(c, "--chdir"), word(c, "/");
	bwrap_comments(s, c);
	c->tail = c->n;
	word(c, "--");
	add_command(c, argv);
}

/* ---- entry points ------------------------------------------------------------ */

typedef void (*build_fn)(const struct spec *, char *const[], const struct plan *, uid_t, gid_t, struct cmdline *);

static int export_with(build_fn build, const char *what, const struct spec *s, char *const argv[], uid_t euid,
		       gid_t egid, FILE *out, struct nslab_error *e)
{
	_cleanup_free_ struct plan *p = xmalloc(sizeof(*p));
	struct cmdline c = {0};

	if (plan_build(s, euid, egid, NULL, p, e) < 0)
		return nslab_error_prefix(e, "export %s", what);
	build(s, argv, p, euid, egid, &c);
	fprintf(out, "# nslab's spec as %s command line%s\n", what, euid ? "" : " (run it as root, as nslab runs)");
	cmdline_print(&c, out);
	cmdline_free(&c);
	return 0;
}

int export_unshare(const struct spec *s, char *const argv[], uid_t euid, gid_t egid, FILE *out, struct nslab_error *e)
{
	return export_with(unshare_build, "an unshare(1)", s, argv, euid, egid, out, e);
}

int export_bwrap(const struct spec *s, char *const argv[], uid_t euid, gid_t egid, FILE *out, struct nslab_error *e)
{
	return export_with(bwrap_build, "a bwrap", s, argv, euid, egid, out, e);
}
